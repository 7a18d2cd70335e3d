"""The example consumer rebuilds the aggregator's state from a real compacted topic."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import orjson
import pytest

from streams.aggregate import Aggregator, rebuild

from .conftest import make_incident

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "examples" / "consume_aggregates.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("consume_aggregates", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.kafka
async def test_example_consumer_rebuilds_current_state(kafka_broker):
    from aiokafka import AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic = "test.casualties.aggregates"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(
                    topic, num_partitions=3, replication_factor=1, topic_configs={"cleanup.policy": "compact"}
                )
            ]
        )
    finally:
        await admin.close()

    agg = Aggregator({})
    emitted = []
    for inc in (
        make_incident("a", 1, count=3),
        make_incident("b", 1, count=5, admin1="SY02", admin2=None),
        make_incident("a", 2, count=9),
        make_incident("b", 2, status="merged", count=0, admin1="SY02", admin2=None),
        make_incident("a", 1, count=3),  # replay
    ):
        emitted += agg.apply(inc)

    producer = AIOKafkaProducer(bootstrap_servers=kafka_broker.bootstrap)
    await producer.start()
    try:
        for record in emitted:
            await producer.send_and_wait(topic, orjson.dumps(record), key=record["key"].encode())
    finally:
        await producer.stop()

    table = await _load_example().rebuild_from_topic(kafka_broker.bootstrap, topic)
    assert table == rebuild(emitted)
    assert table["SY07|all"]["killed"] == 9
    assert table["SY02|all"]["killed"] == 0
