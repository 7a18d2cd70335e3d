"""Incident references: an article that names the event at its exact place but gives no
toll becomes a source of the incident, and never changes a figure."""

from __future__ import annotations

import itertools

import pytest

from streams.dedup import DedupConfig, Deduplicator
from tests.dedup.helpers import INCIDENT, REFERENCE, JsonStore, active, article, body, mention, reference

DAY = "2024-02-11T09:00:00Z"


def _art(aid: str, topic: str, seed: int, published_at: str | None = DAY, source: str = "outlet") -> dict:
    return article(aid, body(topic, seed), published_at=published_at, source=source)


def _run(records: list[dict], store: JsonStore | None = None) -> tuple[dict, list[dict]]:
    dd = Deduplicator(store if store is not None else JsonStore(), DedupConfig())
    versions = []
    for rec in records:
        versions.extend(dd.process_reference(rec) if "reference_id" in rec else dd.process(rec))
    for v in versions:
        INCIDENT.validate(v)
    return active(versions), versions


def _clash_reports() -> list[dict]:
    """Three outlets count the dead of a clash in the Tayy quarter of Qamishli."""
    arts = [_art(f"r{i}", f"اشتباكات في حي طي بالقامشلي {i}", i, source=f"s{i}") for i in range(3)]
    return [mention(a, "qamishli_tayy", n, victim="combatant") for a, n in zip(arts, (5, 5, 6), strict=True)]


def _only(incidents: dict, kind: str = "killed") -> dict:
    found = [i for i in incidents.values() if i["kind"] == kind]
    assert len(found) == 1, found
    return found[0]


def test_undated_reference_joins_the_incident_without_changing_a_figure():
    reports = _clash_reports()
    calm = _art("calm", "هدوء حذر في حي طي بعد الاشتباكات", 9, published_at=None, source="late")
    ref = reference(calm, "qamishli_tayy")
    REFERENCE.validate(ref)
    before = _only(_run(reports)[0])
    after = _only(_run([*reports, ref])[0])
    assert "calm" in after["article_ids"] and "calm" not in before["article_ids"]
    for field in ("count_best", "count_min", "count_max", "event_date", "region", "mention_ids", "first_seen"):
        assert after[field] == before[field]
    cited = [s for s in after["sources"] if s["article_id"] == "calm"]
    assert cited == [
        {**cited[0], "count": None, "count_min": None, "count_max": None, "reference_id": ref["reference_id"]}
    ]


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_a_reference_finds_its_incident_whatever_the_arrival_order(order):
    records = [*_clash_reports(), reference(_art("calm", "هدوء حذر في حي طي", 9, None), "qamishli_tayy")]
    incidents, versions = _run([records[i] for i in order])
    assert "calm" in _only(incidents)["article_ids"]
    seen: dict[str, int] = {}
    for v in versions:
        assert v["version"] > seen.get(v["incident_id"], 0)
        seen[v["incident_id"]] = v["version"]


def test_a_reference_names_no_kind_so_it_joins_the_killed_and_the_injured():
    a = _art("a", "قصف على كفرنبل", 1)
    b = _art("b", "قصف مدفعي يستهدف كفرنبل", 2, source="other")
    records = [mention(a, "kafrnabl", 3), mention(a, "kafrnabl", 7, kind="injured", n=1), reference(b, "kafrnabl")]
    incidents, _ = _run(records)
    assert "b" in _only(incidents, "killed")["article_ids"]
    assert "b" in _only(incidents, "injured")["article_ids"]


def test_a_dated_reference_outside_the_date_window_stays_apart():
    a = _art("a", "قصف على كفرنبل", 1, published_at="2024-02-11T08:00:00Z")
    b = _art("b", "قصف على كفرنبل بعد أيام", 2, published_at="2024-02-15T08:00:00Z", source="other")
    incidents, versions = _run([mention(a, "kafrnabl", 3), reference(b, "kafrnabl")])
    assert _only(incidents)["article_ids"] == ["a"]
    assert len(versions) == 1


def test_a_reference_to_another_place_or_quarter_stays_apart():
    reports = _clash_reports()
    other_quarter = reference(_art("q", "اشتباكات في حي قدور بك", 5, None), "qamishli_qaddour")
    next_town = reference(_art("h", "قصف على حاس", 6), "has")
    incidents, _ = _run([*reports, other_quarter, next_town])
    assert _only(incidents)["article_ids"] == ["r0", "r1", "r2"]


def test_an_undated_reference_between_two_incidents_of_like_size_is_ambiguous():
    a = _art("a", "غارة على كفرنبل", 1, published_at="2024-02-01T08:00:00Z")
    b = _art("b", "غارة أخرى على كفرنبل", 2, published_at="2024-02-20T08:00:00Z", source="other")
    calm = reference(_art("c", "قصف على كفرنبل", 3, None, source="third"), "kafrnabl")
    incidents, _ = _run([mention(a, "kafrnabl", 2), mention(b, "kafrnabl", 4), calm])
    assert all("c" not in i["article_ids"] for i in incidents.values())
    # once one of them is reported by clearly more outlets, it is the one a reader means
    more = [_art(f"m{i}", f"غارة على كفرنبل {i}", 10 + i, "2024-02-20T10:00:00Z", f"o{i}") for i in range(2)]
    incidents, _ = _run([mention(a, "kafrnabl", 2), mention(b, "kafrnabl", 4), calm,
                         *(mention(m, "kafrnabl", 4) for m in more)])
    by_date = {i["event_date"]: i for i in incidents.values()}
    assert "c" in by_date["2024-02-20"]["article_ids"]
    assert "c" not in by_date["2024-02-01"]["article_ids"]


def test_references_are_idempotent_and_need_an_exact_place():
    reports = _clash_reports()
    ref = reference(_art("calm", "هدوء في حي طي", 9, None), "qamishli_tayy")
    store = JsonStore()
    incidents, _ = _run([*reports, ref], store)
    assert "calm" in _only(incidents)["article_ids"]
    dd = Deduplicator(store, DedupConfig())
    assert dd.process_reference(ref) == []
    vague = reference(_art("v", "قصف على ريف الحسكة", 4), "hasakah_gov")
    assert dd.process_reference(vague) == []
    assert not any(k.startswith("r|v:") for k in store.data)


def test_references_expire_with_the_horizon():
    store = JsonStore()
    dd = Deduplicator(store, DedupConfig(horizon_days=5))
    reports = _clash_reports()
    for m in reports:
        dd.process(m)
    dd.process_reference(reference(_art("calm", "هدوء في حي طي", 9), "qamishli_tayy"))
    assert any(k.startswith("r|") for k in store.data)
    gone = dd.expire("2024-03-30")
    assert {v["status"] for v in gone} == {"expired"}
    assert not any(k.startswith(("r|", "rp|", "rd|", "ip|")) for k in store.data)


@pytest.mark.parametrize("order", list(itertools.permutations(range(5))))
def test_a_reference_moves_when_another_incident_there_becomes_the_main_one(order):
    a = _art("a", "غارة على كفرنبل", 1, published_at="2024-02-01T08:00:00Z")
    calm = reference(_art("c", "قصف على كفرنبل", 3, None, source="third"), "kafrnabl")
    later = [_art(f"m{i}", f"غارة على كفرنبل {i}", 10 + i, "2024-02-20T10:00:00Z", f"o{i}") for i in range(3)]
    records = [mention(a, "kafrnabl", 2), calm, *(mention(m, "kafrnabl", 4) for m in later)]
    incidents, _ = _run([records[i] for i in order])
    by_date = {i["event_date"]: i["article_ids"] for i in incidents.values()}
    assert by_date == {"2024-02-01": ["a"], "2024-02-20": ["c", "m0", "m1", "m2"]}


@pytest.mark.parametrize("order", list(itertools.permutations(range(5))))
def test_a_reference_leaves_when_the_main_incident_is_no_longer_clearly_the_main_one(order):
    a = [_art(f"a{i}", f"غارة على كفرنبل {i}", 20 + i, "2024-02-01T08:00:00Z", f"p{i}") for i in range(2)]
    b = [_art(f"b{i}", f"غارة أخرى على كفرنبل {i}", 30 + i, "2024-02-20T08:00:00Z", f"q{i}") for i in range(2)]
    calm = reference(_art("c", "قصف على كفرنبل", 3, None, source="third"), "kafrnabl")
    records = [*(mention(x, "kafrnabl", 2) for x in a), mention(b[0], "kafrnabl", 4), calm, mention(b[1], "kafrnabl", 4)]
    incidents, _ = _run([records[i] for i in order])
    assert sorted(i["article_ids"] for i in incidents.values()) == [["a0", "a1"], ["b0", "b1"]]
