"""A worker configured only by environment variables talks to a broker that requires TLS client
certificates (mutual TLS): it processes an article; clients without a certificate, or with one
the broker's CA did not sign, are refused; the key password never reaches the worker log.
"""

from __future__ import annotations

import subprocess
import uuid

import orjson
import pytest

from .fixtures import Deployment, read_topic, values

pytestmark = pytest.mark.kafka

KEY_PASSWORD = "k3y-pass-" + uuid.uuid4().hex[:12]


@pytest.fixture(scope="module")
def mtls_broker(tmp_path_factory):
    from streams.broker import LocalBroker, find_free_port_block

    from ..conftest import ROOT

    broker = LocalBroker(
        home=tmp_path_factory.mktemp("kafka-mtls"),
        port=find_free_port_block(5),
        mtls=True,
        libs=ROOT / ".hasila" / "kafka-libs",
    )
    broker.start(timeout=180)
    try:
        yield broker
    finally:
        broker.stop()


def _ssl(cafile: str, certfile: str | None = None, keyfile: str | None = None, password: str | None = None):
    from aiokafka.helpers import create_ssl_context

    ctx = create_ssl_context(cafile=cafile, certfile=certfile, keyfile=keyfile, password=password)
    return {"security_protocol": "SSL", "ssl_context": ctx}


async def _connect(bootstrap: str, client: dict) -> None:
    """Bootstrap a producer (TLS handshake + metadata request) and close it; raises when refused.

    Deliberately no send: with topic auto-creation off a send would fail for other reasons.
    """
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=5000, **client)
    try:
        await producer.start()
    finally:
        await producer.stop()


async def test_worker_over_mtls_processes_an_article_and_never_logs_the_key_password(mtls_broker, tmp_path):
    from aiokafka import AIOKafkaProducer

    cert = mtls_broker.client_certificate("hasila-worker", key_password=KEY_PASSWORD)
    with open(cert["keyfile"]) as fh:
        assert "ENCRYPTED" in fh.read()  # the worker really has to use the password
    env = {
        "HASILA_SECURITY_PROTOCOL": "SSL",
        "HASILA_SSL_CAFILE": cert["cafile"],
        "HASILA_SSL_CERTFILE": cert["certfile"],
        "HASILA_SSL_KEYFILE": cert["keyfile"],
        "HASILA_SSL_KEY_PASSWORD": KEY_PASSWORD,
        "HASILA_LOG_LEVEL": "info",
    }
    tag = uuid.uuid4().hex[:8]
    bootstrap = cert["bootstrap"]
    dep = Deployment(
        bootstrap=bootstrap, prefix=f"m{tag}.", app_id=f"hasila-m{tag}", base_dir=tmp_path, extra_env=env
    )
    client = _ssl(cert["cafile"], cert["certfile"], cert["keyfile"], KEY_PASSWORD)
    try:
        dep.start_worker()
        article = {
            "id": "mtls-1",
            "published_at": "2025-06-11",
            "language": "en",
            "body": "Four people were killed when an airstrike hit a market in the town of Ariha in Idlib.",
        }
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", **client)
        await producer.start()
        try:
            await producer.send_and_wait(dep.topic("articles.raw"), orjson.dumps(article), key=b"mtls-1")
        finally:
            await producer.stop()
        mentions = values(
            await read_topic(
                bootstrap, dep.topic("casualties.mentions"), until=lambda m: len(m) >= 1, timeout=90, **client
            )
        )
        assert mentions[0]["article_id"] == "mtls-1" and mentions[0]["count"] == 4
    finally:
        dep.stop_all()
    log = (tmp_path / "worker-0.log").read_text(errors="replace")
    assert KEY_PASSWORD not in log


async def test_same_connection_with_the_issued_certificate_succeeds(mtls_broker):
    cert = mtls_broker.client_certificate("hasila-probe")
    await _connect(cert["bootstrap"], _ssl(cert["cafile"], cert["certfile"], cert["keyfile"]))


async def test_client_without_certificate_is_refused(mtls_broker):
    from aiokafka.errors import KafkaError

    cafile = str(mtls_broker.ca_file)
    with pytest.raises((KafkaError, OSError, TimeoutError)):
        await _connect(mtls_broker.mtls_bootstrap, _ssl(cafile))


async def test_certificate_from_another_ca_is_refused(mtls_broker, tmp_path):
    from aiokafka.errors import KafkaError

    key, crt = tmp_path / "intruder.key", tmp_path / "intruder.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=intruder", "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    with pytest.raises((KafkaError, OSError, TimeoutError)):
        await _connect(mtls_broker.mtls_bootstrap, _ssl(str(mtls_broker.ca_file), str(crt), str(key)))
