#!/usr/bin/env python3
"""Place resolution against the gold places of the dev articles.

For every gold mention of ``../shared/eval/dev.jsonl`` that has a ``place``
string, resolve that string *in its article's context* (all places of the
article found first, then the gold string resolved with them as context) and
compare with the gold ``admin1`` (the text's reading ``admin1_alt`` is
accepted both ways, ANNOTATION.md section 4) and, when given, ``admin2``.

Also counts every place mention found in the articles, by kind, and lists the
one-word community hits so false positives can be inspected.

    .venv/bin/python bench/eval_places.py [--dev ../shared/eval/dev.jsonl] [--errors] [--hits]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.places import default_gazetteer  # noqa: E402
from streams.text.normalize import normalize  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    ap.add_argument("--errors", action="store_true", help="print the misses")
    ap.add_argument("--hits", action="store_true", help="print every place mention found (FP review)")
    args = ap.parse_args(argv)
    gaz = default_gazetteer()
    n = ok1 = ok12 = n2 = ok2 = 0
    by_lang: Counter[str] = Counter()
    ok_lang: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    errors = []
    for line in args.dev.read_text(encoding="utf-8").splitlines():
        art = json.loads(line)
        text = (art.get("title") or "") + "\n\n" + (art.get("body") or "")
        mentions = gaz.find_places(normalize(text), lang=art["language"])
        for m in mentions:
            kinds[m.kind] += 1
            if args.hits:
                print(f"{art['id'][:14]}\t{m.kind}\t{m.score}\t{m.surface}\t{m.region.pcode}")
        for g in art["gold"]:
            if not g.get("place"):
                continue
            r = gaz.resolve(g["place"], context=mentions, lang=art["language"])
            gold1, gold_alt = g.get("admin1"), g.get("admin1_alt")
            good1 = (r.admin1 in (gold1, gold_alt) and r.admin1 is not None) or (
                gold1 is not None and r.admin1_alt == gold1
            )
            if gold1 is None:
                good1 = r.admin1 is None
            good2 = True
            if g.get("admin2"):
                n2 += 1
                good2 = r.admin2 == g["admin2"] or (good1 and r.admin1_alt == gold1 and r.admin1 != gold1)
                ok2 += good2
            n += 1
            by_lang[art["language"]] += 1
            ok1 += good1
            ok12 += good1 and good2
            ok_lang[art["language"]] += good1 and good2
            if not (good1 and good2):
                errors.append((art["id"], g["place"], gold1, g.get("admin2"), gold_alt, r.to_record()))
    print(f"gold places: {n}")
    print(f"admin1 accuracy:           {ok1}/{n} = {ok1 / n:.3f}")
    print(f"admin2 accuracy (given):   {ok2}/{n2} = {ok2 / max(n2, 1):.3f}")
    print(f"admin1 and admin2 correct: {ok12}/{n} = {ok12 / n:.3f}")
    for lang in sorted(by_lang):
        print(f"  {lang}: {ok_lang[lang]}/{by_lang[lang]} = {ok_lang[lang] / by_lang[lang]:.3f}")
    print(f"place mentions found in the articles by kind: {dict(kinds)}")
    if args.errors:
        for e in errors:
            print("MISS", *e, sep="\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
