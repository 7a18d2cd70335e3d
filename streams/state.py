"""Partition-local views of a Faust table for the pure cores.

The dedup and aggregation cores keep their state in a plain
``MutableMapping`` (a dict in tests and in ``hasila batch``). In the stream
one table holds the state of every governorate a worker owns, and a Faust
table writes each change to the changelog partition of the event being
processed. :class:`PrefixedStore` gives each governorate its own key space
inside the table, so that every key is only ever written while processing
that governorate's partition: state moves with its partition on a rebalance,
and the batch command (one dict per governorate) sees exactly the same keys.

A :class:`ReadCache` in front of the table keeps the values this worker has
read or written, as Python objects: a partition has one writer (the worker that
owns it), so the cache cannot go stale while the partition stays here, and it
is dropped whenever partitions move. It also gives the stream the very
semantics of the batch command's dicts (a value read is the object stored),
and it removes most of the cost of the table (a RocksDB read, a JSON decode
and Faust's sensors on every ``get``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

__all__ = ["PrefixedStore", "ReadCache"]

_ABSENT = object()


class ReadCache:
    """A cache of one table: write-through, or write-behind for the length of a batch.

    Outside a batch every ``set`` goes to the table at once. Between :meth:`begin` and
    :meth:`flush`, writes stay in the cache and each key remembers the ``owner`` (the event
    being processed) that wrote it last; :meth:`flush` then writes every changed key once,
    so a key rewritten by a hundred records of a batch costs one table write and one
    changelog record. Call :meth:`clear` when partitions are assigned or revoked.
    """

    __slots__ = ("_cache", "_dirty", "generation", "max_entries", "owner", "table")

    def __init__(self, table: MutableMapping[str, Any], max_entries: int = 20_000) -> None:
        self.table = table
        self.max_entries = max_entries
        self._cache: dict[str, Any] = {}
        self._dirty: dict[str, Any] | None = None
        self.owner: Any = None
        self.generation = 0  # counts clear() calls, so users know when partitions moved

    def get(self, key: str) -> Any:
        value = self._cache.get(key, _ABSENT)
        if value is _ABSENT:
            value = self.table.get(key)
            if len(self._cache) >= self.max_entries:
                self._evict()
            self._cache[key] = value
        return value

    def _evict(self) -> None:
        """Bound memory: forget every clean entry (writes of the batch in progress are kept)."""
        dirty = self._dirty or {}
        self._cache = {key: self._cache[key] for key in dirty if key in self._cache}

    def set(self, key: str, value: Any) -> None:
        if self._dirty is None:
            self.table[key] = value
        else:
            self._dirty[key] = self.owner
        if len(self._cache) >= self.max_entries and key not in self._cache:
            self._evict()
        self._cache[key] = value

    def delete(self, key: str) -> None:
        if self._dirty is None:
            self._cache.pop(key, None)  # deleted keys are not remembered: dedup deletes a lot
            if self.table.get(key) is not None:
                del self.table[key]
        else:
            self._cache[key] = None
            self._dirty[key] = self.owner

    def begin(self) -> None:
        """Start a batch: writes are kept until :meth:`flush`."""
        if self._dirty is None:
            self._dirty = {}

    def flush(self, write: Callable[[Any, str, Any], None]) -> int:
        """End the batch: ``write(owner, key, value)`` for every changed key (value None = deleted).

        Returns how many keys were written.
        """
        dirty = self.take_dirty()
        for key, (owner, value) in dirty.items():
            write(owner, key, value)
        return len(dirty)

    def take_dirty(self) -> dict[str, tuple[Any, Any]]:
        """End the batch and return ``{key: (owner, value)}`` of every changed key (value None = deleted)."""
        dirty, self._dirty = self._dirty or {}, None
        return {key: (owner, self._cache.get(key)) for key, owner in dirty.items()}

    def clear(self) -> None:
        """Forget what was read (the next read of each key goes to the table); keep unflushed writes."""
        self.generation += 1
        if self._dirty:
            self._cache = {key: self._cache.get(key) for key in self._dirty}
        else:
            self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)


class PrefixedStore(MutableMapping[str, Any]):
    """``store[k]`` is ``table[prefix + k]``; iteration scans the table (for tests and debugging only).

    ``table`` is a mapping or a :class:`ReadCache` over one.
    """

    __slots__ = ("_cache", "_prefix", "_table")

    def __init__(self, table: MutableMapping[str, Any] | ReadCache, prefix: str) -> None:
        self._cache = table if isinstance(table, ReadCache) else ReadCache(table)
        self._table = self._cache.table
        self._prefix = prefix

    def __getitem__(self, key: str) -> Any:
        value = self._cache.get(self._prefix + key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = self._cache.get(self._prefix + key)
        return default if value is None else value

    def __setitem__(self, key: str, value: Any) -> None:
        self._cache.set(self._prefix + key, value)

    def __delitem__(self, key: str) -> None:
        if self._cache.get(self._prefix + key) is None:
            raise KeyError(key)
        self._cache.delete(self._prefix + key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._cache.get(self._prefix + key) is not None

    def __iter__(self) -> Iterator[str]:
        n = len(self._prefix)
        return (k[n:] for k in list(self._table) if isinstance(k, str) and k.startswith(self._prefix)
                and self._cache.get(k) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)
