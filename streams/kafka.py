"""Connecting to Kafka: security options, topic creation, partitioning.

This is the only module besides the agents that knows aiokafka exists. It
turns :class:`~streams.config.Settings` into client arguments (SASL/TLS),
creates Hasila's topics with their partition counts and cleanup policies
(Faust only creates its own internal topics), and computes the partition of
a region key exactly as Kafka's default partitioner does, so that incidents
can be sent to the partition that owns their governorate.
"""

from __future__ import annotations

import ssl
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import murmur2

from .config import Settings
from .topology import AGENTS, ARTICLES_RAW, TOPICS, topic_name

#: Largest record the input topic accepts; HASILA_MAX_ARTICLE_BYTES decides what is processed.
INPUT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024

__all__ = [
    "check_copartitioning",
    "client_kwargs",
    "ensure_topics",
    "faust_credentials",
    "partition_for",
    "ssl_context",
]


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A TLS context from the ``HASILA_SSL_*`` settings, or ``None`` for plaintext protocols."""
    if settings.security_protocol not in {"SSL", "SASL_SSL"}:
        return None
    ctx = ssl.create_default_context(cafile=settings.ssl_cafile or None)
    if settings.ssl_certfile:
        ctx.load_cert_chain(
            settings.ssl_certfile,
            keyfile=settings.ssl_keyfile or None,
            password=settings.ssl_key_password or None,
        )
    return ctx


def client_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for any aiokafka client (producer, consumer, admin)."""
    kwargs: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "security_protocol": settings.security_protocol,
    }
    ctx = ssl_context(settings)
    if ctx is not None:
        kwargs["ssl_context"] = ctx
    if settings.security_protocol.startswith("SASL"):
        kwargs["sasl_mechanism"] = settings.sasl_mechanism
        kwargs["sasl_plain_username"] = settings.sasl_username
        kwargs["sasl_plain_password"] = settings.sasl_password
    return kwargs


def faust_credentials(settings: Settings) -> Any:
    """Faust's ``broker_credentials`` for the configured security protocol (``None`` for plaintext)."""
    import faust

    ctx = ssl_context(settings)
    if settings.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            mechanism=settings.sasl_mechanism,
            ssl_context=ctx,
        )
    if ctx is not None:
        return faust.SSLCredentials(ctx)
    return None


def partition_for(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner gives ``key`` (murmur2, as the Java client)."""
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % partitions


async def ensure_topics(settings: Settings) -> list[str]:
    """Create Hasila's topics that do not exist yet; returns the names created.

    Incidents and aggregates are compacted (a consumer rebuilds current state
    from them); articles, mentions and dead letters are deleted by retention.
    """
    admin = AIOKafkaAdminClient(**client_kwargs(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = []
        for spec in TOPICS.values():
            name = topic_name(settings.topic_prefix, spec)
            if name in existing:
                continue
            config = {"cleanup.policy": "compact" if spec.compacted else "delete"}
            if spec is ARTICLES_RAW:
                # Oversized articles must reach the worker to be dead-lettered with a reason (E102),
                # not be refused by the broker at the producer, where nobody sees them.
                config["max.message.bytes"] = str(INPUT_MAX_MESSAGE_BYTES)
            if spec.compacted:
                config["min.cleanable.dirty.ratio"] = "0.1"
                config["segment.ms"] = "3600000"
            wanted.append(NewTopic(name, settings.partitions, settings.replication, topic_configs=config))
        created = []
        for topic in wanted:
            try:
                await admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        names = {topic_name(settings.topic_prefix, TOPICS[t]): t for t in _KEYED_BY_REGION}
        described = await admin.describe_topics(list(names))
        counts = {
            names[d["topic"]]: len(d.get("partitions") or ())
            for d in described
            if d.get("topic") in names and not d.get("error_code")
        }
        check_copartitioning(counts, settings.partitions)
        return created
    finally:
        await admin.close()


#: Topics read by the stateful agents: their partition p must hold the same governorates as
#: partition p of the agents' tables (created with HASILA_PARTITIONS partitions).
_KEYED_BY_REGION = tuple(
    dict.fromkeys(t for name in ("dedup", "aggregate") for t in AGENTS[name].sources)
)


def check_copartitioning(counts: dict[str, int], partitions: int) -> None:
    """Refuse to start when a region-keyed topic has another partition count than the tables.

    Dedup and aggregation state is partition-local: partition p of the mentions, the
    references and the incidents must all hold the governorates that partition p of the
    tables holds. A topic created earlier with another ``HASILA_PARTITIONS`` would send a
    governorate's records to a worker that does not own its state.
    """
    wrong = {topic: n for topic, n in sorted(counts.items()) if n != partitions}
    if wrong:
        listed = ", ".join(f"{topic} has {n}" for topic, n in wrong.items())
        raise RuntimeError(
            f"co-partitioning: HASILA_PARTITIONS is {partitions} but {listed} partitions; "
            "set HASILA_PARTITIONS to the topics' count (or recreate the topics)"
        )
