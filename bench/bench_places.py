#!/usr/bin/env python3
"""Speed of place resolution: gazetteer load time and matching+resolving throughput.

Throughput is measured end to end per article (normalise + one-pass match +
joint resolution), on Arabic text: the dev articles of ../shared/eval (read at
run time, never copied) repeated to about 8 MB, or, without them, synthetic
sentences written for this benchmark.  MB are UTF-8 megabytes (an Arabic
letter is 2 bytes); characters per second are printed too.

    .venv/bin/python bench/bench_places.py [--mb 8] [--lang ar]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV = ROOT.parent / "shared" / "eval" / "dev_articles.jsonl"
_SYNTH = [
    "قُتل {n} مدنيين وأصيب آخرون بقصف مدفعي استهدف بلدة {p} بريف {g} الجنوبي مساء أمس.",
    "وقالت مصادر محلية إن اشتباكات عنيفة اندلعت في محيط مدينة {p} بين فصائل المعارضة وقوات النظام.",
    "ولم تصدر أي بيانات رسمية حول حصيلة الضحايا حتى ساعة إعداد هذا التقرير.",
    "وشهدت محافظة {g} خلال الأسبوع الماضي تصعيداً ملحوظاً في عمليات الاغتيال والخطف.",
]
_PLACES = ["زيزون", "سراقب", "المزيريب", "الصنمين", "جاسم", "منبج", "الباب", "تل رفعت", "الميادين", "هجين"]
_GOVS = ["درعا", "إدلب", "حلب", "حماة", "دير الزور", "الحسكة"]


def _articles(lang: str) -> list[str]:
    if DEV.exists():
        out = []
        for line in DEV.read_text(encoding="utf-8").splitlines():
            a = json.loads(line)
            if a["language"] == lang:
                out.append((a.get("title") or "") + "\n\n" + (a.get("body") or ""))
        if out:
            return out
    rnd = random.Random(7)
    arts = []
    for _ in range(200):
        sents = [
            rnd.choice(_SYNTH).format(n=rnd.randint(2, 30), p=rnd.choice(_PLACES), g=rnd.choice(_GOVS))
            for _ in range(rnd.randint(8, 30))
        ]
        arts.append(" ".join(sents))
    return arts


def measure_load() -> tuple[float, float]:
    """Cold load of the packaged gazetteer in a fresh interpreter: (wall, CPU) seconds."""
    code = (
        "import time; t=time.perf_counter(); c=time.process_time();"
        "from streams.places import default_gazetteer; default_gazetteer();"
        "print(time.perf_counter()-t, time.process_time()-c)"
    )
    runs = [
        tuple(map(float, subprocess.check_output([sys.executable, "-c", code], cwd=ROOT, text=True).split()))
        for _ in range(3)
    ]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=8.0)
    ap.add_argument("--lang", default="ar")
    args = ap.parse_args(argv)

    load, load_cpu = measure_load()
    print(
        f"gazetteer cold load (import + data + automaton), best of 3: {load:.3f} s wall, {load_cpu:.3f} s CPU"
    )

    from streams.places import default_gazetteer
    from streams.text.normalize import normalize

    gaz = default_gazetteer()
    arts = _articles(args.lang)
    corpus: list[str] = []
    size = 0
    while size < args.mb * 1e6:
        for a in arts:
            corpus.append(a)
            size += len(a.encode())
    chars = sum(len(a) for a in corpus)
    found = 0
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        found = 0
        for a in corpus:
            found += len(gaz.find_places(normalize(a), lang=args.lang))
        best = min(best, time.perf_counter() - t)
    nts = [normalize(a) for a in corpus]
    mr = cpu = float("inf")
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        for nt in nts:
            gaz.find_places(nt, lang=args.lang)
        mr = min(mr, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    t = time.perf_counter()
    for a in corpus:
        normalize(a)
    norm_s = time.perf_counter() - t
    print(
        f"corpus: {len(corpus)} articles, {size / 1e6:.1f} MB UTF-8, {chars / 1e6:.1f} M chars ({args.lang})"
    )
    mbs, mcs = size / 1e6 / best, chars / 1e6 / best
    print(f"normalise + match + resolve: {best:.2f} s -> {mbs:.1f} MB/s, {mcs:.1f} M chars/s")
    mb = size / 1e6
    print(f"match + resolve on normalised text: {mr:.2f} s wall -> {mb / mr:.1f} MB/s;", end=" ")
    print(f"{cpu:.2f} s CPU -> {mb / cpu:.1f} MB/s")
    print(f"normalise alone (shared streams.text.normalize): {norm_s:.2f} s; place mentions found: {found}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
