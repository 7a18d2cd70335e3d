"""Strict query-parameter validation for the read-only web API.

Pure functions from the raw query (a list of ``(name, value)`` pairs, as
aiohttp's ``request.query.items()`` gives them) to typed values. Anything
unexpected is refused with :class:`BadRequest` and a message that says what
was wrong and what is allowed: unknown or repeated parameters, malformed
dates, ``from`` after ``to``, periods longer than :data:`MAX_RANGE_DAYS`,
p-codes that are not p-codes, unknown kinds, integers out of range. The
API thereby also bounds the size of every query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = [
    "KINDS",
    "LEVELS",
    "MAX_LIMIT",
    "MAX_RANGE_DAYS",
    "BadRequest",
    "IncidentQuery",
    "Period",
    "RegionsQuery",
    "check_incident_id",
    "check_pcode",
    "parse_history",
    "parse_incidents",
    "parse_regions",
]

MAX_RANGE_DAYS = 3660
MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_MIN_COUNT = 1_000_000
MAX_VALUE_CHARS = 64
KINDS = ("killed", "injured")
LEVELS = ("admin1", "admin2")

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Syrian governorate/district/sub-district p-codes, 'none' for unplaced, ISO 3166-2 outside Syria.
_PCODE = re.compile(r"^(SY[0-9]{2}|SY[0-9]{4}|SY[0-9]{6}|none|[A-Z]{2}-[A-Z0-9]{1,3})$")
_INT = re.compile(r"^[0-9]{1,9}$")
_INCIDENT_ID = re.compile(r"^[A-Za-z0-9._:|-]{1,128}$")


class BadRequest(ValueError):
    """A client error: the message is returned to the client as ``{"error": message}``."""


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive event-date range; both ends None means "all time"."""

    start: date | None = None
    end: date | None = None

    def as_dict(self) -> dict[str, str | None]:
        """JSON form, echoed back in responses."""
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True, slots=True)
class RegionsQuery:
    """``GET /api/regions``."""

    period: Period
    level: str = "admin1"


@dataclass(frozen=True, slots=True)
class IncidentQuery:
    """``GET /api/incidents``."""

    period: Period
    region: str | None = None
    kind: str | None = None
    min_count: int = 0
    limit: int = DEFAULT_LIMIT


def _single(pairs: Iterable[tuple[str, str]], allowed: Iterable[str]) -> dict[str, str]:
    allowed = tuple(allowed)
    out: dict[str, str] = {}
    for name, value in pairs:
        if name not in allowed:
            allowed_text = ", ".join(allowed) if allowed else "none"
            raise BadRequest(f"unknown parameter {name[:40]!r}; allowed: {allowed_text}")
        if name in out:
            raise BadRequest(f"parameter {name!r} given more than once")
        if len(value) > MAX_VALUE_CHARS:
            raise BadRequest(f"parameter {name!r} is too long (max {MAX_VALUE_CHARS} characters)")
        out[name] = value
    return out


def _date(name: str, raw: str | None) -> date | None:
    if raw is None or raw == "":
        return None
    if not _DATE.match(raw):
        raise BadRequest(f"{name}={raw!r} is not a date in YYYY-MM-DD form")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name}={raw!r} is not a valid calendar date") from None


def _period(params: dict[str, str]) -> Period:
    start = _date("from", params.get("from"))
    end = _date("to", params.get("to"))
    if start and end:
        if start > end:
            raise BadRequest(f"from={start} is after to={end}")
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise BadRequest(f"period from={start} to={end} is longer than {MAX_RANGE_DAYS} days")
    return Period(start, end)


def _int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    if not _INT.match(raw):
        raise BadRequest(f"{name}={raw!r} is not a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(f"{name}={value} is out of range ({low}..{high})")
    return value


def check_pcode(raw: str, name: str = "region") -> str:
    """A region p-code (``SY07``, ``SY0700``, ``SY070000``, ``none``) or BadRequest."""
    if not _PCODE.match(raw):
        raise BadRequest(f"{name}={raw[:40]!r} is not a p-code (like SY07, SY0700 or SY070000)")
    return raw


def check_incident_id(raw: str) -> str:
    """An incident id of safe characters and length, or BadRequest."""
    if not _INCIDENT_ID.match(raw):
        raise BadRequest("incident id must be 1-128 characters of letters, digits and . _ : | -")
    return raw


def parse_regions(pairs: Iterable[tuple[str, str]]) -> RegionsQuery:
    """Validate ``from``, ``to``, ``level`` (admin1 by default)."""
    params = _single(pairs, ("from", "to", "level"))
    level = params.get("level") or "admin1"
    if level not in LEVELS:
        raise BadRequest(f"level={level!r} must be one of {', '.join(LEVELS)}")
    return RegionsQuery(_period(params), level)


def parse_history(pairs: Iterable[tuple[str, str]]) -> Period:
    """Validate ``from`` and ``to`` of a region's history."""
    return _period(_single(pairs, ("from", "to")))


def parse_incidents(pairs: Iterable[tuple[str, str]]) -> IncidentQuery:
    """Validate ``region``, ``from``, ``to``, ``kind``, ``min_count``, ``limit``."""
    params = _single(pairs, ("region", "from", "to", "kind", "min_count", "limit"))
    region = params.get("region") or None
    if region is not None:
        check_pcode(region)
    kind = params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise BadRequest(f"kind={kind[:40]!r} must be one of {', '.join(KINDS)}")
    return IncidentQuery(
        period=_period(params),
        region=region,
        kind=kind,
        min_count=_int("min_count", params.get("min_count"), 0, 0, MAX_MIN_COUNT),
        limit=_int("limit", params.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT),
    )
