"""Undated reports (no event date, no publication date) and dated incidents.

A careful coder matches an undated report to a dated incident only on strong,
specific evidence: the same precise place, kind, victims and compatible
figures -- and only when exactly one incident fits.
"""

from __future__ import annotations

import itertools

import pytest

from streams.dedup import DedupConfig, Deduplicator
from streams.dedup.relations import quarter
from tests.dedup.helpers import INCIDENT, JsonStore, active, article, body, mention


def run(mentions: list[dict]) -> dict[str, dict]:
    dd = Deduplicator(JsonStore(), DedupConfig())
    out = []
    for m in mentions:
        got = dd.process(m)
        for rec in got:
            INCIDENT.validate(rec)
        out.extend(got)
    return active(out)


def groups(incidents: dict[str, dict]) -> list[list[str]]:
    return sorted(sorted(i["article_ids"]) for i in incidents.values())


def dated(aid: str, day: str, seed: int, topic: str = "اشتباكات في مدينة القامشلي") -> dict:
    return article(aid, body(topic, seed), published_at=day)


def undated(aid: str, seed: int, topic: str = "قتلى بالرصاص في القامشلي") -> dict:
    return article(aid, body(topic, seed))


def test_undated_report_with_same_place_and_figure_joins_the_one_incident():
    a = dated("q1", "2021-04-20", 1)
    u = undated("q2", 2)
    incs = run([mention(a, "qamishli", 4, victim="combatant"), mention(u, "qamishli", 4, victim="unknown")])
    assert groups(incs) == [["q1", "q2"]]
    (inc,) = incs.values()
    assert inc["count_best"] == 4 and inc["event_date"] == "2021-04-20"


def test_undated_report_at_governorate_level_stays_apart():
    a = dated("q1", "2021-04-20", 1)
    u = undated("q2", 2, "مقتل أربعة في ريف الحسكة")
    incs = run([mention(a, "qamishli", 4), mention(u, "hasakah_gov", 4)])
    assert groups(incs) == [["q1"], ["q2"]]


def test_undated_report_fitting_two_incidents_is_ambiguous():
    a = dated("q1", "2021-04-20", 1)
    b = dated("q3", "2021-05-02", 3, "قصف على القامشلي")
    u = undated("q2", 2)
    incs = run([mention(a, "qamishli", 4), mention(b, "qamishli", 4), mention(u, "qamishli", 4)])
    assert groups(incs) == [["q1"], ["q2"], ["q3"]]


def test_only_the_incident_with_a_compatible_figure_is_a_candidate():
    a = dated("q1", "2021-04-20", 1)
    b = dated("q3", "2021-05-02", 3, "قصف على القامشلي")
    u = undated("q2", 2)
    incs = run([mention(a, "qamishli", 4), mention(b, "qamishli", 9), mention(u, "qamishli", 9)])
    assert groups(incs) == [["q1"], ["q2", "q3"]]


def test_incompatible_figure_stays_apart_but_a_toll_update_joins():
    a = dated("q1", "2021-04-20", 1)
    other = undated("q2", 2)
    update = undated("q4", 4, "ارتفاع حصيلة قتلى اشتباكات القامشلي")
    incs = run(
        [
            mention(a, "qamishli", 3),
            mention(other, "qamishli", 7),
            mention(update, "qamishli", 7, evidence="ارتفعت حصيلة القتلى في القامشلي إلى سبعة"),
        ]
    )
    assert groups(incs) == [["q1", "q4"], ["q2"]]
    joined = next(i for i in incs.values() if "q4" in i["article_ids"])
    assert joined["count_best"] == 7  # the update wins


def test_unquantified_undated_report_is_no_evidence():
    a = dated("q1", "2021-04-20", 1)
    u = undated("q2", 2, "سقوط جرحى في القامشلي")
    incs = run(
        [mention(a, "qamishli", 2, kind="injured"), mention(u, "qamishli", None, kind="injured", count_min=1)]
    )
    assert groups(incs) == [["q1"], ["q2"]]


def test_civilians_and_fighters_with_equal_figures_are_not_matched():
    a = dated("q1", "2021-04-20", 1)
    u = undated("q2", 2)
    incs = run([mention(a, "qamishli", 2, victim="civilian"), mention(u, "qamishli", 2, victim="combatant")])
    assert groups(incs) == [["q1"], ["q2"]]


def test_other_kind_or_group_stays_apart():
    a = dated("q1", "2021-04-20", 1)
    u = undated("q2", 2)
    v = undated("q4", 4, "اشتباكات بين فصيلين")
    incs = run(
        [
            mention(a, "qamishli", 2, group="الدفاع الوطني"),
            mention(u, "qamishli", 2, kind="injured"),
            mention(v, "qamishli", 2, group="هيئة تحرير الشام"),
        ]
    )
    assert groups(incs) == [["q1"], ["q2"], ["q4"]]


def test_named_neighbourhoods_same_joins_different_stays_apart():
    a = dated("q1", "2021-04-20", 1, "اشتباكات في حي طي بالقامشلي")
    same = undated("q2", 2, "مقتل اثنين في حي الطي")
    other = undated("q4", 4, "مقتل اثنين في حي قدور بك")
    city = undated("q5", 5, "مقتل اثنين في القامشلي")
    incs = run(
        [
            mention(a, "qamishli_tayy", 2),
            mention(same, "qamishli_tayy", 2),
            mention(other, "qamishli_qaddour", 2),
            mention(city, "qamishli", 2),
        ]
    )
    assert groups(incs) == [["q1", "q2", "q5"], ["q4"]]


def test_quarter_names():
    assert quarter("حي طي") == quarter("حي الطي") == "طي"
    assert quarter("حارة طي") == "طي"
    assert quarter("Tayy neighbourhood") is None  # the name comes first in English: not parsed
    assert quarter("neighbourhood of Tayy") == "tayy"
    assert quarter("القامشلي") is None
    assert quarter(None) is None


def test_copy_of_an_undated_report_follows_it():
    a = dated("q1", "2021-04-20", 1)
    u = undated("q2", 2)
    c = article("q3", body("قتلى بالرصاص في القامشلي", 2), source="copy")
    incs = run([mention(a, "qamishli", 4), mention(u, "qamishli", 4), mention(c, "qamishli", 4)])
    assert groups(incs) == [["q1", "q2", "q3"]]
    (inc,) = incs.values()
    assert inc["count_best"] == 4  # the copy votes once


@pytest.mark.parametrize("order", list(itertools.permutations(range(5))))
def test_undated_attachment_does_not_depend_on_arrival_order(order):
    """A second candidate arriving later detaches the undated report; a bridge re-attaches it."""
    a = dated("q1", "2021-04-20", 1)
    b = dated("q3", "2021-04-22", 3, "قصف على القامشلي")
    bridge = dated("q5", "2021-04-21", 5, "اشتباكات مستمرة في القامشلي")
    u = undated("q2", 2)
    v = undated("q4", 4, "مقتل مدني في القامشلي")
    ms = [
        mention(a, "qamishli", 4),
        mention(b, "qamishli", 4),
        mention(u, "qamishli", 4),
        mention(v, "qamishli", 1, victim="unknown"),
        mention(bridge, "qamishli", 1),
    ]
    incs = run([ms[i] for i in order])
    assert groups(incs) == [["q1", "q2", "q3", "q4", "q5"]]
    without_bridge = run([ms[i] for i in order if i != 4])
    assert groups(without_bridge) == [["q1"], ["q2"], ["q3"], ["q4"]]
