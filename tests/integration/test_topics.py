"""Topic creation on the real broker: policies, and the co-partitioning guard at start."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from streams.config import Settings
from streams.kafka import ensure_topics

pytestmark = pytest.mark.kafka


def _settings(dep, partitions: int) -> Settings:
    return Settings.from_env({"HASILA_BROKER": f"kafka://{dep.bootstrap}", "HASILA_TOPIC_PREFIX": dep.prefix,
                              "HASILA_PARTITIONS": str(partitions)})


async def test_topics_are_created_once_and_a_partition_mismatch_is_refused(deployment):
    created = await ensure_topics(_settings(deployment, 4))
    assert sorted(created) == sorted(deployment.topic(t) for t in (
        "articles.raw", "casualties.mentions", "casualties.references", "casualties.incidents",
        "casualties.aggregates", "articles.deadletter"))
    await ensure_topics(_settings(deployment, 4))  # again: harmless (the broker may still be
    # propagating the new topics' metadata, so what it reports as created is not asserted)

    admin = AIOKafkaAdminClient(bootstrap_servers=deployment.bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([deployment.topic("casualties.references")])
        assert len(described[0]["partitions"]) == 4
    finally:
        await admin.close()

    with pytest.raises(RuntimeError, match=r"HASILA_PARTITIONS is 2 but .*casualties.mentions has 4"):
        await ensure_topics(_settings(deployment, 2))
