"""The broker stops and starts again mid-stream (its own broker: the session's one is shared)."""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

import pytest

from streams.broker import LocalBroker, find_free_port_block

from .conftest import new_deployment
from .harness import assert_undisturbed, feed, match_supervised

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_broker(tmp_path_factory):
    libs = Path(os.environ.get("HASILA_KAFKA_LIBS", ROOT / ".hasila" / "kafka-libs"))
    broker = LocalBroker(home=tmp_path_factory.mktemp("kafka-own"), port=find_free_port_block(3), libs=libs)
    broker.start(timeout=180)
    try:
        yield broker
    finally:
        broker.stop()


async def test_broker_restart_mid_stream_changes_nothing(own_broker, tmp_path, corpus, expected):
    exp_incidents, exp_totals = expected
    dep = new_deployment(own_broker.bootstrap, tmp_path, partitions=4, store="rocksdb://")
    seed = int(os.environ.get("HASILA_FAULT_SEED") or random.randrange(1 << 16))
    rng = random.Random(seed)
    restarts = 0
    try:
        dep.start_worker(0)
        half = len(corpus) // 2
        await feed(dep, corpus[:half])
        await asyncio.sleep(rng.uniform(1.0, 5.0))
        await asyncio.to_thread(own_broker.stop)
        await asyncio.sleep(rng.uniform(2.0, 8.0))
        await asyncio.to_thread(own_broker.start, 180)
        await feed(dep, corpus[half:])
        # A worker that gave up while the broker was away is restarted, as its supervisor would.
        for _ in range(3):
            await asyncio.sleep(15)
            if dep.workers[-1].poll() is not None:
                restarts += 1
                await asyncio.to_thread(dep.start_worker, 0)
        out, stalls = await match_supervised(dep, exp_incidents, exp_totals, indexes=[0],
                                             label=f"broker restart seed={seed}", timeout=240)
        restarts += stalls
        print(
            f"\n[broker restart seed={seed}] {len(corpus)} articles, 1 broker stop/start, "
            f"worker restarts by supervisor: {restarts}, match={out.matched} after {out.seconds:.0f}s; "
            f"{out.counts()}"
        )
        assert_undisturbed(out, exp_incidents, exp_totals, dep=dep, indexes=[0],
                           what=f"seed {seed}: after the broker restart")
    finally:
        dep.stop_all()
