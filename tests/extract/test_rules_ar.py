"""Arabic rules and traps, on sentences written for these tests."""

import pytest

from tests.extract.conftest import incident, run, triples


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("قُتل ثلاثة مدنيين بقصف على بلدة كفرنبل.", [("killed", 3, 3, 3)]),
        ("قتل ٦ عناصر من قوات النظام في هجوم.", [("killed", 6, 6, 6)]),
        ("أسفر القصف عن مقتل خمسة وعشرين شخصاً.", [("killed", 25, 25, 25)]),
        ("أدى الانفجار إلى مقتل عنصرين من الشرطة.", [("killed", 2, 2, 2)]),
        ("قُتل شخص برصاص قناص في الحي.", [("killed", 1, 1, 1)]),
        ("أسفر الهجوم عن مقتل ما لا يقل عن 12 شخصاً.", [("killed", 12, 12, None)]),
        ("أسفر الهجوم عن مقتل أكثر من 40 مدنياً.", [("killed", 40, 41, None)]),
        ("أسفر الهجوم عن مقتل نحو 30 مدنياً.", [("killed", 30, 30, 30)]),
        ("أسفرت الغارة عن إصابة عشرات المدنيين.", [("injured", 10, 10, None)]),
        ("وقع جرحى في صفوف المدنيين جراء القصف.", [("injured", None, 1, None)]),
        ("قتل مسلحون مجهولون عنصراً من الأمن العسكري.", [("killed", 1, 1, 1)]),
        ("أسفر الاشتباك عن مقتل وإصابة 13 عنصراً.", [("killed", None, 1, 13), ("injured", None, 1, 13)]),
        ("أسفر القصف عن مقتل امرأة وابنتها.", [("killed", 2, 2, 2)]),
    ],
)
def test_counts(body, expected):
    assert triples(run(body)) == expected


def test_killed_and_injured_in_one_sentence():
    got = triples(run("أسفر القصف عن مقتل 2 وإصابة 3 في بلدة سرمين."))
    assert ("killed", 2, 2, 2) in got and ("injured", 3, 3, 3) in got


def test_list_continuation_ordinal_and_other():
    got = triples(
        run("أدى الهجوم إلى مقتل اثنين في بلدة نوى، ومقتل ثالث في مدينة إنخل، وعنصرين آخرين في قرية جاسم.")
    )
    assert [g[1] for g in got if g[0] == "killed"] == [2, 1, 2]


def test_list_continuation_with_numbers():
    got = triples(run("خلفت الاشتباكات إصابة 4 مدنيين بجراح، و5 من الشرطة و3 من المسلحين."))
    assert [g[1] for g in got] == [4, 5, 3]


def test_toll_update_gives_latest_figure():
    got = triples(run("ارتفعت حصيلة قتلى القصف على المدينة إلى 17 شخصاً."))
    assert got == [("killed", 17, 17, 17)]


def test_obfuscated_trigger():
    got = triples(run("أسفر هجـ.ـوم عن مـ.ـقتل 4 عناصر."))
    assert got == [("killed", 4, 4, 4)]


def test_subject_before_verb():
    got = triples(run("وكان ممرضان من الهلال الأحمر قتلا الثلاثاء بقصف جوي."))
    assert got == [("killed", 2, 2, 2)]


def test_idiom_laqiya_masra():
    got = triples(run("لقي 9 مقاتلين مصرعهم في الاشتباكات."))
    assert got == [("killed", 9, 9, 9)]


@pytest.mark.parametrize(
    "body",
    [
        "نفذت الطائرات أربع هجمات على البلدة وألقت 10 قذائف.",
        "شنت الطائرات 20 غارة على ثلاثة منازل في القرية.",
        "وصلت تعزيزات من الفرقة الرابعة واللواء 20 إلى المنطقة.",
        "وقع الانفجار في 21 نيسان 2021 عند الساعة 5.",
        "سقطت قذائف على الحي دون تسجيل إصابات.",
        "استهدفت مسيرة سيارة قرب البلدة دون معلومات عن إصابات.",
        "سقطت قذيفتان على السوق دون ورود أنباء عن وقوع إصابات.",
        "لا أنباء عن وقوع ضحايا في القصف على البلدة حتى الآن.",
    ],
)
def test_traps_give_no_count(body):
    assert incident(run(body)) == []


def test_age_is_not_a_count():
    got = triples(run("قُتل الطفل محمد (12 عاماً) برصاص قناص."))
    assert got == [("killed", 1, 1, 1)]


def test_cumulative_statistics_are_marked():
    ms = run("ووثق المرصد مقتل 120 مدنياً خلال شهر نيسان في المحافظة.")
    assert [m["scope"] for m in ms] == ["cumulative"]
    ms = run("وقتل أكثر من 500 ألف شخص منذ عام 2011.")
    assert ms and all(m["scope"] == "cumulative" for m in ms)


def test_headline_and_body_are_one_mention():
    ms = run("قُتل 4 عناصر من الشرطة بانفجار عبوة.", title="مقتل 4 عناصر من الشرطة بانفجار عبوة")
    assert triples(ms) == [("killed", 4, 4, 4)]


def test_vague_restatement_is_dropped():
    ms = run("سقط قتلى وجرحى في القصف. وأسفر القصف عن مقتل 3 مدنيين وإصابة 5.")
    assert sorted(triples(ms)) == [("injured", 5, 5, 5), ("killed", 3, 3, 3)]


def test_event_date_yesterday_and_weekday():
    ms = run("قُتل 3 مدنيين أمس بقصف.", published_at="2024-05-15")
    assert ms[0]["event_date"] == "2024-05-14"
    ms = run("قُتل 3 مدنيين يوم الاثنين بقصف.", published_at="2024-05-15")  # a Wednesday
    assert ms[0]["event_date"] == "2024-05-13"


def test_victim_and_group():
    m = run("قُتل 5 عناصر من قوات النظام بهجوم.")[0]
    assert m["victim"] == "combatant" and m["group"] == "قوات النظام"
    m = run("قُتل 5 مدنيين بقصف.")[0]
    assert m["victim"] == "civilian" and m["group"] is None


def test_a_bare_conjunction_ending_the_text_does_not_lose_the_figure():
    # a list continuation was looked for past the last token (IndexError: the article gave nothing)
    ms = run("عثر الأهالي على جثث 3 و")
    assert [(m["kind"], m["count"]) for m in ms] == [("killed", 3)]


def test_a_negation_far_from_the_trigger_does_not_negate_a_real_count():
    assert incident(run("قتل ثلاثة مدنيين دون سن الثامنة عشرة بقصف على البلدة.")) != []
