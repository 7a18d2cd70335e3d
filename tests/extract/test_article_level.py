"""Article-level choices: which place governs a mention, and one mention per event.

All sentences are written for these tests.
"""

from tests.extract.conftest import incident, run


def _places(ms: list[dict]) -> list[tuple]:
    return [(m["kind"], m["count"], m["region"]["admin1"]) for m in incident(ms)]


def test_place_after_comma_belongs_to_the_clause_before():
    # the Raqqa countryside qualifies the first village; the second event is in Deir ez-Zor
    body = (
        "قتل أربعة أشخاص بانفجار لغم في قرية الجابر، بريف الرقة أثناء عملهم، "
        "كما سجل مقتل خمسة رعاة في منطقة البادية، بريف دير الزور الشرقي."
    )
    got = _places(run(body))
    assert ("killed", 4, "SY11") in got
    assert ("killed", 5, "SY09") in got


def test_hometown_is_not_the_event_place():
    body = "أدى القصف على بلدة كفرنبودة إلى مقتل مدنيين اثنين ينحدر أحدهما من مدينة جسر الشغور."
    got = _places(run(body))
    assert got == [("killed", 2, "SY05")]


def test_fallback_place_skips_quoted_speech():
    body = (
        "قتل عنصر من الشرطة في مدينة القامشلي مساء أمس.\n"
        'وقال المتحدث: "ما يجري في دمشق لا يعنينا".\n'
        "وأدت الاشتباكات لاحقاً إلى مقتل 4 عناصر من قوات النظام."
    )
    got = _places(run(body))
    assert ("killed", 4, "SY08") in got


def test_headline_without_place_merges_with_body_statement():
    got = _places(
        run(
            "قتل عنصر من الشرطة مساء أمس باستهداف حاجز في مدينة درعا.",
            title="مقتل عنصر من الشرطة",
        )
    )
    assert got == [("killed", 1, "SY12")]


def test_headline_sum_is_not_an_incident_when_body_counts():
    got = _places(
        run(
            "قتل 9 مدنيين بغارة على بلدة سراقب، وأصيب آخرون.\nوفي بلدة معرة النعمان قتل 6 مدنيين آخرين.",
            title="17 قتيلاً بغارات على ريف إدلب",
        )
    )
    killed = sorted(c for k, c, _a in got if k == "killed")
    assert killed == [6, 9]


def test_total_is_kept_when_parts_are_in_another_governorate():
    body = (
        "أدت الاشتباكات في مدينة القامشلي إلى مقتل 3 عناصر من قوات النظام.\n"
        "وفي محافظة درعا قتل عنصران في بلدة نوى، وقتل عنصر في مدينة إنخل."
    )
    got = _places(run(body))
    assert ("killed", 3, "SY08") in got


def test_total_with_parts_in_its_governorate_is_dropped():
    body = "قتل 3 مدنيين بقصف على ريف درعا.\nوقتل مدنيان في بلدة نوى.\nكما قتل مدني في مدينة إنخل."
    got = [c for k, c, _a in _places(run(body)) if k == "killed"]
    assert sorted(got) == [1, 2]


def test_rest_are_wounded_splits_a_combined_figure():
    body = (
        "At least 12 people were killed and wounded when a bomb went off in Azaz on Monday.\n"
        "Medics said three people were killed while the rest are wounded."
    )
    got = sorted((m["kind"], m["count"]) for m in incident(run(body, lang="en")))
    assert got == [("injured", 9), ("killed", 3)]


def test_vague_figure_of_the_same_sentence_is_kept():
    body = "أصيب 4 عناصر من الشرطة، فيما قتل مسلح وأصيب عدد من المسلحين بجروح في مدينة الحسكة أمس."
    got = [(m["kind"], m["count"]) for m in incident(run(body))]
    assert ("injured", 4) in got and ("injured", None) in got


def test_qada_is_a_killed_trigger():
    got = [(m["kind"], m["count"]) for m in incident(run("قضى خمسة مدنيين بانفجار لغم في ريف حماة."))]
    assert got == [("killed", 5)]


def test_distance_reference_point_is_not_the_event_place():
    body = "استهدفت غارة قرية الصهرية (30 كم شمال غرب حماة)، ما أدى إلى مقتل 4 مدنيين."
    got = [m["region"]["place"] for m in incident(run(body))]
    assert got and all(p != "حماة" for p in got)


def test_same_count_in_two_villages_of_one_district_is_two_events():
    body = "قتل مدنيان بقصف على قرية الصهرية.\nوفي قرية كفرنبودة قتل مدنيان آخران بغارة جوية.\n"
    got = [(m["kind"], m["count"]) for m in incident(run(body))]
    assert got.count(("killed", 2)) == 2
