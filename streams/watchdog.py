"""Stall detection: a partition with records waiting whose committed offset stopped moving.

Faust has open bugs in which a worker, after a rebalance or a recovery, keeps its
assignment but no longer feeds records to its streams (docs/reliability.md, "Open"):
the worker looks healthy (heartbeats, web server, metrics) while its input waits.
Processing is at-least-once and idempotent, so restarting such a worker is always
safe; noticing it is the hard part. This module is the pure decision, fed every few
seconds by the worker (:func:`streams.app._register_watchdog`):

* a partition is *behind* when its high watermark is above its committed offset;
* it is *stalled* when it has been behind, with the same committed offset, for
  ``after`` seconds;
* any progress of table recovery (the worker reading its changelogs, which can
  legitimately take minutes after a move) resets every clock, so a long recovery is
  not a stall, while a recovery that stops moving is.

No Faust or Kafka import: the watchdog is testable with plain numbers.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

__all__ = ["StallWatch"]


@dataclass
class StallWatch:
    """Clocks per partition; :meth:`observe` returns the partitions stalled at ``now``."""

    after: float
    #: partition -> (committed offset while behind, or None while caught up; since when)
    _since: dict[Hashable, tuple[int | None, float]] = field(default_factory=dict)
    _recovery: int | None = None

    def observe(
        self,
        now: float,
        offsets: Mapping[Hashable, tuple[int | None, int | None]],
        recovery_position: int = 0,
    ) -> list[Hashable]:
        """Record one sample and return the stalled partitions, oldest clock first.

        ``offsets`` maps each partition this worker consumes to ``(committed, high
        watermark)``; ``None`` means unknown (never committed: treated as 0; no watermark
        yet: not behind). Partitions missing from ``offsets`` (moved to another worker)
        are forgotten. ``recovery_position`` is any number that grows while the worker
        reads its changelogs, such as the sum of their read positions.
        """
        if recovery_position != self._recovery:
            self._recovery = recovery_position
            self._since.clear()
        for gone in self._since.keys() - offsets.keys():
            del self._since[gone]
        stalled: list[tuple[float, Hashable]] = []
        for tp, (committed, high) in offsets.items():
            position = committed or 0
            behind = high is not None and high > position
            seen = self._since.get(tp)
            if seen is None or seen[0] != position or not behind:
                # Moved, idle, or first seen: the clock starts now. A partition that just got
                # records gets the full threshold from the first sample that shows them.
                self._since[tp] = (position if behind else None, now)
            elif now - seen[1] >= self.after:
                stalled.append((seen[1], tp))
        return [tp for _, tp in sorted(stalled, key=lambda item: item[0])]

    def stalled_for(self, now: float, tp: Hashable) -> float:
        """Seconds ``tp`` has been at its current committed offset (0 when unknown)."""
        seen = self._since.get(tp)
        return 0.0 if seen is None else now - seen[1]
