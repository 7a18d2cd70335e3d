"""streams/metrics.py: values, closed label sets, corrections downward, mass-casualty counting."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from streams.aggregate import Aggregator
from streams.metrics import ADMIN1, build_metrics

from .conftest import make_incident


@pytest.fixture
def m():
    return build_metrics(CollectorRegistry())


def sample(m, name, **labels):
    return m.registry.get_sample_value(name, labels)


def test_pipeline_counters_and_histogram(m):
    mentions = [{"kind": "killed"}, {"kind": "injured"}, {"kind": "killed"}]
    m.article_processed({"language": "ar"}, mentions, 0.003)
    m.article_processed({"language": "en"}, [], 0.02)
    assert sample(m, "hasila_articles_in_total", language="ar") == 1
    assert sample(m, "hasila_articles_in_total", language="en") == 1
    assert sample(m, "hasila_mentions_out_total", kind="killed") == 2
    assert sample(m, "hasila_mentions_out_total", kind="injured") == 1
    assert sample(m, "hasila_processing_seconds_count", stage="extract") == 2
    assert sample(m, "hasila_processing_seconds_bucket", stage="extract", le="0.005") == 1
    assert sample(m, "hasila_last_article_timestamp_seconds") > 1.6e9


def test_labels_never_carry_free_text(m):
    m.article_in("قتل ثلاثة مدنيين في قصف")
    m.mention_out("<script>")
    m.deadletter("somewhere", "not a code")
    m.deadletter("decode", "E104")
    m.stage_seconds("my stage", 0.1)
    m.set_lag("hasila.articles.raw", 3, 42)
    m.set_lag("random-topic", 10_000, 5)
    m.incident_out({"status": "weird"})
    assert sample(m, "hasila_articles_in_total", language="other") == 1
    assert sample(m, "hasila_mentions_out_total", kind="other") == 1
    assert sample(m, "hasila_deadletters_total", stage="other", code="other") == 1
    assert sample(m, "hasila_deadletters_total", stage="decode", code="E104") == 1
    assert sample(m, "hasila_processing_seconds_count", stage="other") == 1
    assert sample(m, "hasila_consumer_lag", topic="articles.raw", partition="3") == 42
    assert sample(m, "hasila_consumer_lag", topic="other", partition="other") == 5
    assert sample(m, "hasila_incidents_out_total", status="other") == 1
    # every label value of every exported sample is in a closed set
    allowed_free = {"le"}
    for family in m.registry.collect():
        for s in family.samples:
            for key, value in s.labels.items():
                if key in allowed_free:
                    continue
                assert value.isascii() and len(value) <= 24, (s.name, key, value)


def test_casualty_gauges_follow_corrections_downward(m):
    agg = Aggregator({})
    for inc in (make_incident("a", 1, count=12), make_incident("a", 2, count=7)):
        for record in agg.apply(inc):
            m.observe_aggregate(record)
        if inc["version"] == 1:
            assert sample(m, "hasila_casualties", admin1="SY07", kind="killed", victim="civilian") == 12
    assert sample(m, "hasila_casualties", admin1="SY07", kind="killed", victim="civilian") == 7
    assert sample(m, "hasila_incidents", admin1="SY07", kind="killed") == 1
    # admin2 and day/week records do not create series of their own
    assert sample(m, "hasila_casualties", admin1="SY0700", kind="killed", victim="civilian") is None
    assert sample(m, "hasila_casualties", admin1="other", kind="killed", victim="civilian") is None


def test_merge_lowers_incident_gauge(m):
    agg = Aggregator({})
    for inc in (
        make_incident("a", 1, count=3),
        make_incident("b", 1, count=3),
        make_incident("b", 2, status="merged", count=0),
    ):
        for record in agg.apply(inc):
            m.observe_aggregate(record)
    assert sample(m, "hasila_incidents", admin1="SY07", kind="killed") == 1
    assert sample(m, "hasila_casualties", admin1="SY07", kind="killed", victim="civilian") == 3


def test_unplaced_aggregate_uses_none_label(m):
    agg = Aggregator({})
    for record in agg.apply(make_incident("a", 1, admin1=None, admin2=None, count=2)):
        m.observe_aggregate(record)
    assert sample(m, "hasila_casualties", admin1="none", kind="killed", victim="civilian") == 2


def test_mass_casualty_counted_once_when_crossing(m):
    agg = Aggregator({})
    versions = [
        make_incident("a", 1, count=4),
        make_incident("a", 2, count=11),  # crosses
        make_incident("a", 3, count=15),  # already above
        make_incident("a", 2, count=11),  # replay
        make_incident("b", 1, count=30, admin1="SY02", admin2=None),  # new, above at once
        make_incident("c", 1, count=50, kind="injured"),  # not killed
    ]
    counted = []
    for inc in versions:
        counted.append(m.observe_incident(inc, agg.previous_best(inc["incident_id"])))
        agg.apply(inc)
    assert counted == [False, True, False, False, True, False]
    assert sample(m, "hasila_mass_casualty_incidents_total", admin1="SY07") == 1
    assert sample(m, "hasila_mass_casualty_incidents_total", admin1="SY02") == 1


def test_forget_region_drops_its_series(m):
    m.observe_aggregate(
        {
            "level": "admin1",
            "bucket": "all",
            "region": "SY01",
            "by_victim": {"civilian": {"killed": 1, "injured": 0}},
            "incidents_by_kind": {"killed": 1, "injured": 0},
        }
    )
    assert sample(m, "hasila_casualties", admin1="SY01", kind="killed", victim="civilian") == 1
    m.forget_region("SY01")
    assert sample(m, "hasila_casualties", admin1="SY01", kind="killed", victim="civilian") is None
    m.forget_region("SY05")  # never set: no error


def test_series_count_is_bounded(m):
    """Drive every label with junk and real values; the series count stays at the documented bound."""
    for admin1 in [*ADMIN1, "SY99", "LB-BA", None]:
        rec = {
            "level": "admin1",
            "bucket": "all",
            "region": admin1,
            "by_victim": {v: {"killed": 1, "injured": 1} for v in ("civilian", "combatant", "unknown")},
            "incidents_by_kind": {"killed": 1, "injured": 1},
        }
        m.observe_aggregate(rec)
    n = sum(1 for f in m.registry.collect() if f.name == "hasila_casualties" for _ in f.samples)
    assert n == 16 * 2 * 3  # (14 governorates + none + other) x kinds x victims


def test_two_registries_do_not_clash():
    a, b = build_metrics(CollectorRegistry()), build_metrics(CollectorRegistry())
    a.article_in("ar")
    assert b.registry.get_sample_value("hasila_articles_in_total", {"language": "ar"}) is None


def test_mass_casualty_series_start_at_zero_for_every_governorate(m):
    for admin1 in ADMIN1:
        assert sample(m, "hasila_mass_casualty_incidents_total", admin1=admin1) == 0
