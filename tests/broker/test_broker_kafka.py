"""Against a real Kafka 3.9 broker started by streams.broker (needs Java; Maven on first run)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError
from aiokafka.helpers import create_ssl_context

from streams.broker import BrokerError, LocalBroker, find_free_port_block

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(300)]


async def _create_topic(client_args: dict, topic: str) -> None:
    admin = AIOKafkaAdminClient(**client_args)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()


async def _roundtrip(client_args: dict, topic: str, value: bytes) -> list[bytes]:
    """Produce one message and read the topic from the beginning; returns the values read."""
    producer = AIOKafkaProducer(**client_args)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=b"k")
    finally:
        await producer.stop()
    return await _read_all(client_args, topic)


async def _read_all(client_args: dict, topic: str) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic,
        group_id=f"g-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **client_args,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=10_000)
        return [m.value for msgs in batches.values() for m in msgs]
    finally:
        await consumer.stop()


def _plain(broker: LocalBroker) -> dict:
    return {"bootstrap_servers": broker.bootstrap}


def _sasl(broker: LocalBroker, mechanism: str, password: str | None = None) -> dict:
    creds = broker.sasl_credentials()
    return {
        "bootstrap_servers": creds["bootstrap"],
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": mechanism,
        "sasl_plain_username": creds["username"],
        "sasl_plain_password": password if password is not None else creds["password"],
    }


async def test_lifecycle_produce_consume_restart(make_broker) -> None:
    broker = make_broker()
    assert broker.status()["running"] is False

    status = broker.start(timeout=120)
    assert status["running"] and status["ready"]
    assert status["bootstrap"] == broker.bootstrap == f"127.0.0.1:{broker.port}"
    assert isinstance(status["pid"], int)
    assert status["formatted"] and status["cluster_id"]
    assert broker.log_file.exists()

    # Starting again is a no-op: same process.
    assert broker.start()["pid"] == status["pid"]

    topic = f"t-{uuid.uuid4().hex[:8]}"
    await _create_topic(_plain(broker), topic)
    value = "قتل ثلاثة مدنيين في قصف على ريف إدلب".encode()
    assert await _roundtrip(_plain(broker), topic, value) == [value]

    stopped = broker.stop()
    assert stopped["running"] is False and stopped["pid"] is None
    assert not broker.pid_file.exists()
    assert not _listening(broker.port)
    assert broker.stop()["running"] is False  # stopping twice is harmless

    # Restart from the same home: storage is not formatted again, data survives.
    again = broker.start(timeout=120)
    assert again["cluster_id"] == status["cluster_id"]
    assert again["pid"] != status["pid"]
    assert await _read_all(_plain(broker), topic) == [value]

    # A crashed broker (SIGKILL, no clean shutdown) is seen as stopped and restarts with its data.
    os.kill(again["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while broker.status()["running"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert broker.status()["running"] is False
    recovered = broker.start(timeout=120)
    assert recovered["ready"] and recovered["cluster_id"] == status["cluster_id"]
    assert await _read_all(_plain(broker), topic) == [value]


def test_concurrent_starts_of_one_home_make_one_broker(make_broker) -> None:
    first = make_broker()
    twin = LocalBroker(home=first.home, port=first.port, libs=first.libs)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda b: b.start(timeout=120), [first, twin]))
    assert results[0]["pid"] == results[1]["pid"]
    assert twin.stop()["running"] is False
    assert first.status()["running"] is False


async def test_auto_create_is_off_by_default(sasl_broker: LocalBroker) -> None:
    """The app creates its topics with explicit partitions; a typo must not create one."""
    producer = AIOKafkaProducer(bootstrap_servers=sasl_broker.bootstrap, request_timeout_ms=3000)
    await producer.start()
    try:
        with pytest.raises(KafkaError):
            await producer.send_and_wait(f"missing-{uuid.uuid4().hex[:6]}", b"x")
    finally:
        await producer.stop()


def test_two_brokers_side_by_side(sasl_broker: LocalBroker, make_broker) -> None:
    other = make_broker("other")
    other.start(timeout=120)
    s1, s2 = sasl_broker.status(), other.status()
    assert s1["ready"] and s2["ready"]
    assert s1["pid"] != s2["pid"] and s1["cluster_id"] != s2["cluster_id"]
    other.stop()
    assert not other.status()["running"]
    assert sasl_broker.status()["ready"]  # stopping one leaves the other alone


def test_broker_dying_at_start_shows_its_log(make_broker) -> None:
    # A 1 MB heap is below the JVM minimum: the broker process exits at once.
    broker = make_broker(heap="1m")
    with pytest.raises(BrokerError) as err:
        broker.start(timeout=60)
    message = str(err.value)
    assert "exited" in message
    assert "last lines of" in message and "heap" in message.lower()
    assert not broker.status()["running"]


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
async def test_sasl_produce_consume(sasl_broker: LocalBroker, mechanism: str) -> None:
    creds = sasl_broker.sasl_credentials()
    assert creds["username"] and len(creds["password"]) >= 16
    assert mechanism in creds["mechanisms"]
    topic = f"sasl-{mechanism.lower()}-{uuid.uuid4().hex[:6]}"
    await _create_topic(_sasl(sasl_broker, mechanism), topic)
    value = b'{"article_id": "a1", "killed": 3}'
    assert await _roundtrip(_sasl(sasl_broker, mechanism), topic, value) == [value]


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
async def test_sasl_rejects_wrong_password(sasl_broker: LocalBroker, mechanism: str) -> None:
    producer = AIOKafkaProducer(**_sasl(sasl_broker, mechanism, password="wrong-password"))
    with pytest.raises(KafkaError):
        await producer.start()
    await producer.stop()


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
async def test_sasl_over_tls_produce_consume(sasl_broker: LocalBroker, mechanism: str) -> None:
    creds = sasl_broker.sasl_credentials()
    args = {
        **_sasl(sasl_broker, mechanism),
        "bootstrap_servers": creds["ssl_bootstrap"],
        "security_protocol": "SASL_SSL",
        # Verifies the broker certificate against the local CA, host name included.
        "ssl_context": create_ssl_context(cafile=creds["ssl_cafile"]),
    }
    topic = f"tls-{mechanism.lower()}-{uuid.uuid4().hex[:6]}"
    await _create_topic(args, topic)
    value = "خبر عاجل".encode()
    assert await _roundtrip(args, topic, value) == [value]


async def test_tls_rejects_untrusted_broker_certificate(sasl_broker: LocalBroker) -> None:
    """A client that does not trust the local CA must refuse the connection."""
    args = {
        **_sasl(sasl_broker, "SCRAM-SHA-256"),
        "bootstrap_servers": sasl_broker.tls_bootstrap,
        "security_protocol": "SASL_SSL",
        "ssl_context": create_ssl_context(),  # system CAs only
        "request_timeout_ms": 5000,
    }
    producer = AIOKafkaProducer(**args)
    with pytest.raises(KafkaError):
        await producer.start()
    await producer.stop()


async def test_sasl_added_to_a_home_formatted_without_it(make_broker) -> None:
    """SCRAM users are normally written at format time; an existing home gets its user
    through kafka-configs after start, and keeps it across restarts."""
    plain = make_broker("grow")
    plain.start(timeout=120)
    plain.stop()
    secured = LocalBroker(home=plain.home, port=plain.port, libs=plain.libs, sasl=True)
    try:
        secured.start(timeout=120)
        topic = f"grown-{uuid.uuid4().hex[:6]}"
        await _create_topic(_sasl(secured, "SCRAM-SHA-256"), topic)
        assert await _roundtrip(_sasl(secured, "SCRAM-SHA-256"), topic, b"v") == [b"v"]
    finally:
        secured.stop()


def test_sasl_listener_does_not_replace_plaintext(sasl_broker: LocalBroker) -> None:
    status = sasl_broker.status()
    assert status["ready"]
    assert status["sasl_bootstrap"] == sasl_broker.sasl_bootstrap
    assert status["tls_bootstrap"] == sasl_broker.tls_bootstrap
    for port in (sasl_broker.port, sasl_broker.sasl_port, sasl_broker.tls_port):
        assert _listening(port)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_client_certificate_is_cached_signed_by_the_ca_and_password_protected(tmp_path) -> None:
    """No broker needed: keytool makes the CA, openssl the client key; Python's ssl loads the result."""
    import ssl

    b = LocalBroker(home=tmp_path / "home", port=find_free_port_block(5), mtls=True, libs=tmp_path / "libs")
    first = b.client_certificate("worker-a", key_password="pw-one-1")
    cert_bytes = Path(first["certfile"]).read_bytes()
    again = b.client_certificate("worker-a")  # cached: same certificate, plain key this time
    assert Path(again["certfile"]).read_bytes() == cert_bytes and again["key_password"] is None
    assert again["bootstrap"] == b.mtls_bootstrap and again["security_protocol"] == "SSL"
    assert (tmp_path / "home" / "tls" / "clients" / "worker-a").stat().st_mode & 0o077 == 0
    ctx = ssl.create_default_context(cafile=first["cafile"])
    ctx.load_cert_chain(first["certfile"], first["keyfile"], password="pw-one-1")
    with pytest.raises(ssl.SSLError):
        ctx.load_cert_chain(first["certfile"], first["keyfile"], password="wrong-pw")
    other = b.client_certificate("worker-b")
    assert Path(other["certfile"]).read_bytes() != cert_bytes
    verify = subprocess.run(["openssl", "verify", "-CAfile", first["cafile"], first["certfile"], other["certfile"]],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
