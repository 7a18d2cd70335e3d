"""What the fault-injection runs share: the expected result, reading topics to their end, comparing, killing.

The comparison is the issue's criterion: the final standing incidents (latest
version per id, not merged) and the final non-zero aggregates (latest version
per key) of the stream must equal those of :func:`streams.batch.run_batch` on
the same input, and no two different records may share an (id, version).
Aggregates that settle to all zeros are left out on both sides: whether a
bucket an incident passed through is emitted with zeros depends on arrival
order, and a consumer reads a missing key and a zero one alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.integration.fixtures import Deployment, produce

INCIDENT_FIELDS = ("kind", "region", "event_date", "count_best", "count_min", "count_max", "victim")
AGGREGATE_FIELDS = ("killed", "injured", "incidents", "unquantified", "by_victim")


def standing(incidents: Iterable[dict]) -> dict[str, tuple]:
    """Latest version of each incident id, not merged: what it says and which articles it rests on."""
    latest: dict[str, dict] = {}
    for rec in incidents:
        cur = latest.get(rec["incident_id"])
        if cur is None or rec["version"] >= cur["version"]:
            latest[rec["incident_id"]] = rec
    return {
        k: (*tuple(orjson.dumps(v[f]) for f in INCIDENT_FIELDS), tuple(sorted(v["article_ids"])))
        for k, v in latest.items()
        if v["status"] != "merged"
    }


def totals(aggregates: Iterable[dict]) -> dict[str, tuple]:
    """Latest version of each aggregate key, the keys whose counts are all zero left out."""
    latest: dict[str, dict] = {}
    for rec in aggregates:
        cur = latest.get(rec["key"])
        if cur is None or rec["version"] >= cur["version"]:
            latest[rec["key"]] = rec
    out = {}
    for k, v in latest.items():
        if v["killed"] or v["injured"] or v["incidents"] or v["unquantified"]:
            out[k] = tuple(orjson.dumps(v.get(f)) for f in AGGREGATE_FIELDS)
    return out


def version_conflicts(records: Iterable[dict], key: str) -> list[tuple[str, int]]:
    """(key, version) pairs carried by two records that differ: a version number reused for other content."""
    seen: dict[tuple[str, int], bytes] = {}
    conflicts = []
    for rec in records:
        kv = (rec[key], rec["version"])
        body = orjson.dumps(rec, option=orjson.OPT_SORT_KEYS)
        if kv in seen and seen[kv] != body:
            conflicts.append(kv)
        seen.setdefault(kv, body)
    return conflicts


def diff(expected: dict, got: dict, limit: int = 5) -> str:
    """A short human-readable difference of two summaries."""
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    changed = sorted(k for k in set(expected) & set(got) if expected[k] != got[k])
    lines = [
        f"missing {len(missing)}: {missing[:limit]}",
        f"extra {len(extra)}: {extra[:limit]}",
        f"different {len(changed)}:",
    ]
    for k in changed[:limit]:
        lines.append(f"  {k}: expected {expected[k]}\n  {' ' * len(k)}  got      {got[k]}")
    return "\n".join(lines)


async def snapshot(bootstrap: str, topic: str) -> list[dict]:
    """Every record of ``topic`` up to its current end, decoded."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_bytes=32 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        request_timeout_ms=15000,
    )
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic)
        if not parts:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        records: list[dict] = []
        remaining = {tp for tp in tps if ends[tp] > 0}
        deadline = time.monotonic() + 60
        while remaining and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, msgs in batch.items():
                for m in msgs:
                    if m.offset < ends[tp]:
                        records.append(orjson.loads(m.value))
                if msgs and msgs[-1].offset >= ends[tp] - 1:
                    remaining.discard(tp)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return records
    finally:
        await consumer.stop()


@dataclass
class Outcome:
    """The stream's output once it matched (or at the deadline), with counts for the report."""

    matched: bool
    incidents: list[dict] = field(default_factory=list)
    aggregates: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        inc_keys = {(r["incident_id"], r["version"]) for r in self.incidents}
        agg_keys = {(r["key"], r["version"]) for r in self.aggregates}
        return {
            "incident_records": len(self.incidents),
            "incident_versions": len(inc_keys),
            "aggregate_records": len(self.aggregates),
            "aggregate_versions": len(agg_keys),
        }


async def wait_for_match(
    dep: Deployment, exp_incidents: dict, exp_totals: dict, *, timeout: float, settle: float = 0.0
) -> Outcome:
    """Poll the output topics until both summaries equal the expected ones (or the timeout)."""
    started = time.monotonic()
    deadline = started + timeout
    out = Outcome(False)
    while True:
        out.incidents = await snapshot(dep.bootstrap, dep.topic("casualties.incidents"))
        out.aggregates = await snapshot(dep.bootstrap, dep.topic("casualties.aggregates"))
        if standing(out.incidents) == exp_incidents and totals(out.aggregates) == exp_totals:
            if settle:
                # Matched once: keep reading a little, a late duplicate or stray version must not follow.
                await asyncio.sleep(settle)
                out.incidents = await snapshot(dep.bootstrap, dep.topic("casualties.incidents"))
                out.aggregates = await snapshot(dep.bootstrap, dep.topic("casualties.aggregates"))
            out.matched = True
            out.seconds = time.monotonic() - started
            return out
        if time.monotonic() > deadline:
            out.seconds = time.monotonic() - started
            return out
        await asyncio.sleep(3)


#: Exit status of a worker whose watchdog found a stall (streams.app.STALL_EXIT_STATUS).
STALL_EXIT = 75
#: The reliability runs' stall threshold (HASILA_STALL_SECONDS; production default 120): above
#: the 60 s a rebalance may legitimately take (Faust's broker_rebalance_timeout), so a restart
#: in these runs is a real stall, not an impatient supervisor.
STALL_SECONDS = 75


def supervise(dep: Deployment, index: int, label: str) -> int:
    """Restart worker ``index`` if its watchdog ended it (status 75), as its supervisor would.

    Returns how many restarts that took (0 or 1). A worker that exited with any other status
    died on its own, which fails the test.
    """
    current = next((p for p in reversed(dep.workers) if getattr(p, "index", None) == index), None)
    if current is None or current.poll() is None:
        return 0
    assert current.returncode == STALL_EXIT, (
        f"[{label}] worker-{index} died on its own (status {current.returncode}):\n"
        + log_tails(dep, [index]))
    print(f"\n[{label}] STALLED: worker-{index}'s watchdog ended it; restarting it\n"
          + log_tails(dep, [index], lines=8, grep="STALL"))
    dep.start_worker(index)
    return 1


async def match_supervised(
    dep: Deployment, exp_incidents: dict, exp_totals: dict, *, indexes: Iterable[int], label: str,
    timeout: float, settle: float = 5.0,
) -> tuple[Outcome, int]:
    """Wait for the undisturbed result while supervising the workers; returns it and the restarts.

    The stall is the open liveness bug of docs/reliability.md ("Open"): after a rebalance a
    worker sometimes stops receiving records, idle, with its agents waiting for input. The
    worker's own watchdog (streams/watchdog.py, ``HASILA_STALL_SECONDS``) must notice it and
    exit with status 75; this loop plays the supervisor and starts it again. The exact
    result is still required afterwards, so a lost or double-counted record fails the test,
    and so does a stall the watchdog misses (no match by the deadline).
    """
    started = time.monotonic()
    restarts = 0
    while True:
        remaining = timeout - (time.monotonic() - started)
        out = await wait_for_match(dep, exp_incidents, exp_totals, timeout=min(10.0, max(0.0, remaining)),
                                   settle=settle)
        if out.matched or remaining <= 0:
            out.seconds = time.monotonic() - started
            return out, restarts
        for index in indexes:
            restarts += await asyncio.to_thread(supervise, dep, index, label)


def assert_undisturbed(out: Outcome, exp_incidents: dict, exp_totals: dict, *, dep: Deployment,
                       indexes: Iterable[int], what: str) -> None:
    """The issue's criterion: the stream's final result equals the batch run's, exactly.

    On failure the message shows the differing keys and the workers' log tails. Aggregate
    versions must be unique; incident versions may repeat with other content after a dedup
    replay (two inputs, no fixed interleaving; docs/reliability.md "Versions after a replay"):
    consumers take the later record, and :func:`standing` reads them that way, so their
    reuse is only counted.
    """
    assert out.matched, (
        f"{what} the stream differs from the batch run\nincidents: "
        f"{diff(exp_incidents, standing(out.incidents))}\naggregates: "
        f"{diff(exp_totals, totals(out.aggregates))}\n{log_tails(dep, indexes)}"
    )
    assert standing(out.incidents) == exp_incidents and totals(out.aggregates) == exp_totals
    print(f"reused incident versions: {len(version_conflicts(out.incidents, 'incident_id'))}")
    assert version_conflicts(out.aggregates, "key") == []


async def feed(dep: Deployment, lines: list[bytes], chunk: int = 150, pause: float = 0.5) -> None:
    """Produce the input in chunks with pauses, so faults land while articles are still arriving."""
    topic = dep.topic("articles.raw")
    for start in range(0, len(lines), chunk):
        part = lines[start : start + chunk]
        await produce(dep.bootstrap, topic, [(orjson.loads(line)["id"].encode(), line) for line in part])
        await asyncio.sleep(pause)


def sigkill(proc: subprocess.Popen) -> None:
    """SIGKILL the worker's whole process group (it runs in its own session) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the worker and reap it; SIGKILL when it does not stop within 20 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        sigkill(proc)


def log_tails(dep: Deployment, indexes: Iterable[int], lines: int = 30, grep: str = "") -> str:
    """The end of each worker's log (only lines with ``grep``), without Faust's buffer chatter."""
    out = []
    for i in indexes:
        kept = [x for x in dep.log_tail(i, 2000).splitlines()
                if "producer buffer full" not in x and grep in x]
        out.append(f"--- worker-{i} log tail ---\n" + "\n".join(kept[-lines:]))
    return "\n".join(out)
