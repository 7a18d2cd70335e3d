"""Soak run: a steady article rate into one Hasila worker for minutes; lag, memory and latency over time.

Why: a stream that keeps up for 30 seconds can still leak memory or fall
slowly behind. This holds ``--rate`` articles/s for ``--minutes`` on a
throw-away local broker (or ``--bootstrap``), samples every ``--every``
seconds the worker's RSS (/proc/<pid>/status) and its consumer lag (measured
from outside: high watermarks − the group's committed offsets, over all the
worker's input topics; the worker's own ``hasila_consumer_lag`` gauge is
read too when /metrics answers), and reports p50/p95/p99 of article sent →
its day aggregate consumed (see ``bench_pipeline.py``).

Exit status 1 when lag grows without bound (the last third of the samples
all above ``--max-lag`` and rising) or RSS grows more than ``--max-rss-growth``
(fraction of the RSS after warm-up).

    .venv/bin/python bench/soak.py                       # 5 minutes at 300/s
    .venv/bin/python bench/soak.py --minutes 2 --rate 5 --json soak.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pipeline as bp


async def sample_loop(w: bp.Worker, samples: list[dict], every: float, stop: asyncio.Event) -> None:
    """Every ``every`` seconds: RSS, external lag per input topic, the worker's lag gauge if it answers."""
    sources = ("articles.raw", "casualties.mentions", "casualties.references", "casualties.incidents")
    inputs = [w.topic(t) for t in sources]
    t0 = time.monotonic()
    while not stop.is_set():
        row: dict = {"t": round(time.monotonic() - t0, 1), "rss_kib": bp.rss_kib(w.proc.pid),
                     "cpu_s": bp.cpu_seconds(w.proc.pid)}
        try:
            lags = await bp.group_lag(w.bootstrap, w.group, inputs)
            row["lag"] = sum(lag for _, lag in lags.values())
        except bp.KafkaError:
            row["lag"] = None
        try:
            row["lag_gauge"] = bp.metric_sum(bp.scrape(w.port), "hasila_consumer_lag")
        except OSError:
            row["lag_gauge"] = None
        try:  # the web read model's size: it holds up to 20,000 incidents and every aggregate key
            status = orjson.loads(bp.fetch(w.port, "/api/status"))
            row["read_model"] = {"incidents": status.get("incidents"), "aggregates": status.get("aggregates")}
        except (OSError, ValueError):
            row["read_model"] = None
        samples.append(row)
        print(
            f"t={row['t']:6.1f}s rss={row['rss_kib']} KiB cpu={row['cpu_s']} s lag={row['lag']}"
            f" gauge={row['lag_gauge']} read_model={row['read_model']}",
            flush=True,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


def verdict(samples: list[dict], max_lag: int, max_growth: float, warmup: float) -> tuple[bool, dict]:
    """Bounded lag and flat memory? Returns (ok, summary)."""
    lags = [s["lag"] for s in samples if s["lag"] is not None]
    rss = [s["rss_kib"] for s in samples if s["rss_kib"]]
    after = [s["rss_kib"] for s in samples if s["rss_kib"] and s["t"] >= warmup] or rss
    tail = lags[-max(1, len(lags) // 3) :]
    lag_unbounded = bool(tail) and min(tail) > max_lag and tail[-1] >= tail[0]
    growth = (after[-1] - after[0]) / after[0] if after else 0.0
    summary = {
        "lag_max": max(lags, default=None),
        "lag_last": lags[-1] if lags else None,
        "lag_unbounded": lag_unbounded,
        "rss_start_kib": rss[0] if rss else None,
        "rss_after_warmup_kib": after[0] if after else None,
        "rss_end_kib": rss[-1] if rss else None,
        "rss_max_kib": max(rss, default=None),
        "rss_growth": growth,
        "rss_growth_limit": max_growth,
    }
    return (not lag_unbounded and growth <= max_growth), summary


async def main_async(args: argparse.Namespace) -> dict:
    n = int(args.rate * args.minutes * 60)
    base = Path(tempfile.mkdtemp(prefix="hasila-soak-"))
    broker, bootstrap = (None, args.bootstrap) if args.bootstrap else bp.start_broker(base / "kafka")
    try:
        w = bp.Worker(bootstrap, base, args.partitions, env=dict(kv.split("=", 1) for kv in args.worker_env))
        w.start(store=args.store)
        samples: list[dict] = []
        stop = asyncio.Event()
        try:
            articles, keys = bp.latency_articles(n, start="2001-01-01", seed=args.seed)
            sampler = asyncio.create_task(sample_loop(w, samples, args.every, stop))
            lat = await bp.paced_latency(
                bootstrap,
                w.topic("articles.raw"),
                w.topic("casualties.aggregates"),
                articles,
                keys,
                args.rate,
                settle=60.0,
            )
            stop.set()
            await sampler
        finally:
            w.stop()
    finally:
        if broker is not None:
            broker.stop()
        shutil.rmtree(base, ignore_errors=True)
    ok, summary = verdict(samples, args.max_lag, args.max_rss_growth, args.warmup)
    return {
        "ok": ok,
        "minutes": args.minutes,
        "rate": args.rate,
        "latency": lat,
        "summary": summary,
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--rate", type=float, default=300.0, help="articles/s, held steady")
    p.add_argument("--partitions", type=int, default=4)
    p.add_argument("--store", default="memory://", help="worker table store (memory:// or rocksdb://)")
    p.add_argument("--every", type=float, default=5.0, help="seconds between samples")
    p.add_argument("--warmup", type=float, default=30.0, help="seconds before RSS growth is counted")
    p.add_argument("--max-lag", type=int, default=5000, help="failing lag (last third)")
    p.add_argument("--max-rss-growth", type=float, default=0.25, help="allowed RSS growth after warm-up")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--bootstrap", help="use this broker instead of a throw-away one")
    p.add_argument("--worker-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra worker environment, e.g. HASILA_TRACEMALLOC=/tmp/heap.txt, MALLOC_ARENA_MAX=2")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    res = asyncio.run(main_async(args))
    lat, s = res["latency"], res["summary"]
    print(f"\n== soak {args.minutes} min at {args.rate:.0f}/s (achieved {lat['rate_achieved']:.1f}/s) ==")
    print(
        f"latency p50 {lat['p50_ms']:.0f} ms  p95 {lat['p95_ms']:.0f} ms  p99 {lat['p99_ms']:.0f} ms"
        f"  (seen {lat['seen']} of {lat['timed']} timed)"
    )
    print(f"lag max {s['lag_max']} last {s['lag_last']} unbounded={s['lag_unbounded']}")
    print(
        f"RSS KiB start {s['rss_start_kib']} after warm-up {s['rss_after_warmup_kib']} end {s['rss_end_kib']}"
        f" max {s['rss_max_kib']} growth {s['rss_growth']:.1%} (limit {s['rss_growth_limit']:.0%})"
    )
    print("PASS" if res["ok"] else "FAIL")
    if args.json:
        args.json.write_bytes(orjson.dumps(res, option=orjson.OPT_INDENT_2))
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
