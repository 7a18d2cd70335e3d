"""Micro-batches for the stateful agents: fewer table writes, fewer output records.

The dedup and aggregate agents read events in small batches (``take_events``:
up to :data:`BATCH_MAX` events, or what arrived within :data:`BATCH_WITHIN`
seconds). Inside a batch their table writes stay in the :class:`ReadCache`
and their outputs are coalesced to the last version per key; at the end of
the batch every changed key is written once and every output sent once, and
only then does Faust acknowledge the batch's events. A crash in the middle of
a batch therefore replays the whole batch, which the idempotent cores absorb.

Faust picks a table write's changelog partition from the event being
processed (a context variable of the stream); :func:`table_writer` sets it to
the event that last wrote the key, so every key keeps the partition of the
governorate it belongs to.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, MutableMapping
from typing import Any

from faust.streams import _current_event

__all__ = ["BATCH_MAX", "BATCH_WITHIN", "table_writer"]

#: Most events in one batch.
BATCH_MAX = 500
#: Longest wait for a batch to fill, in seconds (the latency a quiet stream pays).
BATCH_WITHIN = 0.05


def table_writer(table: MutableMapping[str, Any]) -> Callable[[Any, str, Any], None]:
    """A ``ReadCache.flush`` writer that writes ``key`` in the context of the event that changed it."""

    def write(owner: Any, key: str, value: Any) -> None:
        _current_event.set(weakref.ref(owner))
        if value is None:
            with contextlib.suppress(KeyError):
                del table[key]
        else:
            table[key] = value

    return write
