"""A worker whose input stops reaching its agents ends itself; restarted, it reaches the exact result.

The stall is injected the way Faust leaves a stalled worker (the partitions out of the
fetcher's active set, ``HASILA_DEBUG_PAUSE``): the worker keeps its assignment, heartbeats
and serves /health, while its input waits. The watchdog (streams/watchdog.py) must notice,
log the consumer's state and exit with status 75; the restart (what compose, Kubernetes or
``hasila demo`` do on that status) must then give the undisturbed result.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from .conftest import new_deployment
from .harness import (
    STALL_EXIT,
    assert_undisturbed,
    feed,
    log_tails,
    wait_for_match,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

STALL_SECONDS = 10


async def test_stalled_worker_exits_for_its_supervisor_and_the_restart_is_exact(
    kafka_broker, tmp_path, corpus, expected
):
    exp_incidents, exp_totals = expected
    dep = new_deployment(kafka_broker.bootstrap, tmp_path, partitions=4, store="rocksdb://")
    dep.extra_env.update({"HASILA_STALL_SECONDS": str(STALL_SECONDS),
                          "HASILA_DEBUG_PAUSE": "casualties.mentions@2"})
    try:
        worker = dep.start_worker(0)
        feeding = asyncio.create_task(feed(dep, corpus))
        deadline = time.monotonic() + 120
        while worker.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(1)
        await feeding
        assert worker.returncode == STALL_EXIT, (
            f"the watchdog did not end the stalled worker (status {worker.returncode}):\n"
            + log_tails(dep, [0]))
        stall_lines = log_tails(dep, [0], lines=5, grep="STALL:")
        assert "casualties.mentions[" in stall_lines, stall_lines
        # The report carries the evidence: the paused partitions and the consumer's flow.
        assert "'paused': ['" in stall_lines and "'flow_active': True" in stall_lines, stall_lines
        # ... and aiokafka's own view of each stalled partition (its fetch position).
        assert "'fetcher': {" in stall_lines and " valid=True " in stall_lines, stall_lines
        assert "articles.raw[" not in stall_lines.split("worker state")[0], (
            "only the paused topic may be reported stalled:\n" + stall_lines)

        del dep.extra_env["HASILA_DEBUG_PAUSE"]
        await asyncio.to_thread(dep.start_worker, 0)
        out = await wait_for_match(dep, exp_incidents, exp_totals, timeout=180, settle=5)
        print(f"\n[stall watchdog] worker ended with status {worker.returncode}, restarted; "
              f"match={out.matched} after {out.seconds:.0f}s; {out.counts()}")
        assert_undisturbed(out, exp_incidents, exp_totals, dep=dep, indexes=[0],
                           what="after the watchdog's restart")
    finally:
        dep.stop_all()
