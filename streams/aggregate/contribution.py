"""What one incident version adds to the region aggregates.

An incident's *contribution* is a small map ``aggregate key -> cell`` where a
cell holds the numbers it adds to that aggregate (killed, injured, incidents,
unquantified, per victim category). Aggregates are updated by the difference
between the contribution last applied for an incident and the new one, so a
toll corrected downwards, a merge or a replay keeps every total exact.

Status rules:

* ``active``: counts as reported.
* ``merged``: contributes nothing (its reports now count in the surviving
  incident, so keeping them would count the same dead twice).
* ``expired``: counts as reported. Expiry only frees deduplication memory;
  the dead stay counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streams.aggregate.buckets import buckets_for

__all__ = [
    "FIELDS",
    "KINDS",
    "STATUSES",
    "VICTIMS",
    "Cell",
    "InvalidIncident",
    "contribution_of",
    "level_of",
    "region_levels",
]

KINDS = ("killed", "injured")
VICTIMS = ("civilian", "combatant", "unknown")
STATUSES = ("active", "merged", "expired")
#: Flat cell fields, in a fixed order: totals, ``incidents:<kind>``, then ``<victim>.<kind>``.
FIELDS: tuple[str, ...] = (
    "killed",
    "injured",
    "incidents",
    "unquantified",
    *(f"incidents:{k}" for k in KINDS),
    *(f"{v}.{k}" for v in VICTIMS for k in KINDS),
)

Cell = dict[str, int]


class InvalidIncident(ValueError):
    """The incident record cannot be aggregated (missing or out-of-contract field)."""


def region_levels(region: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The ``(pcode, level)`` pairs an incident placed at ``region`` counts in.

    The governorate (admin1) always, the district (admin2) when known; an
    incident with no governorate counts under region ``none`` (level ``none``)
    so that unplaced casualties are still visible in the totals.
    """
    region = region or {}
    admin1 = region.get("admin1")
    admin2 = region.get("admin2")
    pairs: list[tuple[str, str]] = [(admin1, "admin1") if admin1 else ("none", "none")]
    if admin2:
        pairs.append((admin2, "admin2"))
    return pairs


def level_of(pcode: str) -> str:
    """The level of an aggregate region code: ``none``, ``admin2`` (``SY####``) or ``admin1``."""
    if pcode == "none":
        return "none"
    if len(pcode) == 6 and pcode.startswith("SY") and pcode[2:].isdigit():
        return "admin2"
    return "admin1"


def _require(incident: Mapping[str, Any], name: str) -> Any:
    if name not in incident:
        raise InvalidIncident(f"incident has no {name!r}")
    return incident[name]


def contribution_of(incident: Mapping[str, Any]) -> dict[str, Cell]:
    """The cells ``incident`` adds, keyed by aggregate key ``<pcode>|<bucket>``.

    Returns an empty map for a merged incident. Raises :class:`InvalidIncident`
    when a field the aggregation needs is missing or out of contract.
    """
    status = _require(incident, "status")
    if status not in STATUSES:
        raise InvalidIncident(f"unknown status {status!r}")
    if status == "merged":
        return {}
    kind = _require(incident, "kind")
    if kind not in KINDS:
        raise InvalidIncident(f"unknown kind {kind!r}")
    victim = incident.get("victim") or "unknown"
    if victim not in VICTIMS:
        raise InvalidIncident(f"unknown victim category {victim!r}")
    count = _require(incident, "count_best")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        raise InvalidIncident(f"count_best must be a non-negative integer or null, not {count!r}")
    try:
        buckets = buckets_for(incident.get("event_date"))
    except (TypeError, ValueError) as exc:
        raise InvalidIncident(f"bad event_date {incident.get('event_date')!r}") from exc

    cell: Cell = {"incidents": 1, f"incidents:{kind}": 1}
    if count is None:
        cell["unquantified"] = 1
    elif count:
        cell[kind] = count
        cell[f"{victim}.{kind}"] = count
    return {
        f"{pcode}|{bucket}": dict(cell)
        for pcode, _level in region_levels(incident.get("region"))
        for bucket in buckets
    }
