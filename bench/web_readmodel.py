"""Read-model throughput and API query latency at the default bound (20,000 incidents).

    .venv/bin/python bench/web_readmodel.py

Synthetic records (14 governorates, 62-ish districts, two years of days);
measures applying them (what the follower does per record) and answering
the page's two polling queries plus filtered listings, through the same
pure ``answer_*`` functions the views call.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from streams.web.api import answer_incidents, answer_regions
from streams.web.readmodel import ReadModel

N_INCIDENTS = 25_000
DAYS = 730


def records(seed: int = 7) -> tuple[list[dict], list[dict]]:
    rnd = random.Random(seed)
    start = date(2024, 1, 1)
    incidents, totals = [], {}
    for k in range(N_INCIDENTS):
        gov = f"SY{rnd.randint(1, 14):02d}"
        day = (start + timedelta(days=rnd.randrange(DAYS))).isoformat()
        count = rnd.choice([None, 1, 2, 3, 5, 8, 13])
        evidence = "قتل ثلاثة مدنيين في قصف على بلدة في الريف"
        incidents.append(
            {
                "incident_id": f"inc-{k}",
                "version": 1,
                "status": "active",
                "kind": rnd.choice(["killed", "injured"]),
                "region": {
                    "admin1": gov,
                    "admin2": f"{gov}{rnd.randint(0, 5):02d}",
                    "admin3": None,
                    "place": "بلدة",
                    "pcode": gov,
                    "precision": "district",
                },
                "event_date": day,
                "count_best": count,
                "count_min": count,
                "count_max": count,
                "victim": "civilian",
                "group": None,
                "article_ids": [f"a{k}"],
                "mention_ids": [f"m{k}"],
                "sources": [
                    {
                        "article_id": f"a{k}",
                        "source": "Wire",
                        "url": None,
                        "published_at": day,
                        "count": count,
                        "evidence": evidence,
                    }
                ],
                "first_seen": day,
                "updated_at": day,
            }
        )
        for bucket in (f"day:{day}", "all"):
            t = totals.setdefault((gov, bucket), [0, 0, 0])
            t[0] += count or 0
            t[2] += 1
    aggregates = [
        {
            "key": f"{g}|{b}",
            "region": g,
            "level": "admin1",
            "bucket": b,
            "killed": v[0],
            "injured": v[1],
            "incidents": v[2],
            "unquantified": 0,
            "by_victim": {},
            "version": 1,
        }
        for (g, b), v in totals.items()
    ]
    return aggregates, incidents


def timed(fn, repeat: int) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat * 1000


def main() -> None:
    aggregates, incidents = records()
    model = ReadModel()
    t0 = time.perf_counter()
    model.apply_many(aggregates=aggregates)
    t1 = time.perf_counter()
    model.apply_many(incidents=incidents)
    model.trim()
    t2 = time.perf_counter()
    print(f"apply {len(aggregates)} aggregates: {len(aggregates) / (t1 - t0):,.0f} records/s")
    print(
        f"apply {len(incidents)} incidents (bound {model.max_incidents}, held {model.incident_count}): "
        f"{len(incidents) / (t2 - t1):,.0f} records/s"
    )
    last = date(2025, 12, 30)
    week = [("from", (last - timedelta(days=6)).isoformat()), ("to", last.isoformat())]
    cases = {
        "regions, all time": lambda: answer_regions(model, []),
        "regions, last 7 days": lambda: answer_regions(model, week),
        "regions, 3660-day period": lambda: answer_regions(
            model, [("from", "2016-01-01"), ("to", "2025-12-31")]
        ),
        "incidents, latest 20 (page poll)": lambda: answer_incidents(model, [("limit", "20")]),
        "incidents, region+kind+min_count, 500": lambda: answer_incidents(
            model, [("region", "SY07"), ("kind", "killed"), ("min_count", "3"), ("limit", "500")]
        ),
    }
    for name, fn in cases.items():
        print(f"{name:<42} {timed(fn, 30):7.2f} ms")


if __name__ == "__main__":
    main()
