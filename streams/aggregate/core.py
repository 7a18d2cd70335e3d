"""The region aggregator: incident versions in, changed aggregate records out.

Pure logic over a ``MutableMapping`` store (a dict in tests, a Faust ``Table``
in the worker). Two kinds of entry live in the store:

* ``c|<incident_id>``: the contribution last applied for that incident, with
  its version and the aggregate keys its last application touched;
* ``a|<pcode>|<bucket>``: the current aggregate record for that key.

Every write assigns a fresh value (Faust tables do not see in-place mutation)
and nothing iterates the store (a RocksDB-backed table cannot be iterated
cheaply, and not at all in tests).

The aggregator must see every version of an incident and own every aggregate
key it writes: run it where both hold (see docs/metrics.md, "Partitioning").
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from datetime import datetime
from typing import Any

from streams.aggregate.contribution import (
    FIELDS,
    KINDS,
    VICTIMS,
    Cell,
    InvalidIncident,
    contribution_of,
    level_of,
)

__all__ = ["Aggregator", "empty_record"]

SCHEMA_VERSION = 1


def _ts(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _later(a: str | None, b: str) -> str:
    """The later of two ISO timestamps, so ``updated_at`` never moves backwards."""
    if not a:
        return b
    ta, tb = _ts(a), _ts(b)
    if ta is not None and tb is not None:
        try:
            return b if tb > ta else a
        except TypeError:  # naive vs aware: fall back to text order
            pass
    return b if b > a else a


def empty_record(key: str) -> dict[str, Any]:
    """A zero aggregate record for ``key`` (``<pcode>|<bucket>``), version 0 until first written."""
    pcode, _, bucket = key.partition("|")
    return {
        "schema_version": SCHEMA_VERSION,
        "key": key,
        "region": pcode,
        "level": level_of(pcode),
        "bucket": bucket,
        "killed": 0,
        "injured": 0,
        "incidents": 0,
        "unquantified": 0,
        "by_victim": {v: {k: 0 for k in KINDS} for v in VICTIMS},
        "incidents_by_kind": {k: 0 for k in KINDS},
        "version": 0,
        "updated_at": "",
    }


def _add(record: dict[str, Any], delta: Mapping[str, int]) -> dict[str, Any]:
    """A new record equal to ``record`` plus ``delta`` (flat cell fields)."""
    out = dict(record)
    by_victim = {v: dict(record["by_victim"].get(v, {k: 0 for k in KINDS})) for v in VICTIMS}
    by_kind = {k: 0 for k in KINDS} | dict(record.get("incidents_by_kind") or {})
    for name, value in delta.items():
        if name.startswith("incidents:"):
            kind = name.split(":", 1)[1]
            by_kind[kind] = by_kind.get(kind, 0) + value
        elif "." in name:
            victim, kind = name.split(".", 1)
            by_victim[victim][kind] = by_victim[victim].get(kind, 0) + value
        else:
            out[name] = out[name] + value
    out["by_victim"] = by_victim
    out["incidents_by_kind"] = by_kind
    return out


def _diff(old: Mapping[str, Cell], new: Mapping[str, Cell]) -> dict[str, Cell]:
    """Per aggregate key, ``new - old`` with zero fields and zero cells dropped."""
    out: dict[str, Cell] = {}
    for key in sorted(set(old) | set(new)):
        o, n = old.get(key, {}), new.get(key, {})
        cell = {f: n.get(f, 0) - o.get(f, 0) for f in FIELDS}
        cell = {f: v for f, v in cell.items() if v}
        if cell:
            out[key] = cell
    return out


class Aggregator:
    """Keeps per-region, per-bucket casualty totals exact under corrections and replays.

    Args:
        store: a ``MutableMapping[str, JSON value]``; a dict in tests, a Faust
            Table in the worker. The aggregator only gets, sets and tests
            membership of keys.
    """

    def __init__(self, store: MutableMapping[str, Any]) -> None:
        self.store = store

    # -- reading -----------------------------------------------------------------
    def record(self, key: str) -> dict[str, Any] | None:
        """The current record for ``key`` (``<pcode>|<bucket>``); None if never written."""
        value = self.store.get(f"a|{key}")
        return _copy(value) if value is not None else None

    def applied(self, incident_id: str) -> dict[str, Any] | None:
        """The entry last applied for ``incident_id``: version, cells, touched keys."""
        value = self.store.get(f"c|{incident_id}")
        return dict(value) if value is not None else None

    def previous_best(self, incident_id: str) -> int:
        """Killed count the incident contributes now (0 if unseen, merged, injured or unquantified).

        Call it *before* :meth:`apply` and hand it to
        ``HasilaMetrics.observe_incident`` to count an incident crossing the
        mass-casualty threshold once, even across restarts and replays.
        """
        entry = self.store.get(f"c|{incident_id}")
        if entry is None:
            return 0
        return max((cell.get("killed", 0) for cell in entry.get("cells", {}).values()), default=0)

    # -- writing -----------------------------------------------------------------
    def apply(self, incident: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Apply one incident version; return the aggregate records whose values changed.

        A version below the one already applied, or the same version with the same
        contribution, changes nothing and returns the current records of the keys that
        incident touched, so re-emitting after a crash is harmless. The same version with
        another contribution replaces it (docs/reliability.md, "Versions after a replay").
        Raises :class:`InvalidIncident` for a record the aggregation cannot use (the caller
        dead-letters it).
        """
        incident_id = incident.get("incident_id")
        version = incident.get("version")
        updated_at = incident.get("updated_at")
        if not isinstance(incident_id, str) or not incident_id:
            raise InvalidIncident("incident has no incident_id")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise InvalidIncident(f"bad incident version {version!r}")
        if not isinstance(updated_at, str) or not updated_at:
            raise InvalidIncident("incident has no updated_at")

        ckey = f"c|{incident_id}"
        previous = self.store.get(ckey)
        new_cells = contribution_of(incident) if previous is None or version >= previous["version"] else None
        if previous is not None and (
            version < previous["version"]
            or (version == previous["version"] and new_cells == previous["cells"])
        ):
            return [r for r in (self.record(k) for k in previous.get("touched", [])) if r]
        # An equal version with another contribution is applied: the later record wins. After a
        # dedup crash its replay can reach a version number again along another order of its
        # two inputs (mentions, references), and the replayed lineage is the one that goes on.
        assert new_cells is not None
        old_cells: Mapping[str, Cell] = previous["cells"] if previous is not None else {}
        deltas = _diff(old_cells, new_cells)

        updates: dict[str, dict[str, Any]] = {}
        for key, delta in deltas.items():
            current = self.store.get(f"a|{key}")
            base = current if current is not None else empty_record(key)
            updated = _add(base, delta)
            if any(updated[f] < 0 for f in ("killed", "injured", "incidents", "unquantified")):
                # Only possible when the store lost or corrupted entries: refuse, write nothing.
                raise InvalidIncident(f"aggregate {key} would go negative applying {incident_id}")
            updated["version"] = base["version"] + 1
            updated["updated_at"] = _later(base["updated_at"], updated_at)
            updates[key] = updated

        changed: list[dict[str, Any]] = []
        for key, updated in updates.items():
            self.store[f"a|{key}"] = updated
            changed.append(_copy(updated))
        self.store[ckey] = {
            "version": version,
            "cells": new_cells,
            "touched": sorted(set(old_cells) | set(new_cells)),
        }
        return changed


def _copy(record: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(record)
    out["by_victim"] = {v: dict(c) for v, c in record["by_victim"].items()}
    if "incidents_by_kind" in record:
        out["incidents_by_kind"] = dict(record["incidents_by_kind"])
    return out
