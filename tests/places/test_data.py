"""The committed gazetteer data: contents, size, and that it is what the build script makes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "streams" / "places" / "data" / "gazetteer.json.gz"
SRC = ROOT.parent / "shared" / "gazetteer"


def test_data_file_contents_and_size():
    assert DATA.stat().st_size < 3_000_000
    data = json.loads(gzip.decompress(DATA.read_bytes()))
    kinds = Counter(u["k"] for u in data["units"])
    assert kinds["admin1"] == 14 and kinds["admin2"] == 62 and kinds["admin3"] == 272
    assert kinds["community"] > 7000 and kinds["neighbourhood"] > 400
    units = {u["p"]: u for u in data["units"]}
    for u in data["units"]:
        assert u["ar"] and u["en"]
        assert u["lat"] is not None and u["lon"] is not None
        if u["k"] != "admin1":
            assert u["a1"] in units and units[u["a1"]]["k"] == "admin1"
        if u["k"] in ("admin3", "community", "neighbourhood"):
            assert units[u["a2"]]["k"] == "admin2" and units[u["a3"]]["k"] == "admin3"
    assert any("OCHA" in s for s in data["sources"]) and any("OpenSyria" in s for s in data["sources"])


def test_curated_lists_point_at_known_units():
    from streams.places import default_gazetteer

    gaz = default_gazetteer()
    for line in (ROOT / "streams/places/data/aliases.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            pcode, lang, name, source = line.split("\t")
            assert pcode in gaz.units and lang in ("ar", "en") and name and source


@pytest.mark.skipif(not SRC.exists(), reason="raw sources ../shared/gazetteer not present")
def test_build_script_reproduces_committed_file(tmp_path):
    out = tmp_path / "g.json.gz"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), "--src", str(SRC), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == DATA.read_bytes()
