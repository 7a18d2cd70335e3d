"""The Kafka consumer Hasila runs under Faust, with two fixes for records it would skip.

Faust (faust-streaming 0.15) with aiokafka 0.14 can silently skip input records around a
rebalance; the rebalance fault-injection run caught it as a worker that stayed idle with
records waiting on partitions that had **no committed offset** (docs/reliability.md):

1. **Seeking "back to committed" skipped partitions without a commit.** Faust rewinds its
   partitions with ``seek_to_committed`` after every rebalance and whenever it dropped fetched
   records (flow stopped, generation changed). aiokafka's ``seek_to_committed`` only seeks a
   partition whose committed offset is above 0; one with no commit (or a commit of 0) keeps
   the position it had, and records fetched and dropped there are never fetched again: lost
   if later ones are processed and committed, a stall if none come. Here such partitions go
   back to their start, which is what a consumer with ``auto_offset_reset=earliest`` and no
   commit reads first anyway. Changelog partitions are left alone: table recovery positions
   them itself.
2. **Faust handed aiokafka its live set of active partitions.** The fetch runs in the
   consumer's thread while Faust pauses partitions in place in the main thread; aiokafka's
   ``fetched_records`` reads an *empty* set as "every partition", so a fetch waiting when a
   rebalance paused everything drained partitions Faust then dropped. Here each fetch gets a
   copy of the set as it was when the fetch began.

Both are applied by giving the app this consumer (:class:`HasilaApp`); nothing else of Faust
changes. ``tests/integration/test_consumer_seek.py`` shows fix 1 against the real broker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.transport.drivers import aiokafka as faust_aiokafka

__all__ = ["HasilaApp", "HasilaConsumer", "seek_uncommitted_to_start"]

log = logging.getLogger("hasila.consumer")


async def seek_uncommitted_to_start(
    consumer: AIOKafkaConsumer,
    committed: Mapping[TopicPartition, int | None],
    skip: Callable[[TopicPartition], bool] = lambda tp: False,
) -> list[TopicPartition]:
    """Complete aiokafka's ``seek_to_committed``: partitions it left where they were go to their start.

    ``committed`` is what ``seek_to_committed`` returned. A partition committed at 0 is sought
    to 0; one with no commit to its first available offset. Returns the partitions moved.
    """
    at_zero = [tp for tp, offset in committed.items() if offset == 0 and not skip(tp)]
    unset = [tp for tp, offset in committed.items() if offset is None and not skip(tp)]
    moved = sorted(at_zero + unset)
    if not moved:
        return moved
    before = {tp: _position(consumer, tp) for tp in moved}
    for tp in at_zero:
        consumer.seek(tp, 0)
    if unset:
        await consumer.seek_to_beginning(*unset)
    ahead = [tp for tp in moved if before[tp]]
    # A position past the start on a partition nobody committed: records were fetched that no
    # commit covers. They are read again now; before this fix they were skipped.
    (log.warning if ahead else log.debug)(
        "no committed offset: reading %s from the start",
        ", ".join(f"{tp.topic}[{tp.partition}]"
                  + (f" (position was {before[tp]})" if before[tp] else "") for tp in moved))
    return moved


def _position(consumer: AIOKafkaConsumer, tp: TopicPartition) -> int | None:
    """aiokafka's fetch position of ``tp`` if it has one (internals read defensively: a log)."""
    try:
        state = consumer._subscription.subscription.assignment.state_value(tp)
        return state.position if state.has_valid_position else None
    except Exception:
        return None


class HasilaConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """Faust's aiokafka consumer thread with a complete seek and a stable fetch set."""

    async def seek_to_committed(self) -> Mapping[TopicPartition, int]:
        return await self.call_thread(self._seek_to_committed_fully)

    async def _seek_to_committed_fully(self) -> Mapping[TopicPartition, int]:
        consumer = self._ensure_consumer()
        committed = await consumer.seek_to_committed()
        await seek_uncommitted_to_start(consumer, committed, skip=self.consumer._is_changelog_tp)
        return committed

    async def getmany(self, active_partitions: Iterable[Any] | None, timeout: float) -> Any:
        snapshot = None if active_partitions is None else set(active_partitions)
        if snapshot is not None and not snapshot:
            return {}  # never "every partition"
        return await super().getmany(snapshot, timeout)


class HasilaConsumer(faust_aiokafka.Consumer):
    """Faust's aiokafka consumer, running :class:`HasilaConsumerThread`."""

    def _new_consumer_thread(self) -> HasilaConsumerThread:
        return HasilaConsumerThread(self, loop=self.loop, beacon=self.beacon)


class HasilaApp(faust.App):
    """A Faust app whose Kafka transport creates :class:`HasilaConsumer`."""

    def _new_transport(self) -> Any:
        transport = super()._new_transport()
        if isinstance(transport, faust_aiokafka.Transport):
            transport.Consumer = HasilaConsumer
        return transport
