"""Digest of extraction output: the guard for speed work on ``streams/extract``.

    .venv/bin/python bench/extract_digest.py [--dump FILE] [N]

Why: an optimisation of the extractor must not change a single mention. This
prints one sha256 per corpus (``bench_extract`` articles, normal and dense, and
the UCDP-based synthetic pipeline articles) over every mention as sorted-key
JSON, so "before" and "after" can be compared by eye; ``--dump`` also writes
the lines themselves, to diff when a digest moves.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import make
from synthetic import make_articles

from streams.extract import extract_article


def corpora(n: int) -> dict[str, list[dict]]:
    """The three article sets, built deterministically (fixed seeds)."""
    rnd = random.Random(7)
    normal = [make(i, rnd) for i in range(n)]
    rnd = random.Random(7)
    dense = [make(i, rnd, True) for i in range(n)]
    _, synth = make_articles(n // 2, seed=7)
    return {"bench": normal, "dense": dense, "synthetic": synth}


def main() -> None:
    args = sys.argv[1:]
    dump = None
    if "--dump" in args:
        i = args.index("--dump")
        dump = open(args[i + 1], "w", encoding="utf-8")  # noqa: SIM115
        del args[i : i + 2]
    n = int(args[0]) if args else 2000
    for name, arts in corpora(n).items():
        h = hashlib.sha256()
        count = 0
        for a in arts:
            for m in extract_article(a):
                line = json.dumps(m, sort_keys=True, ensure_ascii=False) + "\n"
                h.update(line.encode())
                count += 1
                if dump:
                    dump.write(f"{name}\t{line}")
        print(f"{name:10s} articles {len(arts):5d} mentions {count:6d} sha256 {h.hexdigest()}")
    if dump:
        dump.close()


if __name__ == "__main__":
    main()
