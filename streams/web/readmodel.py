"""The web API's read model: current aggregates and incidents, rebuilt from compacted topics.

Every worker owns only some partitions of the Faust tables, so a query cannot
be answered from them on any one worker. Like a Kafka Streams GlobalKTable,
each worker instead follows ``casualties.aggregates`` and
``casualties.incidents`` from the beginning and keeps the latest version of
every key here. This module is pure (no Kafka, no web): the follower in
:mod:`streams.web.follower` feeds it records, the views in
:mod:`streams.web.api` query it.

Memory is bounded: at most ``max_incidents`` incidents are kept (the most
recent by event date; undated ones count as oldest), and the day and week
aggregates of the last ``max_days`` days before the latest day seen (every
``all`` total is kept). Older periods stay on the compacted aggregates topic
for consumers that need the whole history.
"""

from __future__ import annotations

import heapq
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

__all__ = ["DEFAULT_MAX_DAYS", "DEFAULT_MAX_INCIDENTS", "Cell", "ReadModel", "RegionTotals"]

DEFAULT_MAX_INCIDENTS = 20_000
DEFAULT_MAX_DAYS = 730
_EVICT_STEP_DAYS = 30  # old buckets are dropped when the horizon has moved this far (amortised)
_TOTAL_FIELDS = ("killed", "injured", "incidents", "unquantified")


@dataclass(slots=True)
class RegionTotals:
    """Summed totals of one region over a set of buckets."""

    region: str
    level: str
    killed: int = 0
    injured: int = 0
    incidents: int = 0
    unquantified: int = 0
    by_victim: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, cell: Cell) -> None:
        """Add one aggregate's numbers (buckets of one region are disjoint by day)."""
        for name in _TOTAL_FIELDS:
            value = getattr(cell, name)
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)
        for victim, killed, injured in cell.victims:
            acc = self.by_victim.setdefault(victim, {"killed": 0, "injured": 0})
            if isinstance(killed, int):
                acc["killed"] += killed
            if isinstance(injured, int):
                acc["injured"] += injured

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready row."""
        return {
            "region": self.region,
            "level": self.level,
            "killed": self.killed,
            "injured": self.injured,
            "incidents": self.incidents,
            "unquantified": self.unquantified,
            "by_victim": self.by_victim,
        }


class Cell:
    """What the read model keeps of one aggregate record: its version and its numbers.

    A parsed aggregate record is ~1.9 KB of Python objects (key, region, bucket, nested
    dicts); a cell is a few hundred bytes. Aggregates are kept for every region and day
    ever seen (the history API sums them), so their count grows with the history the
    stream has covered; the soak (docs/benchmarks/pipeline.md) showed them as the worker's
    main memory growth.
    """

    __slots__ = ("incidents", "injured", "killed", "level", "unquantified", "version", "victims")

    def __init__(self, record: dict) -> None:
        self.version = record.get("version", 0)
        level = record.get("level")
        self.level = sys.intern(level) if isinstance(level, str) else level
        self.killed = record.get("killed", 0)
        self.injured = record.get("injured", 0)
        self.incidents = record.get("incidents", 0)
        self.unquantified = record.get("unquantified", 0)
        self.victims = tuple(
            (sys.intern(victim), counts.get("killed"), counts.get("injured"))
            for victim, counts in (record.get("by_victim") or {}).items()
            if isinstance(counts, dict)
        )


def _sort_key(incident: dict) -> tuple[str, str, str]:
    """Most recent first when sorted in reverse: event date, then last update, then id."""
    return (incident.get("event_date") or "", incident.get("updated_at") or "", incident["incident_id"])


class ReadModel:
    """Latest version of every aggregate and (bounded) incident key.

    ``apply_*`` return True when the record changed the model, so the caller
    can count updates; older or equal versions are ignored, which makes
    replays and duplicate deliveries harmless.
    """

    def __init__(self, max_incidents: int = DEFAULT_MAX_INCIDENTS, max_days: int = DEFAULT_MAX_DAYS) -> None:
        if max_incidents < 1:
            raise ValueError("max_incidents must be >= 1")
        if max_days < 1:
            raise ValueError("max_days must be >= 1")
        self.max_incidents = max_incidents
        self.max_days = max_days
        self._latest_day = ""  # the latest day bucket seen
        self.history_from = ""  # day and week buckets before this day are not kept
        self._week_from = ""  # the ISO week of history_from ("YYYY-Www" sorts as text)
        self._evicted_to = ""  # where the last eviction cut
        # region -> bucket -> cell (the aggregate key is "<region>|<bucket>")
        self._by_region: dict[str, dict[str, Cell]] = {}
        self._aggregate_count = 0
        self._incidents: dict[str, dict] = {}
        # ids removed (merged or evicted) -> version, so an older copy cannot come back
        self._gone: dict[str, int] = {}
        self.updates = 0

    # -- writes ---------------------------------------------------------------------------------

    def apply_aggregate(self, record: dict) -> bool:
        """Upsert an aggregate record (``<region>|<bucket>``); the highest version wins."""
        key = record.get("key")
        region = record.get("region")
        bucket = record.get("bucket")
        if not (isinstance(key, str) and isinstance(region, str) and isinstance(bucket, str)):
            return False
        if bucket != "all" and not self._keeps(bucket):
            return False
        buckets = self._by_region.setdefault(sys.intern(region), {})
        current = buckets.get(bucket)
        if current is not None and current.version >= record.get("version", 0):
            return False
        if current is None:
            self._aggregate_count += 1
        buckets[bucket] = Cell(record)
        self.updates += 1
        return True

    def _keeps(self, bucket: str) -> bool:
        """Whether a day/week bucket is within the kept history; moves the horizon on a new day."""
        if bucket.startswith("day:"):
            day = bucket[4:]
            if day > self._latest_day:
                self._advance(day)
            return day >= self.history_from
        if bucket.startswith("week:"):
            return not self.history_from or bucket[5:] >= self._week_from
        return True

    def _advance(self, day: str) -> None:
        try:
            cut = (date.fromisoformat(day) - timedelta(days=self.max_days)).isoformat()
        except ValueError:
            return  # not a date: kept, never moves the horizon
        self._latest_day = day
        self.history_from = cut
        iso = date.fromisoformat(cut).isocalendar()
        self._week_from = f"{iso[0]}-W{iso[1]:02d}"
        if not self._evicted_to or cut >= (
            date.fromisoformat(self._evicted_to) + timedelta(days=_EVICT_STEP_DAYS)
        ).isoformat():
            self._evict_days()

    def _evict_days(self) -> None:
        """Drop the day and week buckets before the horizon (every ``_EVICT_STEP_DAYS``)."""
        self._evicted_to = self.history_from
        for buckets in self._by_region.values():
            old = [
                b
                for b in buckets
                if (b.startswith("day:") and b[4:] < self.history_from)
                or (b.startswith("week:") and b[5:] < self._week_from)
            ]
            for b in old:
                del buckets[b]
            self._aggregate_count -= len(old)

    def apply_incident(self, record: dict) -> bool:
        """Upsert an incident; a merged one is removed; the oldest are evicted beyond the bound."""
        incident_id = record.get("incident_id")
        if not isinstance(incident_id, str) or not incident_id:
            return False
        version = record.get("version", 0)
        current = self._incidents.get(incident_id)
        if current is not None:
            known = current.get("version", 0)
            # Equal versions: the later record wins when it differs (a dedup replay can reach a
            # version number again along another input order; docs/reliability.md).
            if known > version or (known == version and current == record):
                return False
        else:
            gone = self._gone.get(incident_id, -1)
            if gone > version or (gone == version and record.get("status") == "merged"):
                return False
        self.updates += 1
        if record.get("status") == "merged":
            self._incidents.pop(incident_id, None)
            self._forget(incident_id, version)
            return True
        self._gone.pop(incident_id, None)
        self._incidents[incident_id] = record
        if len(self._incidents) > self.max_incidents + max(1, self.max_incidents // 10):
            self._evict()
        return True

    def apply_many(self, aggregates: Iterable[dict] = (), incidents: Iterable[dict] = ()) -> int:
        """Apply batches of records; returns how many changed the model."""
        changed = sum(self.apply_aggregate(r) for r in aggregates)
        return changed + sum(self.apply_incident(r) for r in incidents)

    def _forget(self, incident_id: str, version: int) -> None:
        self._gone[incident_id] = version
        if len(self._gone) > 2 * self.max_incidents:
            # dicts keep insertion order: drop the oldest half of the memory of removals
            for key in list(self._gone)[: self.max_incidents]:
                del self._gone[key]

    def _evict(self) -> None:
        """Trim to ``max_incidents`` (in steps, so eviction is amortised, not per record)."""
        ordered = sorted(self._incidents.values(), key=_sort_key)
        for record in ordered[: len(ordered) - self.max_incidents]:
            del self._incidents[record["incident_id"]]
            self._forget(record["incident_id"], record.get("version", 0))

    def trim(self) -> None:
        """Enforce the bound exactly (normally it is allowed 10% slack)."""
        if len(self._incidents) > self.max_incidents:
            self._evict()

    # -- reads ----------------------------------------------------------------------------------

    @property
    def incident_count(self) -> int:
        """How many incidents are held."""
        return len(self._incidents)

    @property
    def aggregate_count(self) -> int:
        """How many aggregate keys are held."""
        return self._aggregate_count

    def regions(
        self, start: date | None = None, end: date | None = None, level: str = "admin1"
    ) -> list[dict[str, Any]]:
        """Totals per region of ``level`` for the period, most killed first.

        Without a period the ``all`` bucket is the answer (it also counts
        undated incidents); with one, the ``day:`` buckets from ``start`` to
        ``end`` inclusive are summed (either end may be open).
        """
        rows = []
        for region, buckets in self._by_region.items():
            sample = next(iter(buckets.values()))
            if sample.level != level:
                continue
            totals = self._totals(region, level, buckets, start, end)
            if totals is not None:
                rows.append(totals.as_dict())
        rows.sort(key=lambda r: (-r["killed"], -r["injured"], r["region"]))
        return rows

    def region_totals(
        self, region: str, start: date | None = None, end: date | None = None
    ) -> dict[str, Any] | None:
        """One region's totals for the period (None when the region has no aggregate)."""
        buckets = self._by_region.get(region)
        if not buckets:
            return None
        level = next(iter(buckets.values())).level or "none"
        totals = self._totals(region, level, buckets, start, end)
        return (totals or RegionTotals(region, level)).as_dict()

    def _totals(
        self, region: str, level: str, buckets: dict[str, Cell], start: date | None, end: date | None
    ) -> RegionTotals | None:
        totals = RegionTotals(region, level)
        if start is None and end is None:
            record = buckets.get("all")
            if record is None:
                return None
            totals.add(record)
            return totals
        lo = max(start.isoformat() if start else "", self.history_from)  # partly evicted before
        hi = end.isoformat() if end else "9999-12-31"
        for bucket, record in buckets.items():
            if bucket.startswith("day:") and lo <= bucket[4:] <= hi:
                totals.add(record)
        return totals

    def history(
        self, region: str, start: date | None = None, end: date | None = None
    ) -> list[dict[str, Any]]:
        """The region's daily totals in the period, oldest first; days with no record are zero."""
        lo = max(start.isoformat() if start else "", self.history_from)
        hi = end.isoformat() if end else "9999-12-31"
        out = []
        for bucket, record in (self._by_region.get(region) or {}).items():
            if bucket.startswith("day:") and lo <= bucket[4:] <= hi:
                row = {"date": bucket[4:]}
                row.update({name: getattr(record, name) for name in _TOTAL_FIELDS})
                out.append(row)
        out.sort(key=lambda r: r["date"])
        return out

    def has_region(self, region: str) -> bool:
        """Whether any aggregate exists for ``region``."""
        return region in self._by_region

    def incidents(
        self,
        *,
        region: str | None = None,
        start: date | None = None,
        end: date | None = None,
        kind: str | None = None,
        min_count: int = 0,
        limit: int = 50,
    ) -> tuple[int, list[dict]]:
        """Matching incidents, most recent event first: ``(total matches, first `limit`)``.

        ``region`` matches the governorate, district or sub-district p-code;
        with a period, undated incidents never match; ``min_count`` > 0
        excludes incidents reported without a number.
        """
        lo = start.isoformat() if start else None
        hi = end.isoformat() if end else None
        matches: list[tuple[tuple[str, str, str], dict]] = []
        for inc in self._incidents.values():
            if kind is not None and inc.get("kind") != kind:
                continue
            if region is not None:
                reg = inc.get("region") or {}
                if region not in (reg.get("admin1"), reg.get("admin2"), reg.get("admin3")):
                    continue
            if lo is not None or hi is not None:
                day = inc.get("event_date")
                if day is None or (lo is not None and day < lo) or (hi is not None and day > hi):
                    continue
            if min_count > 0:
                count = inc.get("count_best")
                if count is None or count < min_count:
                    continue
            matches.append((_sort_key(inc), inc))
        # keys end with the unique id, so tuples never compare the dicts
        top = heapq.nlargest(limit, matches) if limit < len(matches) else sorted(matches, reverse=True)
        return len(matches), [inc for _, inc in top]

    def incident(self, incident_id: str) -> dict | None:
        """One incident by id (None when unknown, merged or evicted)."""
        return self._incidents.get(incident_id)

    def latest_date(self) -> str | None:
        """The most recent day bucket of any region: what "last 7 days" is relative to."""
        best = None
        for buckets in self._by_region.values():
            for bucket in buckets:
                if bucket.startswith("day:") and (best is None or bucket[4:] > best):
                    best = bucket[4:]
        return best
