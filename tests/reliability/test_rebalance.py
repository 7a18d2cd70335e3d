"""Two workers share the partitions; one is SIGKILLed mid-stream and the other takes its partitions over."""

from __future__ import annotations

import asyncio
import os
import random

import pytest

from .conftest import new_deployment
from .harness import (
    assert_undisturbed,
    feed,
    log_tails,
    match_supervised,
    sigkill,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


async def test_killed_worker_partitions_move_without_loss_or_double_count(
    kafka_broker, tmp_path, corpus, expected
):
    exp_incidents, exp_totals = expected
    dep = new_deployment(kafka_broker.bootstrap, tmp_path, partitions=4, store="rocksdb://")
    seed = int(os.environ.get("HASILA_FAULT_SEED") or random.randrange(1 << 16))
    rng = random.Random(seed)
    try:
        dep.start_worker(0)
        victim = dep.start_worker(1)
        feeding = asyncio.create_task(feed(dep, corpus))
        await asyncio.sleep(rng.uniform(4.0, 10.0))
        assert victim.poll() is None, "worker 1 died on its own:\n" + log_tails(dep, [1])
        sigkill(victim)
        await feeding
        out, stalls = await match_supervised(
            dep, exp_incidents, exp_totals, indexes=[0], label=f"rebalance seed={seed}", timeout=210)
        survivor = next(p for p in reversed(dep.workers) if p.index == 0)
        print(
            f"\n[rebalance seed={seed}] {len(corpus)} articles, 2 workers, 1 SIGKILLed, "
            f"watchdog restarts={stalls}, match={out.matched} after {out.seconds:.0f}s of waiting; "
            f"{out.counts()}"
        )
        assert_undisturbed(out, exp_incidents, exp_totals, dep=dep, indexes=[0, 1],
                           what=f"seed {seed}: after the rebalance")
        assert survivor.poll() is None, "the surviving worker must still run:\n" + log_tails(dep, [0])
    finally:
        dep.stop_all()

