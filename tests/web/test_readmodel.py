"""The pure read model: upserts by version, period sums, history, incident filters, the bound."""

from __future__ import annotations

from datetime import date

import pytest

from streams.web.readmodel import ReadModel

from .records import aggregate, incident


def test_latest_version_wins_and_older_versions_are_ignored():
    m = ReadModel()
    assert m.apply_aggregate(aggregate("SY07", "all", killed=4, version=2))
    assert not m.apply_aggregate(aggregate("SY07", "all", killed=1, version=1))
    assert not m.apply_aggregate(aggregate("SY07", "all", killed=1, version=2))
    assert m.regions()[0]["killed"] == 4
    assert m.apply_aggregate(aggregate("SY07", "all", killed=9, version=3))
    assert m.regions()[0]["killed"] == 9


def test_an_incident_version_reached_again_with_other_content_replaces_the_first():
    """A dedup replay can emit a version number again with other content (docs/reliability.md):
    the later record wins; an identical copy is not an update."""
    m = ReadModel()
    assert m.apply_incident(incident("i1", count=3, version=2))
    assert not m.apply_incident(incident("i1", count=3, version=2))
    assert m.apply_incident(incident("i1", count=7, version=2))
    assert m.incident("i1")["count_best"] == 7
    assert not m.apply_incident(incident("i1", count=1, version=1))
    # merged at v3, then the replayed lineage's active v3: the later record brings it back
    assert m.apply_incident(incident("i1", count=0, version=3, status="merged"))
    assert not m.apply_incident(incident("i1", count=0, version=3, status="merged"))
    assert m.apply_incident(incident("i1", count=7, version=3))


def test_no_period_uses_the_all_bucket_and_a_period_sums_day_buckets():
    m = ReadModel()
    m.apply_many(
        aggregates=[
            aggregate("SY07", "all", killed=20, injured=5, incidents=4),
            aggregate("SY07", "day:2025-04-01", killed=3, incidents=1),
            aggregate("SY07", "day:2025-04-02", killed=7, injured=5, incidents=2),
            aggregate("SY07", "week:2025-W14", killed=10, injured=5, incidents=3),
            aggregate("SY07", "day:2025-03-01", killed=10, incidents=1),
            aggregate("SY12", "all", killed=2, incidents=1),
            aggregate("SY12", "day:2025-04-02", killed=2, incidents=1),
            aggregate("SY0700", "all", killed=20, incidents=4),
        ]
    )
    assert [(r["region"], r["killed"]) for r in m.regions()] == [("SY07", 20), ("SY12", 2)]
    rows = {r["region"]: r for r in m.regions(date(2025, 4, 1), date(2025, 4, 2))}
    assert (rows["SY07"]["killed"], rows["SY07"]["injured"], rows["SY07"]["incidents"]) == (10, 5, 3)
    assert rows["SY12"]["killed"] == 2
    only_second = {r["region"]: r["killed"] for r in m.regions(date(2025, 4, 2), date(2025, 4, 2))}
    assert only_second == {"SY07": 7, "SY12": 2}
    open_start = {r["region"]: r["killed"] for r in m.regions(None, date(2025, 4, 1))}
    assert open_start == {"SY07": 13, "SY12": 0}
    assert [r["region"] for r in m.regions(level="admin2")] == ["SY0700"]


def test_by_victim_is_summed_over_days():
    m = ReadModel()
    m.apply_aggregate(
        aggregate("SY07", "day:2025-04-01", killed=3, by_victim={"civilian": {"killed": 3, "injured": 0}})
    )
    m.apply_aggregate(
        aggregate(
            "SY07",
            "day:2025-04-02",
            killed=2,
            by_victim={"civilian": {"killed": 1, "injured": 2}, "combatant": {"killed": 1, "injured": 0}},
        )
    )
    row = m.regions(date(2025, 4, 1), date(2025, 4, 30))[0]
    assert row["by_victim"] == {
        "civilian": {"killed": 4, "injured": 2},
        "combatant": {"killed": 1, "injured": 0},
    }


def test_history_lists_days_in_order_within_the_period():
    m = ReadModel()
    for day, killed in (("2025-04-03", 1), ("2025-04-01", 5), ("2025-03-30", 2)):
        m.apply_aggregate(aggregate("SY02", f"day:{day}", killed=killed))
    m.apply_aggregate(aggregate("SY02", "all", killed=8))
    assert [(d["date"], d["killed"]) for d in m.history("SY02")] == [
        ("2025-03-30", 2),
        ("2025-04-01", 5),
        ("2025-04-03", 1),
    ]
    assert [d["date"] for d in m.history("SY02", date(2025, 4, 1))] == ["2025-04-01", "2025-04-03"]
    assert m.history("SY03") == []


def test_incident_filters_and_order():
    m = ReadModel()
    m.apply_many(
        incidents=[
            incident("i1", admin1="SY07", admin2="SY0703", count=4, event_date="2025-04-02"),
            incident("i2", admin1="SY07", kind="injured", count=7, event_date="2025-04-02"),
            incident("i3", admin1="SY12", count=2, event_date="2025-04-05"),
            incident("i4", admin1="SY07", count=None, event_date=None),
            incident("i5", admin1="SY07", count=30, event_date="2025-03-01"),
        ]
    )
    total, items = m.incidents()
    assert total == 5
    assert [i["incident_id"] for i in items][:3] == ["i3", "i2", "i1"]  # newest event first
    assert items[-1]["incident_id"] == "i4"  # undated last
    assert {i["incident_id"] for i in m.incidents(region="SY07")[1]} == {"i1", "i2", "i4", "i5"}
    assert [i["incident_id"] for i in m.incidents(region="SY0703")[1]] == ["i1"]
    assert {i["incident_id"] for i in m.incidents(kind="killed", min_count=3)[1]} == {"i1", "i5"}
    assert {i["incident_id"] for i in m.incidents(start=date(2025, 4, 1))[1]} == {"i1", "i2", "i3"}
    assert {i["incident_id"] for i in m.incidents(end=date(2025, 4, 2))[1]} == {"i1", "i2", "i5"}
    total, items = m.incidents(limit=2)
    assert total == 5 and len(items) == 2


def test_merged_incident_is_removed_and_an_older_copy_cannot_return():
    m = ReadModel()
    m.apply_incident(incident("i1", version=1))
    m.apply_incident(incident("i2", version=1))
    assert m.apply_incident(incident("i2", version=2, status="merged"))
    assert m.incident("i2") is None
    assert not m.apply_incident(incident("i2", version=1))
    assert m.incident("i2") is None
    assert m.incidents()[0] == 1
    assert m.apply_incident(incident("i2", version=3))  # a later revival wins
    assert m.incident("i2")["version"] == 3


def test_higher_incident_version_replaces_the_lower():
    m = ReadModel()
    m.apply_incident(incident("i1", count=4, version=1))
    m.apply_incident(incident("i1", count=6, version=2))
    m.apply_incident(incident("i1", count=5, version=1))
    assert m.incident("i1")["count_best"] == 6


def test_the_number_of_incidents_is_bounded_keeping_the_most_recent():
    m = ReadModel(max_incidents=10)
    for k in range(50):
        m.apply_incident(
            incident(
                f"i{k:02d}", event_date=f"2025-01-{1 + k % 28:02d}" if k < 28 else f"2025-02-{1 + k - 28:02d}"
            )
        )
        assert m.incident_count <= 11
    m.trim()
    assert m.incident_count == 10
    kept = sorted(i["event_date"] for i in m.incidents(limit=500)[1])
    assert kept[0] >= "2025-02-13"  # the ten latest days are 2025-02-13..2025-02-22


def test_records_without_keys_are_ignored():
    m = ReadModel()
    assert not m.apply_aggregate({"killed": 3})
    assert not m.apply_incident({"version": 1})
    assert m.aggregate_count == 0 and m.incident_count == 0


def test_bound_must_be_positive():
    with pytest.raises(ValueError):
        ReadModel(max_incidents=0)


def test_daily_and_weekly_history_is_bounded_but_all_time_totals_stay():
    m = ReadModel(max_days=60)
    start = date(2020, 1, 1)
    for k in range(0, 3000, 3):  # eight years of days, every third day, in two regions
        day = date.fromordinal(start.toordinal() + k)
        week = f"week:{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
        for region in ("SY07", "SY0702"):
            m.apply_aggregate(aggregate(region, f"day:{day.isoformat()}", killed=1))
            m.apply_aggregate(aggregate(region, week, killed=1))
            m.apply_aggregate(aggregate(region, "all", killed=k + 1, version=k + 1))
        # bounded: at most max_days + one eviction step of days, and their weeks, per region
        assert m.aggregate_count <= 2 * (1 + (60 + 30) // 3 + (60 + 30) // 7 + 2)
    latest = date.fromordinal(start.toordinal() + 2997)
    assert m.history_from == date.fromordinal(latest.toordinal() - 60).isoformat()
    days = m.history("SY07")
    assert days[-1]["date"] == latest.isoformat() and days[0]["date"] >= m.history_from
    assert m.regions()[0]["killed"] == 2998  # the all-time total is kept
    # a late record older than the kept history changes nothing
    assert not m.apply_aggregate(aggregate("SY07", "day:2020-01-02", killed=5, version=9))
    assert m.apply_aggregate(aggregate("SY07", f"day:{latest.isoformat()}", killed=5, version=2))


def test_history_bound_must_be_positive():
    with pytest.raises(ValueError):
        ReadModel(max_days=0)
