"""SIGKILL the worker at random moments while it processes a stream; the final result must not change."""

from __future__ import annotations

import asyncio
import os
import random

import pytest

from .conftest import new_deployment
from .harness import (
    assert_undisturbed,
    feed,
    match_supervised,
    sigkill,
    supervise,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

KILLS = 4


@pytest.mark.parametrize(
    "store",
    [
        "rocksdb://",
        "memory://",
    ],
)
async def test_sigkilled_worker_restarts_to_the_undisturbed_result(
    kafka_broker, tmp_path, corpus, expected, store
):
    exp_incidents, exp_totals = expected
    dep = new_deployment(kafka_broker.bootstrap, tmp_path, partitions=4, store=store)
    seed = int(os.environ.get("HASILA_FAULT_SEED") or random.randrange(1 << 16))
    rng = random.Random(seed)
    try:
        dep.start_worker(0)
        feeding = asyncio.create_task(feed(dep, corpus))
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(2.0, 8.0))
            # A watchdog exit (a stall) is restarted as a supervisor would; any other death fails.
            await asyncio.to_thread(supervise, dep, 0, f"{store} seed={seed}")
            sigkill(dep.workers[-1])
            await asyncio.to_thread(dep.start_worker, 0)
        await feeding
        out, stalls = await match_supervised(
            dep, exp_incidents, exp_totals, indexes=[0], label=f"{store} seed={seed}", timeout=240)
        print(
            f"\n[{store} seed={seed}] {len(corpus)} articles, {KILLS} SIGKILLs, watchdog restarts={stalls}, "
            f"match={out.matched} "
            f"after {out.seconds:.0f}s of waiting; {out.counts()}"
        )
        assert_undisturbed(out, exp_incidents, exp_totals, dep=dep, indexes=[0],
                           what=f"seed {seed}: after {KILLS} kills")
    finally:
        dep.stop_all()
