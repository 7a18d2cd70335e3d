"""Topic, table and agent names are storage contracts: this snapshot changes only on purpose."""

from streams.codecs import SCHEMA_DIR
from streams.config import Settings
from streams.kafka import partition_for
from streams.topology import AGENTS, TABLES, TOPICS, region_key, topic_name


def test_names_snapshot():
    assert sorted(TOPICS) == ["articles.deadletter", "articles.raw", "casualties.aggregates",
                              "casualties.incidents", "casualties.mentions", "casualties.references"]
    assert sorted(TABLES) == ["aggregate-state", "dedup-state"]
    assert {a.name: a.sources for a in AGENTS.values()} == {
        "extract": ("articles.raw",), "dedup": ("casualties.mentions", "casualties.references"),
        "aggregate": ("casualties.incidents",)}


def test_every_topic_has_a_schema_file_and_compaction_where_upserts():
    for spec in TOPICS.values():
        assert (SCHEMA_DIR / spec.schema).exists()
    assert {t.name for t in TOPICS.values() if t.compacted} == {"casualties.incidents",
                                                               "casualties.aggregates"}


def test_every_sink_is_a_declared_topic():
    for agent in AGENTS.values():
        assert set(agent.sources) <= set(TOPICS)
        assert set(agent.sinks) <= set(TOPICS)


def test_prefix_and_region_keys():
    assert topic_name("prod.", TOPICS["articles.raw"]) == "prod.articles.raw"
    assert region_key(None) == "none" and region_key("SY08") == "SY08"


def test_partition_for_matches_kafka_default_partitioner():
    from aiokafka.partitioner import DefaultPartitioner

    parts = list(range(6))
    for key in ["SY01", "SY08", "none", "SY14"]:
        assert partition_for(key, 6) == DefaultPartitioner()(key.encode(), parts, parts)


def test_settings_from_env_and_redaction():
    s = Settings.from_env({"HASILA_BROKER": "kafka://b1:9092,b2:9092", "HASILA_PARTITIONS": "8",
                           "HASILA_SECURITY_PROTOCOL": "sasl_ssl", "HASILA_SASL_PASSWORD": "s3cret"})
    assert s.bootstrap_servers == "b1:9092,b2:9092"
    assert s.faust_broker == "kafka://b1:9092;kafka://b2:9092"
    assert s.partitions == 8 and s.security_protocol == "SASL_SSL"
    assert "s3cret" not in repr(s) and s.redacted()["sasl_password"] == "***"
    assert (s.batch_max, s.batch_wait_ms) == (500, 50)
    assert Settings.from_env({"HASILA_BATCH_WAIT_MS": "200"}).batch_wait_ms == 200
    stall = Settings.from_env({"HASILA_STALL_SECONDS": "30", "HASILA_STALL_ACTION": "LOG"})
    assert (stall.stall_seconds, stall.stall_action) == (30, "log")
    assert (Settings().stall_seconds, Settings().stall_action) == (120, "exit")


def test_settings_reject_bad_values():
    import pytest

    for env in ({"HASILA_PARTITIONS": "zero"}, {"HASILA_PARTITIONS": "0"},
                {"HASILA_TOPIC_PREFIX": "bad prefix!"}, {"HASILA_STORE": "redis://"},
                {"HASILA_SECURITY_PROTOCOL": "TLS9"}, {"HASILA_BATCH_MAX": "0"},
                {"HASILA_BATCH_WAIT_MS": "-5"}, {"HASILA_STALL_SECONDS": "3"},
                {"HASILA_STALL_ACTION": "reboot"}):
        with pytest.raises(ValueError):
            Settings.from_env(env)
