"""Incidents from many reports: duplicates, tolls, separation, versions, expiry."""

from __future__ import annotations

import random

import pytest

from streams.dedup import DedupConfig, Deduplicator
from tests.dedup.helpers import INCIDENT, MENTION, JsonStore, active, article, body, mention

BODY_A = (
    "قتل أربعة مدنيين بينهم طفلان، مساء أمس الاثنين، جراء غارة جوية استهدفت منزلاً في بلدة "
    "كفرنبل بريف إدلب الجنوبي، بحسب ما أفاد به الدفاع المدني السوري. وقال متطوعون في فرق "
    "الإنقاذ إنهم انتشلوا الجثث من تحت الأنقاض بعد ساعات من العمل، وإن الغارة تبعتها غارة "
    "ثانية على الحي ذاته ما أعاق وصول سيارات الإسعاف. وتشهد المنطقة منذ أسبوعين تصعيداً "
    "متواصلاً من القصف الجوي والمدفعي على القرى والبلدات القريبة من خطوط التماس."
)
BODY_B = (
    "Two fighters were killed when a roadside bomb hit their vehicle near Saraqeb on Sunday "
    "evening, local sources said. The explosion destroyed the pickup truck and wounded a "
    "passer-by, who was taken to a field clinic in the nearby village."
)


def run(dd: Deduplicator, mentions: list[dict]) -> list[dict]:
    out = []
    for m in mentions:
        MENTION.validate(m)
        got = dd.process(m)
        for rec in got:
            INCIDENT.validate(rec)
        out.extend(got)
    return out


@pytest.fixture
def dd() -> Deduplicator:
    return Deduplicator(JsonStore(), DedupConfig(date_window_days=1, horizon_days=30))


def test_single_report_makes_one_incident(dd):
    a = article("a1", BODY_A, published_at="2024-02-13T09:00:00Z", source="SANA-like")
    out = run(dd, [mention(a, "kafrnabl", 4, event_date="2024-02-12")])
    assert len(out) == 1
    inc = out[0]
    assert inc["status"] == "active" and inc["version"] == 1
    assert (inc["count_best"], inc["count_min"], inc["count_max"]) == (4, 4, 4)
    assert inc["region"]["pcode"] == "C4068" and inc["event_date"] == "2024-02-12"
    assert inc["article_ids"] == ["a1"]
    assert inc["first_seen"] == inc["updated_at"] == "2024-02-13T09:00:00Z"
    assert dd.current(inc["incident_id"]) == inc


def test_syndicated_copy_adds_source_not_casualties(dd):
    a = article("a1", BODY_A, published_at="2024-02-13T09:00:00Z", url="https://one.example/n/1")
    b = article("b1", BODY_A, title="غارة على كفرنبل", source="copy", published_at="2024-02-13T11:00:00Z")
    out = run(dd, [mention(a, "kafrnabl", 4), mention(b, "kafrnabl", 4)])
    (inc,) = active(out).values()
    assert inc["article_ids"] == ["a1", "b1"]
    assert inc["count_best"] == 4 and inc["count_max"] == 4
    src = {s["article_id"]: s for s in inc["sources"]}
    assert src["b1"]["duplicate_of"] == "a1" and src["a1"]["duplicate_of"] is None


def test_copy_is_joined_even_with_a_different_event_date(dd):
    """A copy whose date was resolved differently still joins through the copy link."""
    a = article("a1", BODY_A, published_at="2024-02-13")
    b = article("b1", BODY_A, published_at="2024-02-16")
    out = run(dd, [mention(a, "kafrnabl", 4), mention(b, "kafrnabl", 4)])
    (inc,) = active(out).values()
    assert inc["article_ids"] == ["a1", "b1"]


def test_rewrite_with_another_headline_is_a_near_duplicate(dd):
    rewrite = (
        BODY_A.replace("بحسب ما أفاد به", "وفق ما ذكره").replace(
            "بعد ساعات من العمل", "بعد ساعات طويلة من العمل"
        )
        + " ولم يصدر أي تعليق رسمي حتى الآن."
    )
    a = article("a1", BODY_A, title="مقتل أربعة مدنيين في كفرنبل", published_at="2024-02-13")
    b = article("b2", rewrite, title="غارة روسية تقتل عائلة في ريف إدلب", published_at="2024-02-13")
    c = article("c3", BODY_B, published_at="2024-02-13")
    out = run(
        dd,
        [mention(a, "kafrnabl", 4), mention(b, "kafrnabl", 4), mention(c, "kafrnabl", 4, n=1)],
    )
    (inc,) = active(out).values()
    src = {s["article_id"]: s for s in inc["sources"]}
    assert src["b2"]["duplicate_of"] == "a1"
    assert src["c3"]["duplicate_of"] is None  # same event, but an independent report


def test_three_outlets_three_tolls_keep_the_range(dd):
    arts = [
        article(f"o{i}", body(f"نص مختلف رقم {i} عن الغارة على كفرنبل", 100 + i), source=f"outlet{i}",
                published_at=f"2024-02-13T1{i}:00:00Z")
        for i in range(3)
    ]  # fmt: skip
    out = run(dd, [mention(a, "kafrnabl", n) for a, n in zip(arts, (9, 4, 6), strict=True)])
    (inc,) = active(out).values()
    assert (inc["count_min"], inc["count_best"], inc["count_max"]) == (4, 6, 9)
    assert sorted(s["count"] for s in inc["sources"]) == [4, 6, 9]


def test_most_supported_figure_wins_over_median(dd):
    arts = [
        article(f"o{i}", body(f"تقرير مستقل رقم {i} عن القصف", 200 + i), published_at="2024-02-13")
        for i in range(4)
    ]
    out = run(dd, [mention(a, "kafrnabl", n) for a, n in zip(arts, (5, 7, 7, 12), strict=True)])
    (inc,) = active(out).values()
    assert inc["count_best"] == 7


def test_toll_that_rises_twice(dd):
    first = article("t1", body("مقتل ثلاثة مدنيين بغارة على كفرنبل", 3), published_at="2024-02-13T08:00:00Z")
    second = article("t2", body("ارتفاع حصيلة الغارة على كفرنبل", 4), published_at="2024-02-13T12:00:00Z")
    third = article("t3", body("حصيلة جديدة لضحايا كفرنبل", 5), published_at="2024-02-14T07:00:00Z")
    stale = article("t4", body("نقلاً عن مصادر محلية قتل ثلاثة", 6), published_at="2024-02-14T09:00:00Z")
    ms = [
        mention(first, "kafrnabl", 3, event_date="2024-02-13", evidence="قتل ثلاثة مدنيين بغارة"),
        mention(second, "kafrnabl", 5, event_date="2024-02-13",
                evidence="ارتفعت حصيلة ضحايا الغارة إلى خمسة قتلى"),
        mention(third, "kafrnabl", 8, event_date="2024-02-13",
                evidence="ارتفع عدد القتلى إلى ثمانية بعد وفاة ثلاثة جرحى"),
        mention(stale, "kafrnabl", 3, event_date="2024-02-13", evidence="قتل ثلاثة مدنيين"),
    ]  # fmt: skip
    out = run(dd, ms)
    bests = [r["count_best"] for r in out]
    assert bests == [3, 5, 8, 8]
    assert [r["version"] for r in out] == [1, 2, 3, 4]
    inc = out[-1]
    assert (inc["count_min"], inc["count_max"]) == (3, 8)


def test_neighbouring_towns_same_day_stay_apart(dd):
    a = article("n1", body("غارة على كفرنبل", 7), published_at="2024-02-13")
    b = article("n2", body("قصف مدفعي على حاس", 8), published_at="2024-02-13")
    out = run(dd, [mention(a, "kafrnabl", 3), mention(b, "has", 3)])
    incs = active(out)
    assert len(incs) == 2
    assert sorted(i["region"]["pcode"] for i in incs.values()) == ["C4058", "C4068"]


def test_same_town_on_two_different_days_stays_apart(dd):
    a = article("d1", body("غارة على كفرنبل", 9), published_at="2024-02-10")
    b = article("d2", body("غارة أخرى على كفرنبل", 10), published_at="2024-02-14")
    out = run(dd, [mention(a, "kafrnabl", 3), mention(b, "kafrnabl", 3)])
    assert len(active(out)) == 2


def test_day_window_is_configurable():
    a = article("d1", body("غارة على كفرنبل", 11), published_at="2024-02-10")
    b = article("d2", body("غارة أخرى على كفرنبل", 12), published_at="2024-02-12")
    ms = [mention(a, "kafrnabl", 3), mention(b, "kafrnabl", 3)]
    assert len(active(run(Deduplicator(JsonStore()), ms))) == 2
    assert len(active(run(Deduplicator(JsonStore(), DedupConfig(date_window_days=2)), ms))) == 1


def test_named_groups_must_be_compatible(dd):
    a = article("v1", body("اشتباكات في سراقب", 13), published_at="2024-02-13")
    b = article("v2", body("مواجهات عنيفة قرب سراقب", 14), published_at="2024-02-13")
    ms = [
        mention(a, "saraqeb", 5, victim="combatant", group="قوات النظام", n=2),
        mention(a, "saraqeb", 3, victim="combatant", group="هيئة تحرير الشام", n=3),
        mention(b, "saraqeb", 6, victim="combatant", group="عناصر من قوات النظام السوري"),
    ]
    incs = active(run(dd, ms))
    assert len(incs) == 2
    regime = next(i for i in incs.values() if len(i["article_ids"]) == 2)
    assert (regime["count_min"], regime["count_max"]) == (5, 6)
    other = next(i for i in incs.values() if len(i["article_ids"]) == 1)
    assert other["count_best"] == 3 and other["group"] == "هيئة تحرير الشام"


def test_civilians_and_fighters_of_one_attack_add_up(dd):
    """One outlet reports the civilians, another the fighters: one incident, summed."""
    a = article("w1", body("مقتل ثلاثة مدنيين بقصف على سراقب", 40), published_at="2024-02-13")
    b = article("w2", body("مقتل مقاتلَين بالقصف ذاته على سراقب", 41), published_at="2024-02-13")
    c = article("w3", body("مقتل ثلاثة مدنيين ومقاتلين اثنين في سراقب", 42),
                published_at="2024-02-13")  # fmt: skip
    ms = [
        mention(a, "saraqeb", 3, victim="civilian"),
        mention(b, "saraqeb", 2, victim="combatant"),
        mention(c, "saraqeb", 3, victim="civilian", n=1),
        mention(c, "saraqeb", 2, victim="combatant", n=2),
    ]
    (inc,) = active(run(dd, ms)).values()
    assert inc["count_best"] == 5 and inc["victim"] == "unknown"
    assert (inc["count_min"], inc["count_max"]) == (2, 5)


def test_one_article_two_victims_same_place_are_summed(dd):
    a = article(
        "s1", body("مقتل مدني قرب السوق ومقتل آخر قرب المدرسة في معرة النعمان", 15), published_at="2024-02-13"
    )
    b = article("s2", body("Two civilians were killed in Maarat al-Numan", 16), published_at="2024-02-13")
    out = run(dd, [mention(a, "maarra", 1, n=1), mention(a, "maarra", 1, n=2),
                   mention(b, "maarra", 2)])  # fmt: skip
    (inc,) = active(out).values()
    assert inc["count_best"] == 2 and inc["count_min"] == 2
    assert len(inc["mention_ids"]) == 3


def test_unquantified_and_open_ended(dd):
    a = article("u1", body("سقوط قتلى بقصف على كفرنبل", 17), published_at="2024-02-13")
    out = run(dd, [mention(a, "kafrnabl", None, count_min=1, count_max=None)])
    inc = out[-1]
    assert inc["count_best"] is None and inc["count_min"] == 1 and inc["count_max"] is None
    b = article("u2", body("مقتل خمسة على الأقل بقصف على كفرنبل", 18), published_at="2024-02-13")
    out = run(dd, [mention(b, "kafrnabl", 5, count_min=5, count_max=None)])
    inc = active(out)[out[-1]["incident_id"]]
    assert inc["count_best"] == 5 and inc["count_min"] == 1 and inc["count_max"] is None


def test_cumulative_statistics_never_enter_incidents(dd):
    a = article("c1", body("وثق المرصد مقتل 120 مدنياً خلال الشهر", 19), published_at="2024-02-13")
    assert dd.process(mention(a, "idlib_gov", 120, scope="cumulative")) == []
    assert len(dd.store) == 0


def test_same_mention_twice_changes_nothing(dd):
    a = article("a1", BODY_A, published_at="2024-02-13")
    m = mention(a, "kafrnabl", 4)
    first = dd.process(m)
    snapshot = dict(dd.store.data)
    again = dd.process(m)
    assert again == first
    assert dict(dd.store.data) == snapshot


def test_bridge_merges_two_incidents_and_tombstones_one(dd):
    """Two reports two days apart; a report dated between them links both."""
    a = article("m1", body("غارة على كفرنبل", 20), published_at="2024-02-10")
    c = article("m3", body("قصف جديد على كفرنبل", 21), published_at="2024-02-12")
    b = article("m2", body("تواصل القصف على كفرنبل", 22), published_at="2024-02-11")
    out = run(dd, [mention(a, "kafrnabl", 2), mention(c, "kafrnabl", 2)])
    assert len(active(out)) == 2
    step = dd.process(mention(b, "kafrnabl", 2))
    merged = [r for r in step if r["status"] == "merged"]
    assert len(merged) == 1
    (survivor,) = active(out + step).values()
    assert merged[0]["merged_into"] == survivor["incident_id"]
    assert merged[0]["count_best"] == 0
    assert survivor["article_ids"] == ["m1", "m2", "m3"]
    assert dd.current(merged[0]["incident_id"]) is None


def test_vague_report_attaches_to_one_incident_without_bridging(dd):
    a = article("g1", body("غارة على كفرنبل", 23), published_at="2024-02-13")
    b = article("g2", body("قصف مدفعي على حاس", 24), published_at="2024-02-13")
    c = article("g3", body("مقتل مدنيين في ريف إدلب الجنوبي", 25), published_at="2024-02-13")
    d = article("g4", body("مقتل مدني في منطقة معرة النعمان", 26), published_at="2024-02-13")
    out = run(
        dd,
        [
            mention(a, "kafrnabl", 3),
            mention(b, "has", 2),
            mention(c, "idlib_gov", 3),
            mention(d, "maarra_district", 2),
        ],
    )
    incs = active(out)
    assert len(incs) == 2
    by_place = {i["region"]["pcode"]: i for i in incs.values()}
    # each vague report goes to the one incident whose figure it repeats
    assert set(by_place["C4068"]["article_ids"]) == {"g1", "g3"}
    assert set(by_place["C4058"]["article_ids"]) == {"g2", "g4"}


def test_undated_report_is_not_matched_in_time(dd):
    """No event date and no publication date: it could be any year, so it stays apart."""
    old = article("y1", body("اشتباكات في سراقب", 27), published_at="2019-05-02")
    new = article("y2", body("غارة على سراقب", 28), published_at="2024-02-13")
    undated = article("y4", body("مقتل مدنيين بغارة على سراقب", 30))
    copy = article("y5", body("مقتل مدنيين بغارة على سراقب", 30), source="copy")
    out = run(
        dd,
        [
            mention(old, "saraqeb", 5),
            mention(new, "saraqeb", 5),
            mention(undated, "saraqeb", 5),
            mention(copy, "saraqeb", 5),
        ],
    )
    groups = sorted(sorted(i["article_ids"]) for i in active(out).values())
    assert groups == [["y1"], ["y2"], ["y4", "y5"]]


def test_expiry_drops_old_incidents_and_their_state():
    store = JsonStore()
    dd = Deduplicator(store, DedupConfig(horizon_days=30))
    old = article("e1", body("غارة على كفرنبل", 31), published_at="2024-01-01")
    recent = article("e2", body("غارة على سراقب", 32), published_at="2024-02-20")
    run(dd, [mention(old, "kafrnabl", 3), mention(recent, "saraqeb", 2)])
    size_before = len(store)
    assert dd.expire("2024-01-20") == []
    gone = dd.expire("2024-02-25")
    assert [r["status"] for r in gone] == ["expired"]
    assert gone[0]["article_ids"] == ["e1"]
    INCIDENT.validate(gone[0])
    assert len(store) < size_before
    assert dd.current(gone[0]["incident_id"]) is None
    assert dd.expire("2024-02-25") == []  # deterministic, nothing left to expire
    late = article("e3", body("غارة قديمة على كفرنبل", 33), published_at="2024-01-02")
    assert dd.process(mention(late, "kafrnabl", 3)) == []  # behind the horizon


def test_expiry_empties_the_store_entirely():
    store = JsonStore()
    dd = Deduplicator(store)
    rnd = random.Random(3)
    for i in range(40):
        a = article(f"x{i}", body(f"خبر رقم {i}", 300 + i), published_at=f"2024-03-{rnd.randint(1, 28):02d}")
        dd.process(mention(a, rnd.choice(["kafrnabl", "has", "idlib_gov", "maarra"]), i % 4))
    dd.expire("2024-12-31")
    assert set(store.data) <= {"parts", "wm", "x|SY07"}
