"""Value types of place resolution: a resolved :class:`Region` and a :class:`PlaceMention`.

A ``Region`` is exactly what ``schemas/region.v1.json`` records (shared by
mentions and incidents); a ``PlaceMention`` is one place found in one article
with its spans, so the extractor can pick the place nearest to a casualty
statement and cite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["NO_REGION", "PRECISIONS", "PlaceMention", "Region", "Unit"]

# Like UCDP's where_prec, most specific first.
PRECISIONS = ("exact", "subdistrict", "district", "governorate", "country", "none")


@dataclass(frozen=True, slots=True)
class Region:
    """A place resolved to OCHA admin units (or ISO 3166-2 outside Syria).

    ``pcode`` is the most specific unit known (C-/N-code, admin3, admin2,
    admin1, or an ISO code abroad); ``precision`` says how specific it is.
    ``admin1_alt`` keeps the governorate the text itself gave when the
    gazetteer disagrees (ANNOTATION.md section 4).
    """

    admin1: str | None
    admin2: str | None
    admin3: str | None
    pcode: str | None
    precision: str
    place: str | None
    lat: float | None
    lon: float | None
    admin1_alt: str | None = None

    def to_record(self) -> dict:
        """JSON-ready dict of the shape of ``schemas/region.v1.json``."""
        return {
            "admin1": self.admin1,
            "admin2": self.admin2,
            "admin3": self.admin3,
            "admin1_alt": self.admin1_alt,
            "place": self.place[:256] if self.place else self.place,
            "pcode": self.pcode,
            "precision": self.precision,
            "lat": self.lat,
            "lon": self.lon,
        }


NO_REGION = Region(None, None, None, None, "none", None, None, None)


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One place named in an article.

    ``start``/``end`` index the normalised text, ``orig_start``/``orig_end``
    the original; ``surface`` is the original text.  ``countryside`` marks a
    ريف X / X countryside phrase (resolved to the unit X, not a point).
    ``kind`` is one of admin1, admin2, admin3, community, neighbourhood,
    informal, foreign, country.  ``score`` in (0, 1] is a confidence.
    """

    start: int
    end: int
    orig_start: int
    orig_end: int
    surface: str
    region: Region
    countryside: bool
    kind: str
    score: float


@dataclass(frozen=True, slots=True)
class Unit:
    """One gazetteer entry (admin unit, community, neighbourhood, informal region, foreign place)."""

    pcode: str
    kind: str
    ar: str
    en: str
    admin1: str | None
    admin2: str | None
    admin3: str | None
    lat: float | None
    lon: float | None
    seat: int = 0  # 3 governorate seat, 2 district seat, 1 sub-district seat
    pop: int = 0
    parent: str | None = None  # neighbourhood -> city community; informal -> containing unit
    precision: str = "exact"
    level: int = field(default=4, compare=False)  # 1 governorate (or its seat) .. 5 neighbourhood
    prior: float = field(default=1.0, compare=False)  # size prior of resolution

    def __post_init__(self) -> None:
        # Computed once here so resolution does not recompute them per hit.
        object.__setattr__(self, "level", _level(self.kind, self.seat))
        object.__setattr__(self, "prior", _prior(self.kind, self.seat))


_PRIOR_KIND = {
    "admin1": 5.0,
    "informal": 4.5,
    "admin2": 4.0,
    "admin3": 3.0,
    "community": 1.0,
    "neighbourhood": 0.6,
    "foreign": 2.5,
    "country": 2.5,
}
_SEAT_PRIOR = {3: 5.2, 2: 4.2, 1: 3.2}


def _level(kind: str, seat: int) -> int:
    """How coarse a unit is: 1 governorate (or its seat city) ... 5 neighbourhood."""
    if kind in ("admin1", "country", "foreign") or seat == 3:
        return 1
    if kind in ("admin2", "informal") or seat == 2:
        return 2
    if kind == "admin3" or seat == 1:
        return 3
    return 4 if kind == "community" else 5


def _prior(kind: str, seat: int) -> float:
    """Size prior: governorate > district > sub-district; a seat city beats a hamlet."""
    if kind == "community" and seat:
        return _SEAT_PRIOR[seat]
    return _PRIOR_KIND.get(kind, 1.0)
