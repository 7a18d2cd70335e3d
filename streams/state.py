"""Partition-local views of a Faust table for the pure cores.

The dedup and aggregation cores keep their state in a plain
``MutableMapping`` (a dict in tests and in ``hasila batch``). In the stream
one table holds the state of every governorate a worker owns, and a Faust
table writes each change to the changelog partition of the event being
processed. :class:`PrefixedStore` gives each governorate its own key space
inside the table, so that every key is only ever written while processing
that governorate's partition: state moves with its partition on a rebalance,
and the batch command (one dict per governorate) sees exactly the same keys.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

__all__ = ["PrefixedStore"]


class PrefixedStore(MutableMapping[str, Any]):
    """``store[k]`` is ``table[prefix + k]``; iteration scans the table (for tests and debugging only)."""

    __slots__ = ("_prefix", "_table")

    def __init__(self, table: MutableMapping[str, Any], prefix: str) -> None:
        self._table = table
        self._prefix = prefix

    def __getitem__(self, key: str) -> Any:
        value = self._table.get(self._prefix + key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = self._table.get(self._prefix + key)
        return default if value is None else value

    def __setitem__(self, key: str, value: Any) -> None:
        self._table[self._prefix + key] = value

    def __delitem__(self, key: str) -> None:
        del self._table[self._prefix + key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._table.get(self._prefix + key) is not None

    def __iter__(self) -> Iterator[str]:
        n = len(self._prefix)
        return (k[n:] for k in list(self._table) if isinstance(k, str) and k.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)
