"""Rebuild the current aggregate table from the compacted topic alone.

``casualties.aggregates`` is a compacted topic of upserts keyed by
``<pcode>|<bucket>``. A consumer that reads it from the beginning and keeps the
highest version per key has the current state, whatever compaction has or has
not removed yet and in whatever order partitions were read.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

__all__ = ["apply_record", "rebuild", "totals"]


def apply_record(table: MutableMapping[str, dict[str, Any]], record: Any) -> bool:
    """Upsert ``record`` into ``table`` if it is newer than what is there; True if it was.

    A non-dict value (a tombstone, ``None``) is ignored; on equal versions the
    later record wins (it was produced later on the same partition).
    """
    if not isinstance(record, dict) or "key" not in record:
        return False
    key = record["key"]
    current = table.get(key)
    if current is not None and record.get("version", 0) < current.get("version", 0):
        return False
    table[key] = record
    return True


def rebuild(records: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """``{key: record}`` with the latest version of every key seen in ``records``."""
    table: dict[str, dict[str, Any]] = {}
    for record in records:
        apply_record(table, record)
    return table


def totals(
    table: dict[str, dict[str, Any]], *, level: str = "admin1", bucket: str = "all"
) -> list[dict[str, Any]]:
    """Records of one level and bucket, most killed first (ties by region code)."""
    rows = [r for r in table.values() if r.get("level") == level and r.get("bucket") == bucket]
    return sorted(rows, key=lambda r: (-r.get("killed", 0), r.get("region", "")))
