"""Fast tests of streams.broker that need neither Java nor a running broker."""

from __future__ import annotations

import json
import os
import re
import socket
import struct
import threading
from pathlib import Path

import pytest

from streams.broker import (
    BrokerError,
    LocalBroker,
    _ephemeral_low,
    _java_major,
    _new_cluster_id,
    find_free_port_block,
    probe_metadata,
)


@pytest.fixture
def no_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH without java and mvn."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("JAVA_HOME", raising=False)


def _broker(tmp_path: Path, **kwargs: object) -> LocalBroker:
    kwargs.setdefault("port", find_free_port_block())
    kwargs.setdefault("libs", tmp_path / "libs")
    return LocalBroker(home=tmp_path / "home", **kwargs)


def test_defaults_and_addresses(tmp_path: Path) -> None:
    b = LocalBroker(home=tmp_path, port=19092)
    assert b.bootstrap == "127.0.0.1:19092"
    assert b.controller_port == 19093
    assert b.sasl_bootstrap is None
    assert b.libs == (tmp_path / "libs").resolve()
    assert b.pom.name == "pom.xml" and b.pom.exists()
    s = LocalBroker(home=tmp_path, port=19092, controller_port=20000, sasl=True, sasl_port=20001)
    assert s.controller_port == 20000 and s.sasl_bootstrap == "127.0.0.1:20001"


def test_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HASILA_KAFKA_LIBS", str(tmp_path / "cache"))
    monkeypatch.setenv("HASILA_KAFKA_HEAP", "256m")
    monkeypatch.setenv("HASILA_KAFKA_POM", str(tmp_path / "elsewhere" / "pom.xml"))
    b = LocalBroker(home=tmp_path)
    assert b.libs == (tmp_path / "cache").resolve()
    assert b.heap == "256m"
    assert b.deploy_dir == (tmp_path / "elsewhere").resolve()


@pytest.mark.parametrize("heap", ["lots", "-Xmx512m", "512 m"])
def test_bad_heap_rejected(tmp_path: Path, heap: str) -> None:
    with pytest.raises(BrokerError, match="heap"):
        LocalBroker(home=tmp_path, heap=heap)


@pytest.mark.parametrize("password", ['pa"ss123', "pass,word", "a=b]cdef", "short"])
def test_unsafe_sasl_password_rejected(tmp_path: Path, password: str) -> None:
    with pytest.raises(BrokerError, match="SASL password"):
        LocalBroker(home=tmp_path, sasl=True, sasl_password=password)


def test_ports_must_differ(tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="must differ"):
        LocalBroker(home=tmp_path, port=9092, sasl=True, sasl_port=9093)


def test_missing_java_is_explained(tmp_path: Path, no_tools: None) -> None:
    b = _broker(tmp_path)
    with pytest.raises(BrokerError, match=r"Java 17\+ not found.*default-jre-headless"):
        b.start(timeout=5)
    assert not b.status()["running"]


def test_missing_maven_without_jars_is_explained(tmp_path: Path, no_tools: None) -> None:
    with pytest.raises(BrokerError, match=r"Maven not found.*HASILA_KAFKA_LIBS"):
        _broker(tmp_path).ensure_jars()


def test_existing_jars_need_no_maven(tmp_path: Path, no_tools: None) -> None:
    libs = tmp_path / "libs"
    libs.mkdir()
    for name in ("kafka_2.13-3.9.1.jar", "kafka-clients-3.9.1.jar"):
        (libs / name).write_bytes(b"PK")
    b = _broker(tmp_path)
    assert b.ensure_jars() == libs.resolve()
    assert b.status()["kafka_version"] == "3.9.1"


def test_port_held_by_other_process_is_reported(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        b = _broker(tmp_path, port=port)
        with pytest.raises(BrokerError, match=rf"127\.0\.0\.1:{port} is already in use"):
            b.start(timeout=5)


def test_stale_pid_file_is_not_a_running_broker(tmp_path: Path) -> None:
    b = _broker(tmp_path)
    b.home.mkdir(parents=True)
    # Our own pid is alive but is not this home's kafka.Kafka: must not count (nor be killed).
    b.pid_file.write_text(json.dumps({"pid": os.getpid(), "port": b.port}))
    assert b.status()["running"] is False
    assert b.stop()["running"] is False
    assert not b.pid_file.exists()
    b.pid_file.write_text("not json")
    assert b.status()["running"] is False


def test_rendered_config_plaintext(tmp_path: Path) -> None:
    b = _broker(tmp_path)
    b.home.mkdir(parents=True)
    text = b._render_config().read_text()
    props = dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    assert props["listeners"] == (
        f"PLAINTEXT://127.0.0.1:{b.port},CONTROLLER://127.0.0.1:{b.controller_port}"
    )
    assert props["advertised.listeners"] == f"PLAINTEXT://127.0.0.1:{b.port}"
    assert props["controller.quorum.voters"] == f"1@127.0.0.1:{b.controller_port}"
    assert props["log.dirs"] == str(b.data_dir)
    assert props["auto.create.topics.enable"] == "false"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert props["offsets.topic.replication.factor"] == "1"
    assert not any("SASL" in k or "SASL" in v for k, v in props.items())
    assert "${" not in text


def test_rendered_config_sasl(tmp_path: Path) -> None:
    b = _broker(tmp_path, sasl=True, sasl_user="tester", sasl_password="pw12345")
    b.home.mkdir(parents=True)
    text = b._render_config().read_text()
    assert f"SASL_PLAINTEXT://127.0.0.1:{b.sasl_port}" in text
    assert "SASL_PLAINTEXT:SASL_PLAINTEXT" in text
    assert re.search(r"^sasl\.enabled\.mechanisms=PLAIN,SCRAM-SHA-256$", text, re.M)
    jaas = (b.home / "kafka_server_jaas.conf").read_text()
    assert 'user_tester="pw12345";' in jaas and "${" not in jaas
    assert (b.home / "kafka_server_jaas.conf").stat().st_mode & 0o077 == 0


def test_rendered_config_tls(tmp_path: Path) -> None:
    b = _broker(tmp_path, sasl=True, tls=True)
    b.home.mkdir(parents=True)
    path = b._render_config()
    text = path.read_text()
    assert f"SASL_SSL://127.0.0.1:{b.tls_port}" in text and "SASL_SSL:SASL_SSL" in text
    assert f"ssl.keystore.location={b.tls_dir / 'broker.p12'}" in text
    assert path.stat().st_mode & 0o077 == 0  # carries the keystore password
    assert b.tls_bootstrap == f"127.0.0.1:{b.port + 3}"


def test_rendered_config_mtls_requires_client_certificates_on_its_own_listener(tmp_path: Path) -> None:
    b = _broker(tmp_path, mtls=True)
    b.home.mkdir(parents=True)
    path = b._render_config()
    text = path.read_text()
    assert f"SSL://127.0.0.1:{b.mtls_port}" in text and "SSL:SSL" in text
    assert "SASL_SSL://" not in text and "SASL_PLAINTEXT://" not in text  # mTLS does not need SASL
    assert re.search(r"^listener\.name\.ssl\.ssl\.client\.auth=required$", text, re.M)
    assert not re.search(r"^ssl\.client\.auth=", text, re.M)  # not broker-wide: other listeners unaffected
    assert f"listener.name.ssl.ssl.truststore.location={b.ca_file}" in text
    assert f"ssl.keystore.location={b.tls_dir / 'broker.p12'}" in text
    assert path.stat().st_mode & 0o077 == 0  # carries the keystore password
    assert b.mtls_bootstrap == f"127.0.0.1:{b.port + 4}"
    assert b.status()["mtls_bootstrap"] == b.mtls_bootstrap


def test_mtls_off_by_default_and_port_must_differ(tmp_path: Path) -> None:
    b = _broker(tmp_path)
    assert b.mtls_bootstrap is None and b.status()["mtls_bootstrap"] is None
    with pytest.raises(BrokerError, match="must differ"):
        LocalBroker(home=tmp_path, port=30000, sasl=True, tls=True, mtls=True, mtls_port=30003)


def test_client_certificate_needs_tls_and_a_plain_name(tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="mtls=True"):
        _broker(tmp_path).client_certificate("w")
    b = _broker(tmp_path, mtls=True)
    with pytest.raises(BrokerError, match="client name"):
        b.client_certificate("CN=x,O=evil")
    with pytest.raises(BrokerError, match="key password"):
        b.client_certificate("w", key_password="a\nb")
    assert not b.tls_dir.exists()  # nothing created before the arguments were checked


def test_tls_needs_sasl(tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="sasl=True"):
        LocalBroker(home=tmp_path, tls=True)


def test_generated_sasl_password_is_kept_per_home(tmp_path: Path) -> None:
    first = _broker(tmp_path, sasl=True)
    first.home.mkdir(parents=True)
    first._remember_sasl()
    second = _broker(tmp_path, sasl=True)
    assert second.sasl_credentials()["password"] == first.sasl_credentials()["password"]
    other_home = LocalBroker(home=tmp_path / "other", sasl=True)
    assert other_home.sasl_credentials()["password"] != first.sasl_credentials()["password"]
    with pytest.raises(BrokerError):
        LocalBroker(home=tmp_path).sasl_credentials()


def test_cluster_id_looks_like_kafkas() -> None:
    ids = {_new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]{21}", i) for i in ids)


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "21" 2023-09-19', 21),
        ("garbage", None),
    ],
)
def test_java_major(output: str, major: int | None) -> None:
    assert _java_major(output) == major


def _fake_broker(response_brokers: list[tuple[int, str, int]]) -> tuple[socket.socket, list]:
    """A one-shot TCP server answering a Metadata v1 request like a broker would."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    seen: list = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            size = struct.unpack(">i", conn.recv(4))[0]
            req = b""
            while len(req) < size:
                req += conn.recv(size - len(req))
            api_key, version, corr = struct.unpack_from(">hhi", req)
            seen.append((api_key, version))
            body = struct.pack(">ii", corr, len(response_brokers))
            for node, host, port in response_brokers:
                raw = host.encode()
                body += struct.pack(">ih", node, len(raw)) + raw + struct.pack(">ih", port, -1)
            body += struct.pack(">ii", 1, 0)  # controller id, no topics
            conn.sendall(struct.pack(">i", len(body)) + body)

    threading.Thread(target=serve, daemon=True).start()
    return server, seen


def test_probe_metadata_parses_brokers() -> None:
    server, seen = _fake_broker([(1, "127.0.0.1", 9092), (2, "kafka-2.local", 9094)])
    with server:
        brokers = probe_metadata("127.0.0.1", server.getsockname()[1])
    assert brokers == [(1, "127.0.0.1", 9092), (2, "kafka-2.local", 9094)]
    assert seen == [(3, 1)]  # Metadata, version 1


def test_probe_metadata_fails_on_closed_port() -> None:
    port = find_free_port_block(1)
    with pytest.raises(OSError):
        probe_metadata("127.0.0.1", port, timeout=0.5)


def test_free_port_block_is_free_and_below_ephemeral_range() -> None:
    low = _ephemeral_low()
    for _ in range(20):
        base = find_free_port_block()
        assert base + 3 < low  # outgoing connections cannot have taken these ports
        for p in range(base, base + 4):
            with socket.socket() as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", p))
