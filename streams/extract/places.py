"""The one place where extraction talks to the gazetteer (``streams.places``).

Resolving a name to p-codes is the gazetteer's job; choosing which place
governs a mention is ours (``choose``). Until ``streams.places`` is importable
every mention gets the empty region, so the rest of the pipeline still runs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from streams.text.normalize import Normalized

__all__ = ["EMPTY_REGION", "Place", "find_places"]

EMPTY_REGION: Final[dict[str, Any]] = {
    "admin1": None,
    "admin2": None,
    "admin3": None,
    "place": None,
    "pcode": None,
    "precision": "none",
}
_RANK: Final = {"exact": 5, "subdistrict": 4, "district": 3, "governorate": 2, "country": 0, "none": 0}


@dataclass(frozen=True, slots=True, init=False)
class Place:
    """A place found in the text: normalised span and its region record."""

    start: int
    end: int
    region: dict[str, Any]

    # An explicit __init__ (init=False above): mypyc compiles it (the object.__setattr__ calls
    # become plain stores), while the dataclass-made one runs in the interpreter. The same
    # fields as the frozen dataclass's own __init__ sets, the same way.
    def __init__(self, start: int, end: int, region: dict[str, Any]) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "region", region)

    @property
    def rank(self) -> int:
        """How specific the place is (exact point 5 ... country 0)."""
        return _RANK.get(self.region.get("precision") or "none", 0)

    @property
    def key(self) -> str | None:
        """What identifies the place for de-duplication."""
        return self.region.get("pcode") or self.region.get("admin1")


def _gazetteer() -> Any:
    try:
        from streams.places import default_gazetteer
    except Exception:
        return None
    try:
        return default_gazetteer()
    except Exception:
        return None


# Compiled by mypyc (streams/compiled.py) or not: a compiled function is no Python function.
def _probe() -> None:
    pass


COMPILED: Final = type(_probe).__name__ != "function"

# In the interpreter, a Place built without its __init__ (three object.__setattr__ calls): the
# slots set directly, the same object (test_fast_paths checks it), 40 % cheaper. Compiled, the
# native __init__ is cheaper still (the descriptors read by name: mypyc rejects Place.start).
_NEW: Final = object.__new__
_SET_START: Final = getattr(Place, "start").__set__  # noqa: B009
_SET_END: Final = getattr(Place, "end").__set__  # noqa: B009
_SET_REGION: Final = getattr(Place, "region").__set__  # noqa: B009


def _place(start: int, end: int, region: dict[str, Any]) -> Place:
    """``Place(start, end, region)``, built field by field (in the interpreter)."""
    if COMPILED:  # a native class: object.__new__ refuses it, and its __init__ is the cheapest
        return Place(start, end, region)
    p = _NEW(Place)
    _SET_START(p, start)
    _SET_END(p, end)
    _SET_REGION(p, region)
    return p


_GAZ: Final[list[Any]] = []
# The gazetteer hands out the same Region object for the same reading (it memoises them), so
# its record is built once and shared: Place records are read, never written (``_record``
# copies them). Keyed by id() with the Region kept alive next to it, so an id is never reused.
_RECORDS: Final[dict[int, tuple[Any, dict[str, Any], bool]]] = {}
_RECORDS_MAX: Final = 100_000


def find_places(nt: Normalized, lang: str) -> list[Place]:
    """Places named in the normalised text, sorted by start (empty without a gazetteer)."""
    if not _GAZ:
        _GAZ.append(_gazetteer())
    gaz = _GAZ[0]
    if gaz is None:
        return []
    try:
        found = gaz.find_regions(nt, lang)
    except Exception:
        return []
    out = []
    records = _RECORDS
    if len(records) > _RECORDS_MAX:
        records.clear()
    new, set_start, set_end, set_region = _NEW, _SET_START, _SET_END, _SET_REGION
    for start, end, region in found:
        got = records.get(id(region))
        if got is None or got[0] is not region:
            rec = region.to_record() if hasattr(region, "to_record") else dict(region)
            # a place with no governorate below country level tells extraction nothing
            keep = not (rec.get("admin1") is None and rec.get("precision") in (None, "none", "country"))
            got = records[id(region)] = (region, rec, keep)
        if got[2]:
            if COMPILED:
                out.append(Place(start, end, got[1]))
                continue
            p = new(Place)  # _place(start, end, got[1]), inlined
            set_start(p, start)
            set_end(p, end)
            set_region(p, got[1])
            out.append(p)
    if lang == "ar":
        out = _neighbourhoods(nt.text, out, gaz, found)
    return out


# "حارة طي"، 'حي "طي"': a neighbourhood written with the colloquial حارة or a quoted name
# is the same place as "حي طي" (the gazetteer lists neighbourhoods as "حي X")
_QUARTER: Final = re.compile(
    r'\b(?:حاره|حي) (?:"([\u0621-\u064a ]{2,20})"|«([\u0621-\u064a ]{2,20})»)'
    r"|\bحاره ([\u0621-\u064a]{2,15})\b"
)


def _quarter_region(gaz: Any, name: str, context: list[Any]) -> dict[str, Any] | None:
    """The gazetteer's reading of "حي <name>" given the article's other places (a
    neighbourhood is only resolved with its city in context)."""
    try:
        from streams.text.normalize import normalize

        found = gaz.find_places(normalize(f"حي {name}"), "ar", context=context)
    except Exception:
        return None
    if len(found) != 1 or found[0].start != 0:
        return None
    rec = found[0].region.to_record() if hasattr(found[0].region, "to_record") else dict(found[0].region)
    return rec if _RANK.get(rec.get("precision") or "none", 0) >= 4 else None


_MAX_QUARTER_LOOKUPS: Final = 8  # distinct names per article: keeps hostile input linear


class _Context(NamedTuple):
    """What the resolver reads of a context mention: its region."""

    region: Any


def _neighbourhoods(text: str, out: list[Place], gaz: Any, context: list[Any]) -> list[Place]:
    """Add neighbourhoods the gazetteer missed because of حارة or quotes around the name."""
    if "حاره" not in text and 'حي "' not in text and "حي «" not in text:
        return out
    # a small context: one mention per distinct place is all the resolver needs
    seen: dict[Any, Any] = {}
    for _s, _e, region in context:
        key = getattr(region, "pcode", None)
        if key not in seen and len(seen) < 12:
            seen[key] = _Context(region)
    small = list(seen.values())
    starts = [p.start for p in out]
    cache: dict[str, dict[str, Any] | None] = {}
    added = []
    for m in _QUARTER.finditer(text):
        name = m.group(1) or m.group(2) or m.group(3)
        k = bisect_right(starts, m.end() - 1)  # places starting before the match's end
        if k and out[k - 1].end > m.start():
            continue
        if name not in cache:
            if len(cache) >= _MAX_QUARTER_LOOKUPS:
                continue
            cache[name] = _quarter_region(gaz, name, small)
        rec = cache[name]
        if rec is not None:
            added.append(Place(m.start(), m.end(), dict(rec)))
    return sorted(out + added, key=lambda p: p.start) if added else out
