"""Benchmark of the deduplicator: 100,000 mentions from 20,000 synthetic articles.

    .venv/bin/python bench/bench_dedup.py [--articles 20000] [--per-article 5]

Events (place, date, tolls, sides) are drawn from the UCDP GED Syria events in
/work/shared/data/ucdp_syria_events.csv (UCDP GED, CC BY 4.0); p-codes below
governorate level are synthetic (hashes of UCDP place names). Each article
reports one main event and one other event of the same governorate close in
time, with its
own figure (the UCDP figure plus reporting noise, sometimes a later "toll rose"
update): civilians, each side's fighters, the wounded, and the other event's
total with unknown victims. About 15% of articles are syndicated copies of an earlier one (same
body). Fingerprints are computed before the clock starts (the extract stage
does that); the timed loop is Deduplicator.process over every mention in
publication order plus one expire() per simulated day (30-day horizon), on one
core with a plain dict store, as `hasila batch` runs it.

Prints throughput, state size (keys and serialised bytes), and the naive sum
of mentions against the deduplicated total and the synthetic truth.

    .venv/bin/python bench/bench_dedup.py --dev-gold

measures deduplication alone on the dev set: the *gold* mentions of
/work/shared/eval/dev.jsonl (so extraction errors do not count) go through the
deduplicator, and the incidents are scored with score_incidents.py.

    .venv/bin/python bench/bench_dedup.py --batch-dir DIR

scores the output of ``hasila batch ../shared/eval/dev_articles.jsonl --out DIR``
(end to end) and prints the naive sum of its incident mentions against the
deduplicated total.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.dedup import DedupConfig, Deduplicator, article_fingerprint, partition_of

UCDP = Path("/work/shared/data/ucdp_syria_events.csv")
ADMIN1 = {
    "Damascus": "SY01", "Aleppo": "SY02", "Rif Dimashq": "SY03", "Homs": "SY04", "Hamah": "SY05",
    "Latakia": "SY06", "Idlib": "SY07", "Al Hasakah": "SY08", "Deir ez Zor": "SY09",
    "Tartus": "SY10", "Ar Raqqah": "SY11", "Daraa": "SY12", "As Suwayda": "SY13",
    "Quneitra": "SY14",
}  # fmt: skip
_WORDS_TEXT = (
    "قصف غارة مدينة بلدة ريف قوات مصادر محلية الدفاع المدني سيارة إسعاف مشفى الأهالي "
    "الطيران الحربي المدفعية الاشتباكات المعارضة النظام تنظيم حاجز طريق سوق منزل مدرسة "
    "المرصد السوري وكالة أنباء مراسل أفاد أكد أوضح أشار ذكر نقل بيان مساء صباح اليوم أمس"
)
WORDS = _WORDS_TEXT.split()


def _h(text: str, mod: int) -> int:
    return int(hashlib.blake2b(text.encode(), digest_size=4).hexdigest(), 16) % mod


def load_events() -> list[dict]:
    events = []
    with UCDP.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a1 = ADMIN1.get(row["location_adm1_name"].replace(" governorate", ""))
            if not a1 or not row["start_date"]:
                continue
            a2 = f"{a1}{_h(row['location_adm2_name'], 10):02d}"
            a3 = f"{a2}{_h(row['location_where_name'] + 'x', 8):02d}"
            events.append(
                {
                    "id": row["id"],
                    "date": row["start_date"][:10],
                    "a1": a1,
                    "a2": a2,
                    "a3": a3,
                    "pcode": f"C{_h(row['location_where_name'], 90000) + 10000}",
                    "place": row["location_where_name"],
                    "civ": int(row["deaths_civilian"] or 0),
                    "side_a": (row["side_a_name"], int(row["deaths_side_a"] or 0)),
                    "side_b": (row["side_b_name"], int(row["deaths_side_b"] or 0)),
                    "unk": int(row["deaths_unknown"] or 0),
                }
            )
    return events


def region(ev: dict, rnd: random.Random) -> dict:
    r = rnd.random()
    if r < 0.7:
        return {"admin1": ev["a1"], "admin2": ev["a2"], "admin3": ev["a3"], "place": ev["place"],
                "pcode": ev["pcode"], "precision": "exact"}  # fmt: skip
    if r < 0.9:
        return {"admin1": ev["a1"], "admin2": ev["a2"], "admin3": None, "place": ev["place"],
                "pcode": ev["a2"], "precision": "district"}  # fmt: skip
    return {"admin1": ev["a1"], "admin2": None, "admin3": None, "place": None,
            "pcode": ev["a1"], "precision": "governorate"}  # fmt: skip


def synthesize(n_articles: int, per_article: int, seed: int = 7):
    rnd = random.Random(seed)
    events = load_events()
    by_a1 = defaultdict(list)
    for ev in sorted(events, key=lambda e: e["date"]):
        ev["pos"] = len(by_a1[ev["a1"]])
        by_a1[ev["a1"]].append(ev)
    # some events get many more reports than others (log-normal popularity)
    cum, acc = [], 0.0
    for _ in events:
        acc += rnd.lognormvariate(0, 1)
        cum.append(acc)
    articles, mentions, truth = [], [], {}
    t0 = time.perf_counter()
    fp_time = 0.0
    for i in range(n_articles):
        main = rnd.choices(events, cum_weights=cum)[0]
        # the other event: one of the same governorate close in time (or the same)
        near = by_a1[main["a1"]]
        other = near[min(len(near) - 1, max(0, main["pos"] + rnd.randint(-3, 3)))]
        if articles and rnd.random() < 0.15:
            src = rnd.choice(articles[-200:])
            body, main, other = src["body"], src["main"], src["other"]
        else:
            body = " ".join(rnd.choice(WORDS) for _ in range(160)) + f" {main['place']} {i}"
        pub_day = date.fromisoformat(main["date"]) + timedelta(days=rnd.choice([0, 0, 1]))
        pub = f"{pub_day.isoformat()}T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:00Z"
        f0 = time.perf_counter()
        fp = article_fingerprint(None, body, f"https://outlet{i % 40}.example/{i}")
        fp_time += time.perf_counter() - f0
        art = {"id": f"art{i:06d}", "body": body, "main": main, "other": other}
        articles.append(art)
        info = {"source": f"outlet{i % 40}", "url": f"https://outlet{i % 40}.example/{i}",
                "published_at": pub, "title": None, "fingerprint": fp}  # fmt: skip
        total_other = other["civ"] + other["side_a"][1] + other["side_b"][1] + other["unk"]
        slots = [
            (main, "killed", "civilian", None, main["civ"]),
            (main, "killed", "combatant", main["side_a"][0], main["side_a"][1]),
            (main, "injured", "unknown", None, 2 * (main["civ"] + main["unk"]) + 1),
            (other, "killed", "unknown", None, total_other),
            (main, "killed", "combatant", main["side_b"][0], main["side_b"][1]),
        ]
        for j in range(per_article):
            ev, kind, victim, group, true_n = slots[j % len(slots)]
            truth[(ev["id"], kind, victim, group)] = true_n
            noise = rnd.choice([0, 0, 0, 1, -1, 2]) if true_n > 2 else 0
            n = max(0, true_n + noise)
            update = noise > 0 and rnd.random() < 0.5
            mentions.append(
                {
                    "schema_version": 1, "article_id": art["id"], "mention_id": f"{art['id']}#{j}",
                    "kind": kind, "count": n, "count_min": n, "count_max": n,
                    "region": region(ev, rnd), "event_date": ev["date"], "victim": victim,
                    "group": group, "scope": "incident",
                    "evidence": {"text": ("ارتفعت حصيلة " if update else "") + f"{kind} {n}",
                                 "start": 0, "end": 10},
                    "language": "ar", "article": info,
                }
            )  # fmt: skip
    gen = time.perf_counter() - t0
    return mentions, truth, gen, fp_time / n_articles


def state_bytes(stores: dict) -> tuple[int, int]:
    keys = sum(len(s) for s in stores.values())
    size = sum(len(k) + len(orjson.dumps(v)) for s in stores.values() for k, v in s.items())
    return keys, size


def dev_gold() -> None:
    """Dedup of the dev set's gold mentions, scored against the incident groups."""
    import json
    import tempfile

    ev = Path("/work/shared/eval")
    mentions = []
    for line in (ev / "dev.jsonl").open(encoding="utf-8"):
        doc = json.loads(line)
        info = {
            "source": doc.get("source"),
            "url": doc.get("url"),
            "published_at": doc.get("published_at"),
            "title": doc.get("title"),
            "fingerprint": article_fingerprint(doc.get("title"), doc["body"], doc.get("url")),
        }
        for i, g in enumerate(doc["gold"]):
            a1 = g["admin1"] if (g["admin1"] or "").startswith("SY") else None
            a2 = g["admin2"]
            mentions.append(
                {
                    "schema_version": 1, "article_id": doc["id"], "mention_id": f"{doc['id']}#{i}",
                    "kind": g["kind"], "count": g["count"], "count_min": g["count_min"],
                    "count_max": g["count_max"],
                    "region": {"admin1": a1, "admin2": a2, "admin3": None, "place": g["place"],
                               "pcode": a2 or a1,
                               "precision": "district" if a2 else "governorate" if a1 else "none"},
                    "event_date": g["event_date"], "victim": g["victim"], "group": g["group"],
                    "scope": g["scope"], "evidence": {"text": "", "start": 0, "end": 0},
                    "language": doc.get("language") or "ar", "article": info,
                }
            )  # fmt: skip
    dds: dict[str, Deduplicator] = {}
    latest: dict[str, dict] = {}
    for m in mentions:
        dd = dds.setdefault(partition_of(m), Deduplicator({}, DedupConfig()))
        for rec in dd.process(m):
            latest[rec["incident_id"]] = rec
    final = [r for r in latest.values() if r["status"] == "active"]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for rec in final:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    score = subprocess.run(
        [sys.executable, str(ev / "score_incidents.py"), str(ev / "incidents_dev.json"), fh.name],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    naive = sum(m["count"] or 0 for m in mentions if m["scope"] == "incident")
    total = sum(r["count_best"] or 0 for r in final)
    print(f"dev gold mentions: {len(mentions)} ({naive} killed+injured summed naively)")
    print(score)
    print(f"naive sum {naive}, deduplicated {total}: the naive sum over-counts x{naive / total:.2f}")


class CountingStore(dict):
    """A dict store that counts assignments and deletions: in the stream each
    one is a changelog record, so fewer writes per mention is a faster worker."""

    writes = 0
    deletes = 0

    def __setitem__(self, key, value) -> None:
        CountingStore.writes += 1
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        CountingStore.deletes += 1
        super().__delitem__(key)


def batch_dir(out: Path) -> None:
    """Score a ``hasila batch`` output directory: pairs, and the naive over-count."""
    ev = Path("/work/shared/eval")
    mentions = [orjson.loads(x) for x in (out / "mentions.jsonl").read_bytes().splitlines() if x.strip()]
    latest: dict[str, dict] = {}
    for line in (out / "incidents.jsonl").read_bytes().splitlines():
        if line.strip():
            rec = orjson.loads(line)
            if rec["version"] >= latest.get(rec["incident_id"], {}).get("version", 0):
                latest[rec["incident_id"]] = rec
    final = [r for r in latest.values() if r["status"] != "merged"]
    scorer = [sys.executable, str(ev / "score_incidents.py"), str(ev / "incidents_dev.json")]
    score = subprocess.run(
        [*scorer, str(out / "incidents.jsonl")], capture_output=True, text=True, check=True
    ).stdout.strip()
    naive = sum(m["count"] or 0 for m in mentions if m["scope"] == "incident")
    undated = sum(1 for m in mentions if m["scope"] == "incident" and not m["event_date"])
    total = sum(r["count_best"] or 0 for r in final)
    print(f"batch mentions: {len(mentions)} ({undated} incident mentions without event date)")
    print(score)
    print(f"naive sum {naive}, deduplicated {total}: the naive sum over-counts x{naive / total:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--per-article", type=int, default=5)
    ap.add_argument("--dev-gold", action="store_true", help="dedup the dev gold mentions")
    ap.add_argument("--batch-dir", type=Path, help="score a `hasila batch --out` directory of the dev set")
    args = ap.parse_args()
    if args.batch_dir:
        batch_dir(args.batch_dir)
        return
    if args.dev_gold:
        dev_gold()
        return
    mentions, truth, gen, fp_ms = synthesize(args.articles, args.per_article)
    mentions.sort(key=lambda m: (m["article"]["published_at"], m["mention_id"]))
    print(f"synthetic: {len(mentions):,} mentions, {args.articles:,} articles "
          f"(generated in {gen:.1f}s; fingerprint {fp_ms * 1000:.3f} ms/article of ~1 KB)")  # fmt: skip

    config = DedupConfig(date_window_days=1, horizon_days=30)
    stores: dict[str, CountingStore] = {}
    dds: dict[str, Deduplicator] = {}
    latest: dict[str, dict] = {}
    emitted = 0
    peak_keys, peak_bytes = 0, 0
    day = None
    c0 = time.process_time()
    t0 = time.perf_counter()
    for k, m in enumerate(mentions):
        d = m["article"]["published_at"][:10]
        if d != day:
            day = d
            for dd in dds.values():
                for rec in dd.expire(d):
                    latest[rec["incident_id"]] = rec
                    emitted += 1
        key = partition_of(m)
        dd = dds.get(key)
        if dd is None:
            dd = dds[key] = Deduplicator(stores.setdefault(key, CountingStore()), config)
        for rec in dd.process(m):
            latest[rec["incident_id"]] = rec
            emitted += 1
        if k % 20_000 == 19_999:
            pause, cpause = time.perf_counter(), time.process_time()
            keys, size = state_bytes(stores)
            peak_keys, peak_bytes = max(peak_keys, keys), max(peak_bytes, size)
            t0 += time.perf_counter() - pause  # measuring the state is not dedup work
            c0 += time.process_time() - cpause
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    keys, size = state_bytes(stores)
    peak_keys, peak_bytes = max(peak_keys, keys), max(peak_bytes, size)
    live = sum(1 for s in stores.values() for k in s if k.startswith("m|"))
    print(f"dedup: {len(mentions) / elapsed:,.0f} mentions/s wall, {len(mentions) / cpu:,.0f} "
          f"mentions/s CPU ({elapsed:.2f} s wall, {cpu:.2f} s CPU, one core, "
          f"{emitted:,} incident versions emitted)")  # fmt: skip
    n = len(mentions)
    print(f"store writes: {CountingStore.writes / n:.2f} assignments + {CountingStore.deletes / n:.2f} "
          f"deletions per mention ({CountingStore.writes:,} + {CountingStore.deletes:,})")  # fmt: skip
    print(f"state at end: {keys:,} keys, {size / 1e6:.1f} MB serialised, {live:,} live mentions; "
          f"peak sampled: {peak_keys:,} keys, {peak_bytes / 1e6:.1f} MB")  # fmt: skip
    final = [r for r in latest.values() if r["status"] in ("active", "expired")]
    naive = sum(m["count"] or 0 for m in mentions)
    dedup_total = sum(r["count_best"] or 0 for r in final)
    # truth per event and kind, by the same rule as count_best: civilians plus
    # fighters of each side, or the total with unknown victims when higher
    per_event: dict[tuple, dict] = defaultdict(lambda: {"known": 0, "unknown": 0})
    for (ev, kind, victim, _group), n in truth.items():
        per_event[(ev, kind)]["unknown" if victim == "unknown" else "known"] += n
    true_total = sum(max(v.values()) for v in per_event.values())
    print(f"incidents: {len(final):,}; naive sum {naive:,}, deduplicated {dedup_total:,}, "
          f"synthetic truth {true_total:,} (naive/truth x{naive / true_total:.2f}, "
          f"dedup/truth x{dedup_total / true_total:.2f})")  # fmt: skip
    five_kb = " ".join(random.Random(1).choice(WORDS) for _ in range(380))
    t = time.perf_counter()
    for _ in range(200):
        article_fingerprint(None, five_kb, None)
    print(f"fingerprint of a {len(five_kb.encode()) / 1000:.1f} KB article: "
          f"{(time.perf_counter() - t) / 200 * 1000:.3f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
