"""Rebuilding the current table from the compacted aggregates topic."""

from __future__ import annotations

from streams.aggregate import Aggregator, rebuild, totals

from .conftest import make_incident


def test_rebuild_keeps_latest_version_regardless_of_order():
    a = {"key": "SY01|all", "version": 1, "killed": 1, "level": "admin1", "bucket": "all"}
    b = {"key": "SY01|all", "version": 3, "killed": 5, "level": "admin1", "bucket": "all"}
    c = {"key": "SY01|all", "version": 2, "killed": 4, "level": "admin1", "bucket": "all"}
    assert rebuild([a, b, c])["SY01|all"]["killed"] == 5
    assert rebuild([c, b, a])["SY01|all"]["killed"] == 5


def test_rebuild_ignores_tombstones():
    rec = {"key": "SY02|all", "version": 1, "killed": 2}
    assert rebuild([None, rec, None]) == {"SY02|all": rec}


def test_rebuild_of_aggregator_output_and_totals_order():
    agg = Aggregator({})
    out = []
    out += agg.apply(make_incident("a", 1, count=3, admin1="SY01", admin2=None))
    out += agg.apply(make_incident("b", 1, count=9, admin1="SY02", admin2=None))
    out += agg.apply(make_incident("a", 2, count=1, admin1="SY01", admin2=None))
    table = rebuild(out)
    ranked = totals(table, level="admin1", bucket="all")
    assert [(r["region"], r["killed"]) for r in ranked] == [("SY02", 9), ("SY01", 1)]
