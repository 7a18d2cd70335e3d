"""A worker configured only by environment variables talks to a broker that requires SASL."""

from __future__ import annotations

import uuid

import orjson
import pytest

from .fixtures import Deployment, read_topic, values

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory):
    from streams.broker import LocalBroker, find_free_port_block

    from ..conftest import ROOT

    broker = LocalBroker(home=tmp_path_factory.mktemp("kafka-sasl"), port=find_free_port_block(4), sasl=True,
                         libs=ROOT / ".hasila" / "kafka-libs")
    broker.start(timeout=180)
    try:
        yield broker
    finally:
        broker.stop()


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "PLAIN"])
async def test_worker_over_sasl_processes_articles_and_never_logs_the_secret(sasl_broker, tmp_path, mechanism):
    from aiokafka import AIOKafkaProducer

    creds = sasl_broker.sasl_credentials()
    env = {
        "HASILA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "HASILA_SASL_MECHANISM": mechanism,
        "HASILA_SASL_USERNAME": creds["username"],
        "HASILA_SASL_PASSWORD": creds["password"],
        "HASILA_LOG_LEVEL": "info",
    }
    tag = uuid.uuid4().hex[:8]
    dep = Deployment(bootstrap=creds["bootstrap"], prefix=f"s{tag}.", app_id=f"hasila-s{tag}",
                     base_dir=tmp_path, extra_env=env)
    sasl = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": mechanism,
            "sasl_plain_username": creds["username"], "sasl_plain_password": creds["password"]}
    try:
        dep.start_worker()
        article = {"id": "sasl-1", "published_at": "2025-05-02", "language": "en",
                   "body": "Three civilians were killed in shelling on the town of Sarmin in Idlib province."}
        producer = AIOKafkaProducer(bootstrap_servers=creds["bootstrap"], acks="all", **sasl)
        await producer.start()
        try:
            await producer.send_and_wait(dep.topic("articles.raw"), orjson.dumps(article), key=b"sasl-1")
        finally:
            await producer.stop()
        mentions = values(await read_topic(creds["bootstrap"], dep.topic("casualties.mentions"),
                                           until=lambda m: len(m) >= 1, timeout=90, **sasl))
        assert mentions[0]["article_id"] == "sasl-1" and mentions[0]["count"] == 3
    finally:
        dep.stop_all()
    log = (tmp_path / "worker-0.log").read_text(errors="replace")
    assert creds["password"] not in log


async def test_plaintext_client_is_refused_by_the_sasl_listener(sasl_broker):
    from aiokafka import AIOKafkaProducer
    from aiokafka.errors import KafkaError

    producer = AIOKafkaProducer(bootstrap_servers=sasl_broker.sasl_credentials()["bootstrap"],
                                request_timeout_ms=3000, metadata_max_age_ms=3000)
    with pytest.raises((KafkaError, OSError, TimeoutError)):
        await producer.start()
        try:
            await producer.send_and_wait("anything", b"x")
        finally:
            await producer.stop()
