"""Throughput of the pure aggregator and of the metrics update (dict store, one core).

Run: .venv/bin/python bench/aggregate.py [n_versions]
"""

from __future__ import annotations

import random
import sys
import time

from prometheus_client import CollectorRegistry

from streams.aggregate import Aggregator, rebuild
from streams.metrics import build_metrics


def incidents(n: int, seed: int = 7):
    rng = random.Random(seed)
    versions: dict[str, int] = {}
    for i in range(n):
        iid = f"inc-{rng.randrange(max(1, n // 3))}"
        versions[iid] = versions.get(iid, 0) + 1
        a1 = rng.randint(1, 14)
        yield {
            "incident_id": iid,
            "version": versions[iid],
            "status": rng.choice(["active"] * 8 + ["merged", "expired"]),
            "kind": rng.choice(["killed", "injured"]),
            "victim": rng.choice(["civilian", "combatant", "unknown"]),
            "count_best": rng.choice([None, *range(0, 40)]),
            "region": {"admin1": f"SY{a1:02d}", "admin2": f"SY{a1:02d}0{rng.randint(0, 5)}"},
            "event_date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "updated_at": f"2024-12-01T00:00:{i % 60:02d}+00:00",
        }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data = list(incidents(n))
    store: dict = {}
    agg = Aggregator(store)
    t0 = time.perf_counter()
    out = []
    for inc in data:
        out.extend(agg.apply(inc))
    t1 = time.perf_counter()
    m = build_metrics(CollectorRegistry())
    for rec in out:
        m.observe_aggregate(rec)
    t2 = time.perf_counter()
    table = rebuild(out)
    t3 = time.perf_counter()
    print(f"incident versions:        {n}")
    print(f"aggregate records out:    {len(out)} ({len(out) / n:.1f} per version)")
    print(f"store entries:            {len(store)}")
    print(f"Aggregator.apply:         {n / (t1 - t0):,.0f} versions/s ({(t1 - t0) / n * 1e6:.1f} us each)")
    print(f"observe_aggregate:        {len(out) / (t2 - t1):,.0f} records/s")
    print(f"rebuild (view):           {len(out) / (t3 - t2):,.0f} records/s -> {len(table)} keys")


if __name__ == "__main__":
    main()
