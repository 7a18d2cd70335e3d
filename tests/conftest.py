"""Session fixtures shared by every test directory.

The real Kafka broker is started once per test session, only when a test
marked ``kafka`` asks for it, on free ports in a temporary home; the jars
are cached in ``.hasila/kafka-libs`` so only the first run on a machine
downloads them. It is stopped at the end, pass or fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.integration.fixtures"]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory):
    """A running single-node KRaft broker (``streams.broker.LocalBroker``)."""
    from streams.broker import LocalBroker, find_free_port_block

    libs = Path(os.environ.get("HASILA_KAFKA_LIBS", ROOT / ".hasila" / "kafka-libs"))
    home = tmp_path_factory.mktemp("kafka")
    broker = LocalBroker(home=home, port=find_free_port_block(3), libs=libs)
    broker.start(timeout=180)
    try:
        yield broker
    finally:
        broker.stop()
