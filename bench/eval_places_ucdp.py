#!/usr/bin/env python3
"""English place coverage against UCDP GED Syria events (../shared/data/ucdp_syria_events.csv).

UCDP names each event's place in its own English transliteration
(``location_where_name``: "Raju village", "Bizabur town") with the
governorate and district (``location_adm1_name``, ``location_adm2_name``).
The governorate string is resolved with the gazetteer to get the expected
p-code; then the place name is resolved

* alone (no context: a one-word village is then dropped unless UCDP wrote
  "village"/"town" after it; tests spellings and the size prior), and
* as "place, governorate" (tests that the neighbouring unit disambiguates).

A place counts as found when a mention inside the place string resolves to
anything finer than the country. Read at run time only; nothing is copied into the project.

    .venv/bin/python bench/eval_places_ucdp.py [--errors N]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.places import default_gazetteer  # noqa: E402
from streams.text.normalize import normalize  # noqa: E402

CSV = ROOT.parent / "shared" / "data" / "ucdp_syria_events.csv"
_TYPE_SUFFIX = re.compile(
    r"\s+(village|town|city|area|district|suburb|neighbourhood|neighborhood|camp|hill|airbase|"
    r"airport|base|checkpoint|road|highway|crossing|mountain|mountains|region|plain|desert|farms?)$",
    re.I,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", type=int, default=0, help="print this many misses of each kind")
    args = ap.parse_args(argv)
    gaz = default_gazetteer()
    rows = list(csv.DictReader(CSV.open(encoding="utf-8")))
    places: Counter[tuple[str, str]] = Counter()
    for r in rows:
        places[(r["location_where_name"].strip(), r["location_adm1_name"].strip())] += 1
    n = skipped = 0
    found = {"alone": 0, "context": 0}
    ok = {"alone": 0, "context": 0}
    misses: dict[str, list] = {"not found": [], "alone": [], "context": []}
    for (where, adm1), _count in places.items():
        gold = gaz.resolve(adm1, lang="en").admin1
        if not gold or not gold.startswith("SY") or not where:
            skipped += 1
            continue
        n += 1
        name = _TYPE_SUFFIX.sub("", where)
        for mode, text in (("alone", where), ("context", f"{where}, {adm1}")):
            ms = [m for m in gaz.find_places(normalize(text), lang="en") if m.start < len(where)]
            ms = [m for m in ms if m.region.precision not in ("country", "none")]
            if not ms:
                if mode == "context":
                    misses["not found"].append(where)
                continue
            found[mode] += 1
            r = ms[0].region
            if gold in (r.admin1, r.admin1_alt):
                ok[mode] += 1
            else:
                misses[mode].append((where, adm1, r.admin1, r.pcode, name))
    print(f"distinct (place, governorate) pairs: {n} (skipped {skipped}: no Syrian governorate or no place)")
    for mode, label in (("alone", "place alone"), ("context", "'place, governorate'")):
        f, k = found[mode], ok[mode]
        print(
            f"{label:22s} found {f}/{n} = {f / n:.3f}; admin1 correct {k}/{f} = {k / max(f, 1):.3f} of found"
        )
    for k, v in misses.items():
        for m in v[: args.errors]:
            print(f"MISS {k}\t{m}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
