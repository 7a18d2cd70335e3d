"""Fixtures for tests against the real broker: worker processes, producing, reading topics."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Deployment:
    """One isolated Hasila deployment on the shared broker: its own prefix, app id and state dir."""

    bootstrap: str
    prefix: str
    app_id: str
    base_dir: Path
    partitions: int = 3
    store: str = "memory://"
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: list[subprocess.Popen] = field(default_factory=list)

    def env(self, index: int = 0, web_port: int | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "HASILA_BROKER": f"kafka://{self.bootstrap}",
            "HASILA_TOPIC_PREFIX": self.prefix,
            "HASILA_APP_ID": self.app_id,
            "HASILA_PARTITIONS": str(self.partitions),
            "HASILA_STORE": self.store,
            "HASILA_DATA_DIR": str(self.base_dir / f"worker-{index}"),
            "HASILA_WEB_PORT": str(web_port or free_port()),
            "HASILA_LOG_LEVEL": os.environ.get("HASILA_TEST_LOG_LEVEL", "warning"),
        })
        env.update(self.extra_env)
        return env

    def topic(self, logical: str) -> str:
        return f"{self.prefix}{logical}"

    def start_worker(self, index: int = 0, wait: bool = True) -> subprocess.Popen:
        port = free_port()
        log = (self.base_dir / f"worker-{index}.log").open("ab")
        proc = subprocess.Popen([sys.executable, "-m", "streams", "worker"], env=self.env(index, port),
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        proc.web_port = port  # type: ignore[attr-defined]
        proc.index = index  # type: ignore[attr-defined]
        self.workers.append(proc)
        if wait:
            wait_ready(proc, port, self.base_dir / f"worker-{index}.log")
        return proc

    def stop_all(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def log_tail(self, index: int = 0, lines: int = 60) -> str:
        path = self.base_dir / f"worker-{index}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_ready(proc: subprocess.Popen, port: int, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"worker exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"worker not ready after {timeout}s:\n{log.read_text(errors='replace')[-4000:]}")


async def produce(bootstrap: str, topic: str, records: Iterable[tuple[bytes | None, bytes]],
                  partition: int | None = None) -> None:
    """Send (key, value) pairs and wait until the broker acknowledged all of them."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=16 * 1024 * 1024)
    await producer.start()
    try:
        futures = [await producer.send(topic, value, key=key, partition=partition) for key, value in records]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def read_topic(bootstrap: str, topic: str, *, until: Callable[[list], bool],
                     timeout: float = 60.0, partial: bool = False, **client: object) -> list:
    """Read a topic from the beginning until ``until(messages)`` is true; returns the messages.

    On timeout raise, or with ``partial`` return what was read (for a precise assertion after).
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False, fetch_max_bytes=32 * 1024 * 1024,
                                max_partition_fetch_bytes=16 * 1024 * 1024, **client)
    await consumer.start()
    messages: list = []
    try:
        deadline = time.monotonic() + timeout
        tps: list[TopicPartition] = []
        while time.monotonic() < deadline and not tps:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic)
            tps = [TopicPartition(topic, p) for p in sorted(parts or [])]
            if not tps:
                await asyncio.sleep(0.3)
        if tps:
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
        while time.monotonic() < deadline:
            if until(messages):
                return messages
            if not tps:
                break
            batch = await consumer.getmany(timeout_ms=300)
            for recs in batch.values():
                messages.extend(recs)
        if until(messages) or partial:
            return messages
        raise TimeoutError(f"{topic}: condition not met after {timeout}s with {len(messages)} messages")
    finally:
        await consumer.stop()


def values(messages: list) -> list[dict]:
    return [orjson.loads(m.value) for m in messages]


def latest(records: Iterable[dict], key: str, version: str = "version") -> dict[str, dict]:
    """The latest version of each record by ``key``: what a compacted topic settles to."""
    out: dict[str, dict] = {}
    for r in records:
        k = r[key]
        if k not in out or r[version] >= out[k][version]:
            out[k] = r
    return out


@pytest.fixture
def deployment(kafka_broker, tmp_path):
    """A fresh deployment (unique topic prefix and app id) on the session broker; workers stopped after."""
    tag = uuid.uuid4().hex[:8]
    dep = Deployment(bootstrap=kafka_broker.bootstrap, prefix=f"t{tag}.", app_id=f"hasila-t{tag}",
                     base_dir=tmp_path)
    yield dep
    dep.stop_all()
