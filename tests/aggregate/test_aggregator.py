"""Behaviour of the region aggregator on incidents built by hand."""

from __future__ import annotations

import pytest

from streams.aggregate import Aggregator, InvalidIncident, buckets_for, week_bucket

from .conftest import make_incident


def by_key(records):
    return {r["key"]: r for r in records}


def test_first_incident_creates_admin1_admin2_day_week_all(aggregate_validator, incident_validator):
    inc = make_incident(count=4)
    incident_validator.validate(inc)
    agg = Aggregator({})
    changed = by_key(agg.apply(inc))
    assert set(changed) == {
        "SY07|day:2024-03-14",
        "SY07|week:2024-W11",
        "SY07|all",
        "SY0700|day:2024-03-14",
        "SY0700|week:2024-W11",
        "SY0700|all",
    }
    for record in changed.values():
        aggregate_validator.validate(record)
        assert record["killed"] == 4
        assert record["injured"] == 0
        assert record["incidents"] == 1
        assert record["by_victim"]["civilian"]["killed"] == 4
        assert record["version"] == 1
        assert record["updated_at"] == inc["updated_at"]
    assert changed["SY07|all"]["level"] == "admin1"
    assert changed["SY0700|all"]["level"] == "admin2"
    assert changed["SY0700|day:2024-03-14"]["region"] == "SY0700"
    assert changed["SY0700|day:2024-03-14"]["bucket"] == "day:2024-03-14"


def test_rising_toll_adds_only_the_difference():
    store: dict = {}
    agg = Aggregator(store)
    agg.apply(make_incident("a", 1, count=3))
    agg.apply(make_incident("b", 1, count=2, event_date="2024-03-15"))
    changed = by_key(agg.apply(make_incident("a", 2, count=7)))
    assert changed["SY07|all"]["killed"] == 9  # 7 + 2
    assert changed["SY07|all"]["incidents"] == 2
    assert changed["SY07|all"]["version"] == 3
    # the other incident's day is untouched and not re-emitted
    assert "SY07|day:2024-03-15" not in changed
    assert agg.record("SY07|day:2024-03-15")["killed"] == 2
    assert agg.record("SY07|day:2024-03-14")["killed"] == 7


def test_correction_downward_lowers_totals():
    agg = Aggregator({})
    agg.apply(make_incident("a", 1, count=12))
    changed = by_key(agg.apply(make_incident("a", 2, count=8)))
    assert changed["SY07|all"]["killed"] == 8
    assert changed["SY07|all"]["by_victim"]["civilian"]["killed"] == 8
    assert changed["SY07|all"]["incidents"] == 1


def test_merge_moves_absorbed_incident_to_zero():
    agg = Aggregator({})
    agg.apply(make_incident("a", 1, count=5))
    agg.apply(make_incident("b", 1, count=4))
    assert agg.record("SY07|all")["killed"] == 9
    # dedup decides b is the same event as a: a absorbs b's toll, b is merged
    agg.apply(make_incident("a", 2, count=6))
    changed = by_key(agg.apply(make_incident("b", 2, status="merged", count=0, merged_into="a")))
    assert changed["SY07|all"]["killed"] == 6
    assert changed["SY07|all"]["incidents"] == 1
    assert agg.applied("b")["cells"] == {}


def test_merge_of_only_incident_publishes_zero_record(aggregate_validator):
    agg = Aggregator({})
    agg.apply(make_incident("a", 1, count=5))
    changed = by_key(agg.apply(make_incident("a", 2, status="merged", count=0)))
    for record in changed.values():
        aggregate_validator.validate(record)
        assert (record["killed"], record["incidents"]) == (0, 0)


def test_expired_incident_stays_counted():
    agg = Aggregator({})
    agg.apply(make_incident("a", 1, count=5))
    assert agg.apply(make_incident("a", 2, status="expired", count=5)) == []
    assert agg.record("SY07|all")["killed"] == 5
    assert agg.record("SY07|all")["incidents"] == 1


def test_replay_of_old_versions_changes_nothing_and_reemits_current():
    store: dict = {}
    agg = Aggregator(store)
    agg.apply(make_incident("a", 1, count=3))
    agg.apply(make_incident("a", 2, count=10))
    snapshot = {k: v for k, v in store.items()}
    for version, count in ((1, 3), (2, 10)):
        again = by_key(agg.apply(make_incident("a", version, count=count)))
        assert again["SY07|all"]["killed"] == 10
        assert again["SY07|all"]["version"] == 2
    assert store == snapshot


def test_a_version_number_reached_again_with_another_toll_replaces_the_first():
    """After a dedup crash its replay may reach version 2 along another order of its inputs
    (the first run's v2 said 3 killed, the replay's v2 says 7): the later record is the lineage
    that goes on, so it wins; the same record again still changes nothing."""
    store: dict = {}
    agg = Aggregator(store)
    agg.apply(make_incident("a", 1, count=3))
    agg.apply(make_incident("a", 2, count=3))
    replayed = by_key(agg.apply(make_incident("a", 2, count=7)))
    assert replayed["SY07|all"]["killed"] == 7
    snapshot = {k: v for k, v in store.items()}
    again = by_key(agg.apply(make_incident("a", 2, count=7)))
    assert again["SY07|all"]["killed"] == 7 and store == snapshot
    assert by_key(agg.apply(make_incident("a", 1, count=50)))["SY07|all"]["killed"] == 7


def test_unquantified_incident_counts_as_incident_not_as_dead():
    agg = Aggregator({})
    changed = by_key(agg.apply(make_incident("a", 1, count=None)))
    rec = changed["SY07|all"]
    assert (rec["killed"], rec["unquantified"], rec["incidents"]) == (0, 1, 1)
    # a later report gives the number: unquantified goes back to zero
    rec = by_key(agg.apply(make_incident("a", 2, count=6)))["SY07|all"]
    assert (rec["killed"], rec["unquantified"], rec["incidents"]) == (6, 0, 1)


def test_injured_and_victim_split():
    agg = Aggregator({})
    agg.apply(make_incident("k", 1, kind="killed", count=2, victim="combatant"))
    agg.apply(make_incident("i", 1, kind="injured", count=11, victim="civilian"))
    rec = agg.record("SY07|all")
    assert (rec["killed"], rec["injured"], rec["incidents"]) == (2, 11, 2)
    assert rec["by_victim"]["combatant"] == {"killed": 2, "injured": 0}
    assert rec["by_victim"]["civilian"] == {"killed": 0, "injured": 11}
    assert rec["by_victim"]["unknown"] == {"killed": 0, "injured": 0}


def test_region_correction_moves_toll_between_governorates():
    agg = Aggregator({})
    agg.apply(make_incident("a", 1, count=4, admin1="SY07", admin2="SY0700"))
    changed = by_key(agg.apply(make_incident("a", 2, count=4, admin1="SY02", admin2=None)))
    assert changed["SY07|all"]["killed"] == 0
    assert changed["SY0700|all"]["killed"] == 0
    assert changed["SY02|all"]["killed"] == 4
    assert "SY0200|all" not in changed


def test_date_correction_moves_between_buckets_but_all_is_unchanged():
    agg = Aggregator({})
    agg.apply(make_incident("a", 1, count=4, event_date="2024-03-14"))
    changed = by_key(agg.apply(make_incident("a", 2, count=4, event_date="2024-03-20")))
    assert changed["SY07|day:2024-03-14"]["killed"] == 0
    assert changed["SY07|day:2024-03-20"]["killed"] == 4
    assert changed["SY07|week:2024-W11"]["killed"] == 0
    assert changed["SY07|week:2024-W12"]["killed"] == 4
    assert "SY07|all" not in changed  # its value did not change


def test_unplaced_and_undated_incident():
    agg = Aggregator({})
    changed = by_key(agg.apply(make_incident("a", 1, admin1=None, admin2=None, event_date=None)))
    assert set(changed) == {"none|all"}
    assert changed["none|all"]["level"] == "none"


def test_iso_week_uses_iso_year():
    from datetime import date

    assert week_bucket(date(2021, 1, 1)) == "week:2020-W53"
    assert week_bucket(date(2024, 12, 30)) == "week:2025-W01"
    assert buckets_for("2024-12-30") == ["day:2024-12-30", "week:2025-W01", "all"]


def test_updated_at_comes_from_incidents_and_never_goes_back():
    agg = Aggregator({})
    agg.apply(make_incident("a", 1, updated_at="2024-03-14T12:00:00Z"))
    rec = by_key(agg.apply(make_incident("b", 1, updated_at="2024-03-14T13:00:00+02:00")))
    # 13:00+02:00 is 11:00Z, earlier than 12:00Z
    assert rec["SY07|all"]["updated_at"] == "2024-03-14T12:00:00Z"


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "deleted"},
        {"kind": "missing"},
        {"victim": "bystander"},
        {"count_best": -1},
        {"count_best": "5"},
        {"event_date": "2024-02-30"},
        {"version": 0},
        {"incident_id": ""},
        {"updated_at": None},
    ],
)
def test_invalid_incidents_are_refused_without_writing(bad):
    store: dict = {}
    inc = make_incident()
    inc.update(bad)
    with pytest.raises(InvalidIncident):
        Aggregator(store).apply(inc)
    assert store == {}


def test_store_values_are_reassigned_not_mutated():
    class Recording(dict):
        def __init__(self):
            super().__init__()
            self.sets = []

        def __setitem__(self, key, value):
            self.sets.append(key)
            super().__setitem__(key, value)

        def __iter__(self):  # the aggregator must not rely on iteration
            raise AssertionError("store iterated")

    store = Recording()
    agg = Aggregator(store)
    agg.apply(make_incident("a", 1, count=1))
    before = dict.__getitem__(store, "a|SY07|all")
    agg.apply(make_incident("a", 2, count=2))
    assert before["killed"] == 1  # the old value object was not mutated
    assert "a|SY07|all" in store.sets[-7:]


def test_incidents_split_by_kind_follow_merges():
    agg = Aggregator({})
    agg.apply(make_incident("k", 1, kind="killed", count=2))
    agg.apply(make_incident("i", 1, kind="injured", count=5))
    agg.apply(make_incident("i2", 1, kind="injured", count=None))
    assert agg.record("SY07|all")["incidents_by_kind"] == {"killed": 1, "injured": 2}
    agg.apply(make_incident("i2", 2, kind="injured", status="merged", count=0))
    assert agg.record("SY07|all")["incidents_by_kind"] == {"killed": 1, "injured": 1}


def test_previous_best_reports_the_applied_killed_count():
    agg = Aggregator({})
    assert agg.previous_best("a") == 0
    agg.apply(make_incident("a", 1, count=8))
    assert agg.previous_best("a") == 8
    agg.apply(make_incident("a", 2, count=None))
    assert agg.previous_best("a") == 0
    agg.apply(make_incident("b", 1, kind="injured", count=30))
    assert agg.previous_best("b") == 0
    agg.apply(make_incident("a", 3, count=14))
    agg.apply(make_incident("a", 4, status="merged", count=0))
    assert agg.previous_best("a") == 0
