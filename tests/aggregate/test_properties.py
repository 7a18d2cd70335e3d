"""Property: whatever the order, replays and corrections, totals = a recount of latest versions."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.aggregate import Aggregator, rebuild

from .conftest import make_incident

REGIONS = [("SY01", "SY0100"), ("SY01", "SY0101"), ("SY07", None), (None, None)]
DATES = ["2024-01-01", "2024-01-07", "2024-01-08", None]

version_st = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["active", "active", "active", "merged", "expired"]),
        "kind": st.sampled_from(["killed", "injured"]),
        "count": st.one_of(st.none(), st.integers(0, 60)),
        "victim": st.sampled_from(["civilian", "combatant", "unknown"]),
        "region": st.sampled_from(REGIONS),
        "event_date": st.sampled_from(DATES),
    }
)


def build(incident_id, version, spec):
    admin1, admin2 = spec["region"]
    return make_incident(
        incident_id,
        version,
        status=spec["status"],
        kind=spec["kind"],
        count=spec["count"],
        victim=spec["victim"],
        admin1=admin1,
        admin2=admin2,
        event_date=spec["event_date"],
        updated_at=f"2024-02-01T00:{version:02d}:00+00:00",
    )


def recount(latest):
    """Totals per '<pcode>|<bucket>' computed from scratch, independently of the aggregator."""
    from datetime import date

    totals: dict[str, Counter] = {}
    for inc in latest:
        if inc["status"] == "merged":
            continue
        r = inc["region"]
        pcodes = [r["admin1"] or "none"] + ([r["admin2"]] if r["admin2"] else [])
        buckets = ["all"]
        if inc["event_date"]:
            d = date.fromisoformat(inc["event_date"])
            y, w, _ = d.isocalendar()
            buckets += [f"day:{d}", f"week:{y}-W{w:02d}"]
        for p in pcodes:
            for b in buckets:
                c = totals.setdefault(f"{p}|{b}", Counter())
                c["incidents"] += 1
                c[f"incidents:{inc['kind']}"] += 1
                if inc["count_best"] is None:
                    c["unquantified"] += 1
                else:
                    c[inc["kind"]] += inc["count_best"]
                    c[f"{inc['victim']}.{inc['kind']}"] += inc["count_best"]
    return totals


@settings(max_examples=150, deadline=None)
@given(
    histories=st.lists(st.lists(version_st, min_size=1, max_size=4), min_size=1, max_size=5),
    order=st.randoms(use_true_random=False),
    replays=st.integers(0, 6),
)
def test_totals_match_recount_of_latest_versions(histories, order, replays):
    versions = [
        build(f"i{n}", v + 1, spec) for n, hist in enumerate(histories) for v, spec in enumerate(hist)
    ]
    stream = list(versions)
    order.shuffle(stream)
    stream += [order.choice(versions) for _ in range(replays)]

    agg = Aggregator({})
    emitted = []
    for inc in stream:
        emitted.extend(agg.apply(inc))

    # what the aggregator ends with is the latest version applied per incident
    latest: dict[str, dict] = {}
    for inc in stream:
        if inc["incident_id"] not in latest or inc["version"] > latest[inc["incident_id"]]["version"]:
            latest[inc["incident_id"]] = inc
    expected = recount(latest.values())

    table = rebuild(emitted)
    for key in set(expected) | set(table):
        rec = agg.record(key)
        want = expected.get(key, Counter())
        got = {
            "killed": rec["killed"],
            "injured": rec["injured"],
            "incidents": rec["incidents"],
            "unquantified": rec["unquantified"],
            **{f"{v}.{k}": c for v, kinds in rec["by_victim"].items() for k, c in kinds.items()},
            **{f"incidents:{k}": n for k, n in rec["incidents_by_kind"].items()},
        }
        assert {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}, key
        # the compacted topic alone rebuilds the same state
        assert table[key] == rec
    # versions are strictly increasing per key in emission order, except idempotent re-emissions
    last: dict[str, int] = {}
    for rec in emitted:
        assert rec["version"] >= last.get(rec["key"], 0)
        last[rec["key"]] = rec["version"]
