"""Keep a worker's :class:`ReadModel` current by following the compacted output topics.

The imperative shell around :mod:`streams.web.readmodel`: one aiokafka
consumer with no group (``group_id=None``: nothing is committed, every
partition is assigned, reading starts from the beginning, as a GlobalKTable
does) follows ``casualties.aggregates`` and ``casualties.incidents`` and
applies each record. It runs as a task of the Faust app and never takes the
worker down: any error is logged, the consumer is closed and, after a
back-off, the topics are read again from the beginning into a fresh model
(versions make the replay idempotent anyway).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from ..config import Settings
from ..kafka import client_kwargs
from ..topology import AGGREGATES, INCIDENTS, topic_name
from .readmodel import ReadModel

__all__ = ["Follower"]

log = logging.getLogger("hasila.web")


@dataclass
class Follower:
    """Owns the read model and the loop that feeds it."""

    settings: Settings
    model: ReadModel = field(default_factory=ReadModel)
    caught_up: bool = False
    last_update: float | None = None
    errors: int = 0
    skipped: int = 0
    poll_ms: int = 200

    @property
    def topics(self) -> tuple[str, str]:
        """Physical names of the aggregates and incidents topics."""
        prefix = self.settings.topic_prefix
        return topic_name(prefix, AGGREGATES), topic_name(prefix, INCIDENTS)

    async def run(self) -> None:
        """Follow forever; restart from scratch after any error (with back-off)."""
        backoff = 1.0
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception:  # the read model is a view: never crash the worker for it
                self.errors += 1
                log.exception("read model follower failed; retrying in %.0fs", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                self.model = ReadModel(self.model.max_incidents, self.model.max_days)
                self.caught_up = False
            else:
                backoff = 1.0

    async def _follow(self) -> None:
        aggregates_topic, incidents_topic = self.topics
        consumer = AIOKafkaConsumer(
            **client_kwargs(self.settings),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_bytes=16 * 1024 * 1024,
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        await consumer.start()
        try:
            tps = await self._partitions(consumer, (aggregates_topic, incidents_topic))
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            end = await consumer.end_offsets(tps)
            pending = {tp for tp in tps if end[tp] > 0}
            self.caught_up = not pending
            while True:
                batch = await consumer.getmany(timeout_ms=self.poll_ms, max_records=5000)
                for tp, records in batch.items():
                    apply = (
                        self.model.apply_aggregate
                        if tp.topic == aggregates_topic
                        else self.model.apply_incident
                    )
                    for msg in records:
                        self._apply(apply, msg.value)
                if batch:
                    self.last_update = time.time()
                if pending:
                    for tp in list(pending):
                        if await consumer.position(tp) >= end[tp]:
                            pending.discard(tp)
                    if not pending:
                        self.model.trim()
                        self.caught_up = True
                        log.info(
                            "read model caught up: %d aggregates, %d incidents",
                            self.model.aggregate_count,
                            self.model.incident_count,
                        )
        finally:
            await consumer.stop()

    def _apply(self, apply, value: bytes | None) -> None:
        if value is None:  # a tombstone: nothing to show
            return
        try:
            record = orjson.loads(value)
        except orjson.JSONDecodeError:
            self.skipped += 1
            return
        if isinstance(record, dict):
            apply(record)
        else:
            self.skipped += 1

    @staticmethod
    async def _partitions(consumer: AIOKafkaConsumer, topics: tuple[str, ...]) -> list[TopicPartition]:
        """Every partition of ``topics``, waiting for the topics to exist."""
        delay = 0.2
        while True:
            await consumer._client.force_metadata_update()
            found = {t: consumer.partitions_for_topic(t) for t in topics}
            if all(found.values()):
                return [TopicPartition(t, p) for t in topics for p in sorted(found[t])]
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
