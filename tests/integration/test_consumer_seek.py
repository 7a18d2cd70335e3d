"""Seeking back to committed offsets on the real broker (streams/consumer.py).

Faust rewinds with aiokafka's ``seek_to_committed`` after a rebalance and whenever it dropped
records it had fetched. aiokafka leaves a partition without a committed offset where it is, so
records fetched and dropped there were never read again: the worker stalled, or lost them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streams.consumer import HasilaApp, HasilaConsumer, seek_uncommitted_to_start

from .fixtures import produce

pytestmark = pytest.mark.kafka


async def _topic_with_records(bootstrap: str, per_partition: dict[int, int]) -> str:
    topic = f"seek-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=len(per_partition), replication_factor=1)])
    finally:
        await admin.close()
    for partition, count in per_partition.items():
        await produce(bootstrap, topic, [(None, f"p{partition}-{i}".encode()) for i in range(count)],
                      partition=partition)
    return topic


async def _drain(consumer: AIOKafkaConsumer, want: int) -> dict[int, list[bytes]]:
    got: dict[int, list[bytes]] = {}
    for _ in range(40):
        batch = await consumer.getmany(timeout_ms=250)
        for tp, records in batch.items():
            got.setdefault(tp.partition, []).extend(r.value for r in records)
        if sum(map(len, got.values())) >= want:
            break
    return got


@asynccontextmanager
async def _group_consumer(bootstrap: str, per_partition: dict[int, int]) -> AsyncIterator[tuple]:
    """A new two-partition topic with records, and a consumer of a new group assigned to it."""
    topic = await _topic_with_records(bootstrap, per_partition)
    tps = TopicPartition(topic, 0), TopicPartition(topic, 1)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=f"g-{topic}",
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(tps))
        yield consumer, *tps
    finally:
        await consumer.stop()


async def test_fetched_records_without_a_commit_are_read_again(kafka_broker):
    async with _group_consumer(kafka_broker.bootstrap, {0: 5, 1: 4}) as (consumer, tp0, tp1):
        first = await _drain(consumer, 9)
        assert len(first[0]) == 5 and len(first[1]) == 4
        await consumer.commit({tp1: 2})  # partition 1 committed at 2; partition 0 never

        # aiokafka alone: the uncommitted partition stays where the fetch left it.
        committed = await consumer.seek_to_committed()
        assert committed == {tp0: None, tp1: 2}
        assert await consumer.position(tp0) == 5
        assert await consumer.position(tp1) == 2

        moved = await seek_uncommitted_to_start(consumer, committed)
        assert moved == [tp0]
        again = await _drain(consumer, 5 + 2)
        assert again[0] == first[0]  # all of partition 0 again, in order
        assert again[1] == first[1][2:]  # partition 1 from its commit


async def test_a_partition_committed_at_zero_goes_back_to_zero_and_skipped_ones_stay(kafka_broker):
    async with _group_consumer(kafka_broker.bootstrap, {0: 3, 1: 3}) as (consumer, tp0, tp1):
        await _drain(consumer, 6)
        await consumer.commit({tp0: 0})
        committed = await consumer.seek_to_committed()
        moved = await seek_uncommitted_to_start(consumer, committed, skip=lambda tp: tp.partition == 1)
        assert moved == [tp0]
        assert await consumer.position(tp0) == 0
        assert await consumer.position(tp1) == 3  # skipped (a changelog, in the worker): untouched


def test_the_app_runs_the_fixed_consumer():
    app = HasilaApp(f"seek-{uuid.uuid4().hex[:6]}", broker="kafka://127.0.0.1:1", autodiscover=False)
    assert app.transport.Consumer is HasilaConsumer
