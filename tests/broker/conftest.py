"""Fixtures for the local-broker tests: brokers on free ports in temporary homes.

The jars are shared with the session broker of tests/conftest.py (``$HASILA_KAFKA_LIBS`` or
``.hasila/kafka-libs``), so only the very first run on a machine downloads them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.broker import ENV_LIBS, LocalBroker, find_free_port_block, project_root


def _shared_libs() -> Path:
    env = os.environ.get(ENV_LIBS)
    return Path(env) if env else project_root() / ".hasila" / "kafka-libs"


@pytest.fixture
def make_broker(tmp_path: Path) -> Iterator[Callable[..., LocalBroker]]:
    """Factory of brokers on fresh free ports; every broker it made is stopped afterwards."""
    made: list[LocalBroker] = []

    def make(name: str = "kafka", **kwargs: object) -> LocalBroker:
        kwargs.setdefault("libs", _shared_libs())
        kwargs.setdefault("port", find_free_port_block())
        broker = LocalBroker(home=tmp_path / name, **kwargs)
        made.append(broker)
        return broker

    yield make
    for broker in made:
        broker.stop()


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    """One broker with SASL_PLAINTEXT and SASL_SSL listeners, shared by a module's tests."""
    broker = LocalBroker(
        home=tmp_path_factory.mktemp("kafka-sasl"),
        port=find_free_port_block(),
        libs=_shared_libs(),
        sasl=True,
        tls=True,
    )
    broker.start(timeout=120)
    try:
        yield broker
    finally:
        broker.stop()
