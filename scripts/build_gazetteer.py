#!/usr/bin/env python3
"""Regenerate ``streams/places/data/gazetteer.json.gz`` from the raw sources.

Inputs (read-only, see ``../shared/gazetteer/PROVENANCE.md``):

* ``ocha/syr_admin1.csv``, ``syr_admin2.csv``, ``syr_admin3.csv`` - OCHA admin
  units 1-3 with Arabic/English names and p-codes (CC BY-IGO 3.0).
* ``ocha/syr_Location.csv`` - OCHA communities (C-codes) and city
  neighbourhoods (N-codes) with parents and coordinates (CC BY-IGO 3.0).
* ``ocha/syr_adminpoints.csv`` - OCHA admin centre points, for coordinates of
  admin units 1-3 (CC BY-IGO 3.0).
* ``open-syria/governorates.json``, ``districts.json``, ``subdistricts.json`` -
  OpenSyria data-geography aliases, transliterations and 2004 populations
  (CC BY 4.0).

Output: one gzip JSON file with every unit (p-code, kind, Arabic and English
display names, parents, coordinates, population, seat rank) and its matcher
keys (Arabic keys without the article plus an article flag; English keys
lower-cased in several spellings).  The curated lists in
``streams/places/data/*.tsv`` are *not* merged here: the loader reads them at
run time so they can be edited without a rebuild.

Usage::

    .venv/bin/python scripts/build_gazetteer.py [--src DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.places.names import (  # noqa: E402
    arabic_key,
    english_variants,
    split_compound,
    strip_arabic_type,
)
from streams.text.normalize import normalize_text  # noqa: E402

DEFAULT_SRC = ROOT.parent / "shared" / "gazetteer"
DEFAULT_OUT = ROOT / "streams" / "places" / "data" / "gazetteer.json.gz"
# Generic words that OCHA uses as a disambiguating suffix ("اباد - قرية").
GENERIC_PARTS = {"قريه", "مزرعه", "مزارع", "co", "ne", "village", "farm", "farms"}
# OpenSyria alias strings that are romanisations of Arabic script letter by letter.
_JUNK_EN = ("nahyt", "mntqt", "mhafzt")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(s: str | None) -> float | None:
    try:
        return round(float(s), 5) if s not in (None, "") else None
    except ValueError:
        return None


def _ar_norm_parent(name: str) -> str:
    return strip_arabic_type(" ".join(normalize_text(name).split()))


def _alternatives(name: str, parent_names: set[str], arabic: bool) -> list[str]:
    """Compound name -> its alternatives, minus parts that only name a parent."""
    parts = split_compound(name)
    out: list[str] = []
    for i, part in enumerate(parts):
        norm = _ar_norm_parent(part) if arabic else normalize_text(part).strip()
        if norm in GENERIC_PARTS or len(norm.replace(" ", "")) < 2:
            continue
        # "اليرموك - دمشق": the later part names the parent unit, not the place.
        if i > 0 and norm in parent_names:
            continue
        out.append(part)
    return out or parts[:1]


class Builder:
    """Accumulates units and their keys."""

    def __init__(self) -> None:
        self.units: dict[str, dict] = {}

    def add(self, pcode: str, kind: str, ar: str, en: str, **fields: object) -> dict:
        unit = self.units.setdefault(
            pcode,
            {"p": pcode, "k": kind, "ar": ar.strip(), "en": en.strip(), "ka": {}, "ke": set()},
        )
        for k, v in fields.items():
            if v is not None:
                unit[k] = v
        return unit

    @staticmethod
    def add_ar(unit: dict, name: str) -> None:
        key = arabic_key(name)
        if key and len(key[0].replace(" ", "")) >= 2:
            # keep "has article" if any spelling of this key has it
            unit["ka"][key[0]] = unit["ka"].get(key[0], False) or key[1]

    @staticmethod
    def add_en(unit: dict, name: str) -> None:
        folded = normalize_text(name)
        if any(j in folded for j in _JUNK_EN):
            return
        unit["ke"] |= english_variants(name)


def build(src: Path) -> dict:
    b = Builder()
    ocha = src / "ocha"
    points = {}
    for r in _read_csv(ocha / "syr_adminpoints.csv"):
        level = r["admin_leve"]
        code = {"1": r["adm1_pcode"], "2": r["adm2_pcode"], "3": r["adm3_pcode"]}.get(level)
        if code:
            points[code] = (_num(r["y_coord"]), _num(r["x_coord"]))

    for r in _read_csv(ocha / "syr_admin1.csv"):
        p = r["admin1Pcode"]
        u = b.add(
            p,
            "admin1",
            r["admin1Name_ar"],
            r["admin1Name_en"],
            a1=p,
            lat=points.get(p, (None,))[0],
            lon=points.get(p, (None, None))[1],
        )
        b.add_ar(u, r["admin1Name_ar"])
        b.add_en(u, r["admin1Name_en"])
    for r in _read_csv(ocha / "syr_admin2.csv"):
        p = r["admin2Pcode"]
        lat, lon = points.get(p, (None, None))
        u = b.add(
            p, "admin2", r["admin2Name_ar"], r["admin2Name_en"], a1=r["admin1Pcode"], a2=p, lat=lat, lon=lon
        )
        b.add_ar(u, r["admin2Name_ar"])
        b.add_en(u, r["admin2Name_en"])
    for r in _read_csv(ocha / "syr_admin3.csv"):
        p = r["admin3Pcode"]
        lat, lon = points.get(p, (None, None))
        u = b.add(
            p,
            "admin3",
            r["admin3Name_ar"],
            r["admin3Name_en"],
            a1=r["admin1Pcode"],
            a2=r["admin2Pcode"],
            a3=p,
            lat=lat,
            lon=lon,
        )
        b.add_ar(u, r["admin3Name_ar"])  # "مركز X" -> X (type word stripped)
        b.add_en(u, r["admin3Name_en"])
        b.add_en(u, r["admin3RefName_en"])

    # OpenSyria: aliases, population, centroids where OCHA has no point.
    for fname in ("governorates.json", "districts.json", "subdistricts.json"):
        for rec in json.loads((src / "open-syria" / fname).read_text(encoding="utf-8")):
            p = (rec.get("externalIds") or {}).get("ochaPcode")
            u = b.units.get(p or "")
            if u is None:
                continue
            b.add_ar(u, rec["name"].get("ar", ""))
            b.add_en(u, rec["name"].get("en", ""))
            for a in rec.get("aliases", []):
                (b.add_ar if a["language"] == "ar" else b.add_en)(u, a["value"])
            pop = (rec.get("population") or {}).get("value")
            if pop:
                u["pop"] = int(pop)
            c = rec.get("centroid") or {}
            if u.get("lat") is None and c.get("latitude") is not None:
                u["lat"], u["lon"] = round(c["latitude"], 5), round(c["longitude"], 5)

    # Communities and neighbourhoods.
    for r in _read_csv(ocha / "syr_Location.csv"):
        p = r["Location_Pcode"]
        kind = "neighbourhood" if r["location_type"] == "Neighbourhood" else "community"
        parents_ar = {_ar_norm_parent(r[f"admin{i}Name_ar"]) for i in (1, 2, 3)}
        parents_en = {normalize_text(r[f"admin{i}Name_en"]) for i in (1, 2, 3)}
        if kind == "neighbourhood":
            parents_ar.add(_ar_norm_parent(r["admin4Name_ar"]))
            parents_en.add(normalize_text(r["admin4Name_en"]))
        names_ar = _alternatives(r["LocationName_ar"], parents_ar, True)
        names_en = _alternatives(r["LocationName_en"], parents_en, False)
        u = b.add(
            p,
            kind,
            names_ar[0] if names_ar else r["LocationName_ar"],
            names_en[0] if names_en else r["LocationName_en"],
            a1=r["admin1Pcode"],
            a2=r["admin2Pcode"],
            a3=r["admin3Pcode"],
            lat=_num(r["Latitude_y"]),
            lon=_num(r["Longitude_x"]),
        )
        if kind == "neighbourhood":
            u["up"] = r["admin4Pcode"]  # the city community it belongs to
        for n in names_ar:
            b.add_ar(u, n)
        for n in names_en:
            b.add_en(u, n)
        if kind == "community":
            for n in _alternatives(
                r["admin4Name_ar"], parents_ar - {_ar_norm_parent(r["admin4Name_ar"])}, True
            ):
                b.add_ar(u, n)
            for n in _alternatives(
                r["admin4Name_en"], parents_en - {normalize_text(r["admin4Name_en"])}, False
            ):
                b.add_en(u, n)

    # Seat rank: a community that carries the name of its governorate (3),
    # district (2) or sub-district (1) is that unit's seat: "a governorate
    # seat beats a hamlet" when names collide.
    keys_of = {p: set(u["ka"]) for p, u in b.units.items() if u["k"].startswith("admin")}
    for u in b.units.values():
        if u["k"] != "community":
            continue
        ks = set(u["ka"])
        for level, code in ((3, u.get("a1")), (2, u.get("a2")), (1, u.get("a3"))):
            if ks & keys_of.get(code or "", set()):
                u["seat"] = level
                break
    # A seat and the unit named after it are spelt differently by the two
    # sources (OCHA "Sokhneh", OpenSyria "As Sukhnah"): they share their keys.
    for u in b.units.values():
        if u["k"] != "community" or not u.get("seat"):
            continue
        unit = b.units.get(u.get({3: "a1", 2: "a2", 1: "a3"}[u["seat"]]) or "")
        if unit is None:
            continue
        for key, al in unit["ka"].items():
            u["ka"][key] = u["ka"].get(key, False) or al
        u["ke"] |= unit["ke"]
        for key, al in u["ka"].items():
            unit["ka"][key] = unit["ka"].get(key, False) or al
        unit["ke"] |= u["ke"]
    units = []
    for u in sorted(b.units.values(), key=lambda x: x["p"]):
        u["ka"] = sorted([k, int(al)] for k, al in u["ka"].items())
        u["ke"] = sorted(u["ke"])
        units.append(u)
    return {
        "version": 1,
        "sources": [
            "UN OCHA Syria common operational datasets via HDX (CC BY-IGO 3.0)",
            "OpenSyria data-geography (CC BY 4.0), built on OCHA/HDX, GeoNames, Wikidata and geoBoundaries",
        ],
        "units": units,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    data = build(args.src)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # no file name and mtime=0 in the gzip header: the same sources give the same bytes
    with args.out.open("wb") as out, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as fh:
        fh.write(raw)
    counts: dict[str, int] = {}
    for u in data["units"]:
        counts[u["k"]] = counts.get(u["k"], 0) + 1
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(raw) / 1e6:.2f} MB raw): {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
