"""Two workers share the partitions; one is SIGKILLed mid-stream and the other takes its partitions over."""

from __future__ import annotations

import asyncio
import os
import random

import pytest

from .conftest import new_deployment
from .harness import (
    diff,
    feed,
    log_tails,
    sigkill,
    snapshot,
    standing,
    stop,
    totals,
    version_conflicts,
    wait_for_match,
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
        out = await wait_for_match(dep, exp_incidents, exp_totals, timeout=150, settle=5)
        survivor = dep.workers[0]
        stalled = False
        if not out.matched and await _no_progress(dep, out, seconds=30):
            # The open liveness bug of docs/reliability.md: the survivor stopped processing after
            # the rebalance. Apply the documented remedy (HasilaPartitionStuck: restart the
            # worker) and still require the exact result: nothing lost, nothing counted twice.
            stalled = True
            print(f"\n[rebalance seed={seed}] STALLED after the rebalance; restarting the survivor\n"
                  + log_tails(dep, [0]))
            stop(survivor)
            survivor = dep.start_worker(0)
            out = await wait_for_match(dep, exp_incidents, exp_totals, timeout=180, settle=5)
        print(
            f"\n[rebalance seed={seed}] {len(corpus)} articles, 2 workers, 1 SIGKILLed, "
            f"stalled={stalled}, match={out.matched} after {out.seconds:.0f}s of waiting; {out.counts()}"
        )
        assert out.matched, (
            f"seed {seed}: after the rebalance the stream differs from the batch run\nincidents: "
            f"{diff(exp_incidents, standing(out.incidents))}\naggregates: "
            f"{diff(exp_totals, totals(out.aggregates))}\n{log_tails(dep, [0, 1])}"
        )
        assert survivor.poll() is None, "the surviving worker must still run:\n" + log_tails(dep, [0])
        assert version_conflicts(out.incidents, "incident_id") == []
        assert version_conflicts(out.aggregates, "key") == []
    finally:
        dep.stop_all()


async def _no_progress(dep, out, seconds: float) -> bool:
    """The output topics did not grow for ``seconds`` (a stalled worker, not a slow one)."""
    before = (len(out.incidents), len(out.aggregates))
    await asyncio.sleep(seconds)
    after = (len(await snapshot(dep.bootstrap, dep.topic("casualties.incidents"))),
             len(await snapshot(dep.bootstrap, dep.topic("casualties.aggregates"))))
    return after == before
