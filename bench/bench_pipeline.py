"""End-to-end benchmark of the Hasila worker on a local broker, against two baselines in the same run.

Why: "1,000 articles/s on two cores" only means something next to what the
same machine and broker do with no casualty logic at all. One run measures,
on the same broker and the same synthetic articles (:mod:`synthetic`):

(a) raw aiokafka pass-through (consume → produce, one process);
(b) a Faust agent that decodes JSON and forwards (``bench/faust_forward.py``);
(c) the Hasila worker (``python -m streams worker``): articles.raw → aggregates.

Throughput: the input topic is filled first, then the processor drains it;
rate = records / (last output CreateTime − first output CreateTime), so start-up
and rebalancing are not counted and every processor is timed the same way.
Latency (pipeline only): a paced run at ``--rate`` articles/s while the worker
is idle otherwise; each article's event has a unique (governorate, day), so the
first record on ``casualties.aggregates`` with key ``<admin1>|day:<date>`` is
its effect; latency = time that record is consumed − time the article was sent.

    .venv/bin/python bench/bench_pipeline.py                # ~2-3 minutes
    .venv/bin/python bench/bench_pipeline.py --events 3000 --json out.json
    .venv/bin/python bench/bench_pipeline.py --bootstrap 127.0.0.1:9092   # an existing broker
    .venv/bin/python bench/bench_pipeline.py --profile-only  # offline cProfile of the core
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import logging
import os
import pstats
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

logging.getLogger("aiokafka").setLevel(logging.ERROR)
ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


# --- small helpers shared with soak.py ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def rss_kib(pid: int) -> int | None:
    """Resident set size of a process from /proc (KiB), None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def box_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine so far (/proc/stat): is the box saturated?"""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds a process has used so far (/proc/<pid>/stat), None once it is gone."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch(port: int, path: str) -> bytes:
    """GET a path of a worker's web server."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
        return resp.read()


def scrape(port: int) -> str:
    return fetch(port, "/metrics").decode()


def metric_sum(text: str, name: str) -> float:
    """Sum of every sample of one metric family in Prometheus text format."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and (line[len(name)] in " {"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def metric_max(text: str, name: str) -> float:
    values = [
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and line[len(name)] in " {"
    ]
    return max(values, default=0.0)


def start_broker(home: Path) -> tuple[object, str]:
    """A throw-away LocalBroker reusing the project's downloaded jars."""
    from streams.broker import LocalBroker, find_free_port_block

    port = find_free_port_block(3)
    libs = ROOT / ".hasila" / "kafka-libs"
    broker = LocalBroker(home=home, port=port, libs=libs if libs.exists() else None)
    broker.start()
    return broker, broker.bootstrap


async def create_topics(bootstrap: str, names: list[str], partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, partitions, 1) for n in names])
    finally:
        await admin.close()
    # Leaders are elected asynchronously: wait until every partition has one, so the
    # first produce does not bounce off NotLeaderForPartition.
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await probe.start()
    try:
        for _ in range(100):
            await probe._client.force_metadata_update()
            meta = probe._client.cluster
            if all(
                len(meta.partitions_for_topic(n) or ()) == partitions
                and all(
                    meta.leader_for_partition(TopicPartition(n, p)) not in (None, -1)
                    for p in range(partitions)
                )
                for n in names
            ):
                return
            await asyncio.sleep(0.2)
    finally:
        await probe.stop()


async def produce_all(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> float:
    """Send every record, wait for the acks; returns records/s of the producer alone."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=5, max_batch_size=512 * 1024)
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [await producer.send(topic, value, key=key) for key, value in records]
        await asyncio.gather(*futures)
        return len(records) / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def _consumer(bootstrap: str, topics: list[str], from_end: bool) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="latest" if from_end else "earliest",
        fetch_max_bytes=32 * 1024 * 1024,
    )
    await consumer.start()
    tps: list[TopicPartition] = []
    for topic in topics:
        parts = None
        for _ in range(100):
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic)
            if parts:
                break
            await asyncio.sleep(0.3)
        tps += [TopicPartition(topic, p) for p in sorted(parts or [])]
    consumer.assign(tps)
    if from_end:
        await consumer.seek_to_end(*tps)
    else:
        await consumer.seek_to_beginning(*tps)
    return consumer


async def end_offsets(bootstrap: str, topics: list[str]) -> int:
    """Total number of records in the topics (sum of high watermarks)."""
    consumer = await _consumer(bootstrap, topics, from_end=False)
    try:
        ends = await consumer.end_offsets(list(consumer.assignment()))
        return sum(ends.values())
    finally:
        await consumer.stop()


async def group_lag(bootstrap: str, group: str, topics: list[str]) -> dict[str, tuple[int, int]]:
    """Per topic (committed offsets, lag) of a consumer group, measured from outside the worker.

    Why not the worker's own gauge: this works whatever state the worker is in
    and needs no web server; Faust commits every few seconds, so lag reads a
    little high (by up to one commit interval of input).
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    consumer = await _consumer(bootstrap, topics, from_end=False)
    try:
        ends = await consumer.end_offsets(list(consumer.assignment()))
    finally:
        await consumer.stop()
    out = {}
    for topic in topics:
        done = sum(max(0, committed[tp].offset) for tp in ends if tp.topic == topic and tp in committed)
        high = sum(v for tp, v in ends.items() if tp.topic == topic)
        out[topic] = (done, high - done)
    return out


async def timestamps(bootstrap: str, topics: list[str]) -> list[int]:
    """CreateTime (ms) of every record in the topics, read to their current end."""
    consumer = await _consumer(bootstrap, topics, from_end=False)
    out: list[int] = []
    try:
        ends = await consumer.end_offsets(list(consumer.assignment()))
        want = sum(ends.values())
        while len(out) < want:
            batch = await consumer.getmany(timeout_ms=500)
            for recs in batch.values():
                out.extend(r.timestamp for r in recs)
        return out
    finally:
        await consumer.stop()


def rate_from(ts_first: list[int], ts_last: list[int], count: int) -> tuple[float, float]:
    """(records/s, seconds) between the first output of the first hop and the last of the last."""
    seconds = (max(ts_last) - min(ts_first)) / 1000.0
    return (count / seconds if seconds > 0 else float("inf")), seconds


# --- processes ---------------------------------------------------------------------------------


@dataclass
class Worker:
    """A Hasila worker subprocess with its own prefix, app id and web port."""

    bootstrap: str
    base: Path
    partitions: int
    prefix: str = field(default_factory=lambda: f"b{uuid.uuid4().hex[:8]}.")
    proc: subprocess.Popen | None = None
    port: int = 0
    extra: list = field(default_factory=list)
    env: dict = field(default_factory=dict)  # extra environment (HASILA_PROFILE, MALLOC_ARENA_MAX...)

    def topic(self, logical: str) -> str:
        return f"{self.prefix}{logical}"

    @property
    def group(self) -> str:
        """The worker's consumer group (its Faust app id)."""
        return f"hasila-{self.prefix.rstrip('.')}"

    def start(self, store: str = "memory://", timeout: float = 120, index: int = 0) -> None:
        """Start the worker; ``index`` > 0 starts one more process of the same group."""
        port = free_port()
        if index == 0:
            self.port = port
        env = dict(os.environ)
        env.update(
            {
                "HASILA_BROKER": f"kafka://{self.bootstrap}",
                "HASILA_TOPIC_PREFIX": self.prefix,
                "HASILA_APP_ID": self.group,
                "HASILA_PARTITIONS": str(self.partitions),
                "HASILA_STORE": store,
                "HASILA_DATA_DIR": str(self.base / f"{self.prefix}data{index}"),
                "HASILA_WEB_PORT": str(port),
                "HASILA_LOG_LEVEL": "warning",
            }
        )
        env.update({k: v.replace("{index}", str(index)) for k, v in self.env.items()})
        log = self.base / f"{self.prefix}worker{index}.log"
        if index == 0:
            self.log = log
        proc = subprocess.Popen(
            [PYTHON, "-m", "streams", "worker"],
            env=env,
            cwd=ROOT,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if index == 0:
            self.proc = proc
        else:
            self.extra.append(proc)
        wait_http(proc, f"http://127.0.0.1:{port}/health", log, timeout)

    def stop(self) -> None:
        for proc in self.extra:
            stop_proc(proc)
        stop_proc(self.proc)

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def wait_http(proc: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"process exited {proc.returncode}:\n{tail}")
        with suppress(OSError), urllib.request.urlopen(url, timeout=2) as resp:
            if resp.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"not ready after {timeout}s: {url}\n{log.read_text(errors='replace')[-3000:]}")


def stop_proc(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


# --- the three throughput measurements --------------------------------------------------------


async def run_raw(bootstrap: str, records: list[tuple[bytes, bytes]], partitions: int) -> dict:
    """(a) one process: aiokafka consumer → producer, no decoding."""
    tag = uuid.uuid4().hex[:8]
    src, dst = f"raw{tag}.in", f"raw{tag}.out"
    await create_topics(bootstrap, [src, dst], partitions)
    await produce_all(bootstrap, src, records)
    consumer = await _consumer(bootstrap, [src], from_end=False)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=5, max_batch_size=512 * 1024)
    await producer.start()
    moved = 0
    try:
        while moved < len(records):
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            futures = [await producer.send(dst, r.value, key=r.key) for recs in batch.values() for r in recs]
            moved += len(futures)
        await producer.flush()
    finally:
        await producer.stop()
        await consumer.stop()
    ts = await timestamps(bootstrap, [dst])
    rate, seconds = rate_from(ts, ts, len(ts))
    return {"name": "raw aiokafka pass-through", "records": len(ts), "seconds": seconds, "rate": rate}


async def run_faust(bootstrap: str, records: list[tuple[bytes, bytes]], partitions: int, base: Path) -> dict:
    """(b) Faust agent: orjson decode + forward, as its own worker process."""
    tag = uuid.uuid4().hex[:8]
    src, dst = f"fst{tag}.in", f"fst{tag}.out"
    await create_topics(bootstrap, [src, dst], partitions)
    await produce_all(bootstrap, src, records)
    port = free_port()
    env = dict(
        os.environ,
        BENCH_BROKER=bootstrap,
        BENCH_APP_ID=f"fwd{tag}",
        BENCH_IN=src,
        BENCH_OUT=dst,
        BENCH_PARTITIONS=str(partitions),
        BENCH_DATA_DIR=str(base / f"fwd{tag}"),
        BENCH_WEB_PORT=str(port),
    )
    log = base / f"fwd{tag}.log"
    proc = subprocess.Popen(
        [PYTHON, str(ROOT / "bench" / "faust_forward.py"), "worker", "-l", "warn"],
        env=env,
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while await end_offsets(bootstrap, [dst]) < len(records):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"faust forwarder failed:\n{log.read_text(errors='replace')[-3000:]}")
            await asyncio.sleep(1.0)
    finally:
        stop_proc(proc)
    ts = await timestamps(bootstrap, [dst])
    rate, seconds = rate_from(ts, ts, len(ts))
    return {"name": "Faust decode+forward agent", "records": len(ts), "seconds": seconds, "rate": rate}


async def wait_drained(
    w: Worker, n_articles: int, outputs: list[str], quiet: float = 4.0, timeout: float = 600
) -> None:
    """Until the worker read every article and its output topics stopped growing for ``quiet`` s."""
    deadline = time.monotonic() + timeout
    last_total, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        if w.proc is not None and w.proc.poll() is not None:
            raise RuntimeError(f"worker exited {w.proc.returncode}:\n{w.log_tail()}")
        try:
            lags = await group_lag(w.bootstrap, w.group, [w.topic("articles.raw")])
            seen = lags[w.topic("articles.raw")][0]
        except KafkaError:  # coordinator not there yet right after the broker started
            seen = 0
        total = await end_offsets(w.bootstrap, outputs)
        if total != last_total:
            last_total, last_change = total, time.monotonic()
        if seen >= n_articles and time.monotonic() - last_change >= quiet:
            return
        await asyncio.sleep(1.0)
    raise TimeoutError(f"pipeline not drained after {timeout}s")


async def run_pipeline(w: Worker, records: list[tuple[bytes, bytes]], broker_pid: int | None = None) -> dict:
    """(c) the Hasila worker: fill articles.raw, let it drain, time first mention → last aggregate.

    Also the worker processes' CPU seconds over the run (fill to drained, idle tail included),
    per article: whether the worker is CPU-bound and what one article costs it; and the
    broker's, when the benchmark started it (it shares the two cores).
    """
    procs = [w.proc, *w.extra]
    cpu_before = [cpu_seconds(p.pid) for p in procs]
    broker_before = cpu_seconds(broker_pid)
    box_before = box_jiffies()
    await produce_all(w.bootstrap, w.topic("articles.raw"), records)
    outputs = [
        w.topic(t)
        for t in (
            "casualties.mentions",
            "casualties.references",
            "casualties.incidents",
            "casualties.aggregates",
            "articles.deadletter",
        )
    ]
    await wait_drained(w, len(records), outputs)
    cpu_after = [cpu_seconds(p.pid) for p in procs]
    broker_after = cpu_seconds(broker_pid)
    box_after = box_jiffies()
    box_busy = (box_after[0] - box_before[0]) / max(1, box_after[1] - box_before[1])
    cpu = sum(a - b for a, b in zip(cpu_after, cpu_before, strict=True) if a is not None and b is not None)
    first = await timestamps(w.bootstrap, [w.topic("casualties.mentions")])
    last = await timestamps(w.bootstrap, [w.topic("casualties.aggregates"), w.topic("articles.deadletter")])
    rate, seconds = rate_from(first, last, len(records))
    hops = {}
    t0 = min(first)
    for t in outputs:
        ts = await timestamps(w.bootstrap, [t])
        if ts:  # when each hop's output started and ended, relative to the first mention
            hops[t.split(".", 1)[1]] = {
                "records": len(ts),
                "first_s": (min(ts) - t0) / 1000,
                "last_s": (max(ts) - t0) / 1000,
            }
    changelogs = {}
    for table in ("dedup-state", "aggregate-state"):
        with contextlib.suppress(Exception):  # diagnostics only
            changelogs[table] = await end_offsets(w.bootstrap, [f"{w.group}-{table}-changelog"])
    return {
        "name": "Hasila pipeline (articles.raw → aggregates)",
        "changelogs": changelogs,
        "records": len(records),
        "seconds": seconds,
        "rate": rate,
        "hops": hops,
        "worker_cpu_s": cpu,
        "worker_cpu_ms_per_article": cpu / len(records) * 1000,
        "box_busy": box_busy,
        "broker_cpu_s": (broker_after - broker_before
                         if broker_after is not None and broker_before is not None else None),
    }


# --- latency -------------------------------------------------------------------------------------


def latency_articles(n: int, start: str, seed: int = 11) -> tuple[list[dict], dict[str, str]]:
    """Single-report articles whose offline extraction names their event's (governorate, day).

    Returns the articles and article id → aggregate key; articles whose text the
    extractor does not place/date as written are still sent but not timed.
    """
    from streams.pipeline import mentions_for_article

    rng = __import__("random").Random(seed)
    events = synthetic.make_events(n, seed=seed, start=start)
    articles, keys = [], {}
    for ev in events:
        (article,) = synthetic.articles_for_event(ev, 1, rng)
        mentions = mentions_for_article(article)
        if any(
            m["count"] and m["region"]["admin1"] == ev.pcode and m.get("event_date") == ev.day
            for m in mentions
        ):
            keys[article["id"]] = ev.day_key
        articles.append(article)
    return articles, keys


async def paced_latency(
    bootstrap: str,
    topic_in: str,
    topic_aggregates: str,
    articles: list[dict],
    keys: dict[str, str],
    rate: float,
    settle: float = 30.0,
    on_tick=None,
) -> dict:
    """Send ``articles`` at ``rate``/s; latency per timed key = first aggregate seen − send time."""
    consumer = await _consumer(bootstrap, [topic_aggregates], from_end=True)
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}

    async def observe() -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            now = time.time()
            for recs in batch.values():
                for r in recs:
                    key = r.key.decode() if r.key else ""
                    if key in sent and key not in seen:
                        seen[key] = now

    watcher = asyncio.create_task(observe())
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=0)
    await producer.start()
    try:
        t0 = time.monotonic()
        for i, article in enumerate(articles):
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            key = keys.get(article["id"])
            if key:
                sent[key] = time.time()
            await producer.send(topic_in, orjson.dumps(article), key=article["id"].encode())
            if on_tick is not None and i % max(1, int(rate)) == 0:
                await on_tick()
        await producer.flush()
        achieved = len(articles) / (time.monotonic() - t0)
        deadline = time.monotonic() + settle
        while len(seen) < len(sent) and time.monotonic() < deadline:
            await asyncio.sleep(0.25)
    finally:
        watcher.cancel()
        with suppress(asyncio.CancelledError):
            await watcher
        await producer.stop()
        await consumer.stop()
    lat = [seen[k] - sent[k] for k in seen]
    return {
        "sent": len(articles),
        "timed": len(sent),
        "seen": len(seen),
        "rate_target": rate,
        "rate_achieved": achieved,
        "p50_ms": percentile(lat, 50) * 1000,
        "p95_ms": percentile(lat, 95) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "max_ms": max(lat, default=float("nan")) * 1000,
    }


# --- offline profile -----------------------------------------------------------------------------


def profile_core(raw: list[bytes], top: int = 25) -> dict:
    """Time the per-article core offline (no Kafka) by step; cProfile the whole for the top functions."""
    from streams.codecs import decode_article, validate
    from streams.pipeline import mentions_for_article

    limits = {"max_bytes": 2_000_000, "max_body_chars": 200_000}
    mentions_for_article(decode_article(raw[0], **limits))  # load lexicons and gazetteer first
    steps = {"decode+validate article": 0.0, "extract+fingerprint": 0.0, "validate mentions": 0.0}
    all_mentions = []
    for r in raw:
        t = time.perf_counter()
        a = decode_article(r, **limits)
        t1 = time.perf_counter()
        ms = mentions_for_article(a)
        t2 = time.perf_counter()
        for m in ms:
            validate("mention.v1.json", m, code="E202")
        t3 = time.perf_counter()
        steps["decode+validate article"] += t1 - t
        steps["extract+fingerprint"] += t2 - t1
        steps["validate mentions"] += t3 - t2
        all_mentions.extend(ms)
    dedup_steps, dedup_err = _time_dedup(all_mentions)
    steps.update(dedup_steps)
    prof = cProfile.Profile()
    prof.enable()
    for r in raw:
        for m in mentions_for_article(decode_article(r, **limits)):
            validate("mention.v1.json", m, code="E202")
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    per_article_ms = {k: v / len(raw) * 1000 for k, v in steps.items()}
    return {
        "articles": len(raw),
        "mentions": len(all_mentions),
        "per_article_ms": per_article_ms,
        "core_articles_per_s": len(raw) / sum(steps.values()),
        "dedup_error": dedup_err,
        "cprofile": re.sub(r"^\s*\n", "", buf.getvalue(), flags=re.M),
    }


def _time_dedup(mentions: list[dict]) -> tuple[dict[str, float], str | None]:
    """Seconds per step of dedup + aggregate over the mentions, one state per governorate as in the stream."""
    from streams.aggregate import Aggregator
    from streams.codecs import validate
    from streams.dedup import DedupConfig, Deduplicator
    from streams.pipeline import mention_key

    dedups: dict[str, tuple] = {}
    errors = 0
    first_error = None
    steps = {"dedup": 0.0, "validate incidents": 0.0, "aggregate": 0.0, "validate aggregates": 0.0}
    for m in mentions:
        key = mention_key(m)
        if key not in dedups:
            dedups[key] = (Deduplicator({}, DedupConfig()), Aggregator({}))
        dd, agg = dedups[key]
        try:
            t0 = time.perf_counter()
            incidents = dd.process(m)
            t1 = time.perf_counter()
            for inc in incidents:
                validate("incident.v1.json", inc)
            t2 = time.perf_counter()
            records = [rec for inc in incidents for rec in agg.apply(inc)]
            t3 = time.perf_counter()
            for rec in records:
                validate("aggregate.v1.json", rec)
            t4 = time.perf_counter()
        except Exception as exc:  # report, as the stream would dead-letter it
            errors += 1
            first_error = first_error or repr(exc)[:200]
            continue
        for name, dt in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            steps[name] += dt
    return steps, (f"{errors} mentions failed; first: {first_error}" if errors else None)


# --- report --------------------------------------------------------------------------------------


def print_table(results: dict) -> None:
    print("\n== throughput (records/s, first output → last output, CreateTime) ==")
    print(f"{'processor':48} {'records':>8} {'seconds':>8} {'rate/s':>9}")
    for r in results.get("throughput", []):
        print(f"{r['name']:48} {r['records']:>8} {r['seconds']:>8.2f} {r['rate']:>9.0f}")
    for r in results.get("throughput", []):
        for hop, h in r.get("hops", {}).items():
            print(
                f"  {hop:32} {h['records']:>7} records, output from {h['first_s']:7.2f} s"
                f" to {h['last_s']:7.2f} s"
            )
        if "worker_cpu_s" in r:
            print(f"  worker CPU {r['worker_cpu_s']:.2f} s = {r['worker_cpu_ms_per_article']:.2f} ms/article"
                  f" (fill to drained, incl. ~4 s idle tail)")
        if r.get("broker_cpu_s") is not None:
            print(f"  broker CPU {r['broker_cpu_s']:.2f} s = {r['broker_cpu_s'] / r['records'] * 1000:.2f}"
                  f" ms/article (same span)")
        if "box_busy" in r:
            print(f"  whole machine busy {100 * r['box_busy']:.0f} % of its cores over the same span"
                  f" (workers, broker and anything else)")
        for name, n in r.get("changelogs", {}).items():
            print(f"  {name:32} {n:>7} table writes")
        hops = r.get("hops", {})
        if hops and r.get("changelogs"):
            # What Faust handles per article: every record an agent consumes or produces.
            consumed = r["records"] + sum(hops.get(t, {}).get("records", 0)
                                          for t in ("casualties.mentions", "casualties.references",
                                                    "casualties.incidents"))
            produced = sum(h["records"] for h in hops.values()) + sum(r["changelogs"].values())
            print(f"  per article: {consumed / r['records']:.1f} records consumed, "
                  f"{produced / r['records']:.1f} produced (outputs and table changelogs)")
    ratios = results.get("ratios")
    if ratios:
        print("ratios: " + ", ".join(f"{k} = {v:.3f}" for k, v in ratios.items()))
    lat = results.get("latency")
    if lat:
        print("\n== latency, article sent → its day aggregate consumed (paced) ==")
        print(
            f"target {lat['rate_target']:.0f}/s achieved {lat['rate_achieved']:.0f}/s; "
            f"timed {lat['timed']} seen {lat['seen']} of {lat['sent']} sent"
        )
        print(
            f"p50 {lat['p50_ms']:.0f} ms  p95 {lat['p95_ms']:.0f} ms  p99 {lat['p99_ms']:.0f} ms  "
            f"max {lat['max_ms']:.0f} ms"
        )
    prof = results.get("profile")
    if prof:
        print(f"\n== offline core, {prof['articles']} articles, {prof['mentions']} mentions ==")
        for k, v in prof["per_article_ms"].items():
            print(f"{k:32} {v:7.3f} ms/article")
        print(f"core alone: {prof['core_articles_per_s']:.0f} articles/s on one core")
        if prof["dedup_error"]:
            print("dedup errors:", prof["dedup_error"])


async def main_async(args: argparse.Namespace) -> dict:
    _, articles = synthetic.make_articles(args.events, seed=args.seed)
    records = [(a["id"].encode(), orjson.dumps(a)) for a in articles]
    results: dict = {
        "articles": len(records),
        "events": args.events,
        "partitions": args.partitions,
        "cpus": os.cpu_count(),
        "throughput": [],
    }
    if args.profile or args.profile_only:
        results["profile"] = profile_core([v for _, v in records][: args.profile_articles])
        if args.profile_only:
            return results
    base = Path(tempfile.mkdtemp(prefix="hasila-bench-"))
    broker = None
    bootstrap = args.bootstrap
    try:
        if not bootstrap:
            broker, bootstrap = start_broker(base / "kafka")
        results["bootstrap"] = bootstrap
        if not args.skip_baselines:
            raw = await run_raw(bootstrap, records, args.partitions)
            results["throughput"].append(raw)
            print(f"raw: {raw['rate']:.0f}/s", flush=True)
            fst = await run_faust(bootstrap, records, args.partitions, base)
            results["throughput"].append(fst)
            print(f"faust: {fst['rate']:.0f}/s", flush=True)
        w = Worker(bootstrap, base, args.partitions, env=dict(kv.split("=", 1) for kv in args.worker_env))
        w.start()
        for index in range(1, args.workers):
            w.start(index=index)
        if args.workers > 1:
            await asyncio.sleep(8)  # let the group rebalance across the workers before timing
        try:
            broker_pid = (broker.status() or {}).get("pid") if broker is not None else None
            pipe = await run_pipeline(w, records, broker_pid)
            results["throughput"].append(pipe)
            print(f"pipeline: {pipe['rate']:.0f}/s", flush=True)
            if args.latency_articles:
                last_day = max(a["published_at"][:10] for a in articles)
                start = (date.fromisoformat(last_day) + timedelta(days=40)).isoformat()
                lat_articles, keys = latency_articles(args.latency_articles, start)
                results["latency"] = await paced_latency(
                    bootstrap,
                    w.topic("articles.raw"),
                    w.topic("casualties.aggregates"),
                    lat_articles,
                    keys,
                    args.rate,
                )
            try:
                results["worker_deadletters"] = metric_sum(scrape(w.port), "hasila_deadletters_total")
            except OSError as exc:  # /metrics is the worker's; report, don't fail the benchmark
                results["metrics_error"] = repr(exc)
        finally:
            w.stop()
    finally:
        if broker is not None:
            broker.stop()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    rates = {r["name"]: r["rate"] for r in results["throughput"]}
    if len(rates) == 3:
        raw_r, fst_r, pipe_r = rates.values()
        results["ratios"] = {
            "pipeline/faust": pipe_r / fst_r,
            "pipeline/raw": pipe_r / raw_r,
            "faust/raw": fst_r / raw_r,
        }
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--events", type=int, default=400, help="events for throughput (1-3 articles each)")
    p.add_argument("--partitions", type=int, default=4)
    p.add_argument("--workers", type=int, default=1, help="worker processes in the group (one per core)")
    p.add_argument("--rate", type=float, default=5.0, help="paced articles/s of the latency run")
    p.add_argument("--latency-articles", type=int, default=150)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--bootstrap", help="use this broker instead of starting a throw-away one")
    p.add_argument("--skip-baselines", action="store_true")
    p.add_argument("--profile", action="store_true", help="also profile the core offline")
    p.add_argument("--profile-only", action="store_true", help="only the offline profile, no Kafka")
    p.add_argument("--profile-articles", type=int, default=1000)
    p.add_argument("--worker-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra worker environment, e.g. HASILA_PROFILE=/tmp/w{index}.prof")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    p.add_argument("--json", type=Path, help="write the results here")
    args = p.parse_args(argv)
    results = asyncio.run(main_async(args))
    print_table(results)
    if results.get("profile") and args.profile_only:
        print(results["profile"]["cprofile"])
    if args.json:
        args.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
