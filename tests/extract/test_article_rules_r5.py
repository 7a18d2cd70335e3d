"""Round 5: the place of a mention in multi-report incidents (datelines, where people fled to,
neighbourhoods written حارة or in quotes) and the announcement of a martyr.
All sentences are written for these tests; place names are real (OCHA / gazetteer)."""

from streams.extract.places import find_places
from streams.text.normalize import normalize
from tests.extract.conftest import incident, run


def _killed(ms: list[dict]) -> list[dict]:
    return [m for m in incident(ms) if m["kind"] == "killed"]


def test_dateline_governorate_loses_to_a_place_later_in_the_sentence():
    body = (
        "محافظة الحسكة – مراسلون: وثقت مصادر محلية، مقتل شاب، وإصابة آخر، بعد تعرضهما لإطلاق نار "
        "أثناء وجودهما في حي طي في مدينة القامشلي."
    )
    ms = _killed(run(body))
    assert len(ms) == 1
    assert ms[0]["region"]["admin2"] == "SY0802"  # Qamishli district, not the governorate
    assert ms[0]["region"]["precision"] == "exact"


def test_dateline_is_still_the_place_when_the_sentence_names_no_other():
    body = "محافظة إدلب – مراسلون: قتل ثلاثة مدنيين بقصف مدفعي صباح اليوم."
    ms = _killed(run(body))
    assert len(ms) == 1 and ms[0]["region"]["admin1"] == "SY07"


def test_where_people_fled_to_is_not_the_event_place():
    body = (
        "نزح مئات الأهالي من بلدة كفرنبل نحو قرى ريف إدلب الشمالي مثل سرمدا والدانا، "
        "بعد مقتل طفلين بقصف مدفعي على البلدة."
    )
    ms = _killed(run(body))
    assert len(ms) == 1
    assert ms[0]["region"]["place"] not in ("سرمدا", "الدانا")
    assert "كفرنبل" in (ms[0]["region"]["place"] or "").replace(" ", "")


def test_english_fled_to_is_not_the_event_place():
    body = (
        "Hundreds of families fled from Kafr Nabl towards Sarmada and Dana, after shelling killed "
        "two children in the town."
    )
    ms = _killed(run(body, lang="en"))
    assert len(ms) == 1 and ms[0]["region"]["place"] not in ("Sarmada", "Dana")


def test_next_sentence_does_not_inherit_a_destination_of_displacement():
    body = (
        "اندلعت اشتباكات عنيفة في بلدة كفرنبل جنوب إدلب صباح اليوم.\n"
        "ونزح الأهالي نحو قرية سرمدا.\n"
        "وأوقعت الاشتباكات 4 قتلى من الطرفين."
    )
    ms = _killed(run(body))
    assert len(ms) == 1 and ms[0]["region"]["place"] != "سرمدا"


def _pcodes(text: str) -> dict[str, str]:
    nt = normalize(text)
    return {nt.text[p.start : p.end]: p.region["pcode"] for p in find_places(nt, "ar")}


def test_haara_and_quoted_neighbourhood_resolve_like_hay():
    base = _pcodes("اشتباكات في حي طي بمدينة القامشلي")
    qamishli = base.get("القامشلي")
    assert qamishli is not None
    for text in ('اشتباكات في "حارة طي" بمدينة القامشلي', 'اشتباكات في حي "طي" بمدينة القامشلي'):
        got = _pcodes(text)
        quarter = [v for k, v in got.items() if "طي" in k]
        assert quarter == [qamishli], (text, got)


def test_unknown_haara_adds_no_place():
    got = _pcodes("اشتباكات في حارة الزيتونة بمدينة القامشلي")
    assert all("حاره" not in k for k in got)


def test_announced_as_martyr_is_one_killed():
    body = 'وأعلنت "هيئة شؤون الشهداء" في الإدارة المحلية المقاتل سامر الأحمد "شهيداً" وسيشيع غداً في قريته.'
    ms = _killed(run(body))
    assert [(m["count"], m["rule"]) for m in ms] == [(1, "ar.killed.idiom.v1")]


def test_martyrs_foundation_name_alone_is_no_death():
    body = 'وأعلنت "مؤسسة عوائل الشهداء" عن برنامج لدعم الأسر في المدينة.'
    assert _killed(run(body)) == []


def test_a_list_of_hometowns_runs_to_the_clause_end():
    body = (
        "استهدفت قوات النظام بصاروخ موجه سيارة مدنية على طريق قرية السرمانية في سهل الغاب، ما أدى إلى "
        "مقتل مدنيين اثنين ينحدر أحدهما من بلدة كفرنبل والآخر من قرية مرج الزهور في ريف إدلب."
    )
    ms = _killed(run(body))
    assert len(ms) == 1 and ms[0]["region"]["admin1"] == "SY05"  # Hama (al-Ghab), not Idlib


def test_a_homonym_village_in_another_governorate_yields_to_its_locator():
    body = "وجرح خمسة مدنيين بانفجار لغم أرضي على أطراف قرية التوينة القريبة في سهل الغاب."
    ms = [m for m in incident(run(body)) if m["kind"] == "injured"]
    assert len(ms) == 1 and ms[0]["region"]["admin1"] == "SY05"


def test_toll_noun_far_before_its_verb():
    body = (
        "قال ناشطون إن عدد قتلى القصف المدفعي الذي استهدف صباح اليوم الأحياء السكنية والأسواق الشعبية "
        "في مدينة أريحا وبلدة محمبل المجاورة ارتفع إلى 9 مدنيين."
    )
    assert [(m["kind"], m["count"]) for m in incident(run(body))] == [("killed", 9)]


def test_the_number_of_the_dead_expected_to_rise_is_no_new_mention():
    body = "قتل 6 مدنيين بغارة جوية على بلدة كفرنبل، والعدد مرشح للارتفاع، فيما لا يزال عدد القتلى غير نهائي."
    assert [(m["kind"], m["count"]) for m in _killed(run(body))] == [("killed", 6)]


def test_a_number_of_wounded_is_still_a_vague_mention():
    body = "سقط عدد من الجرحى بقصف مدفعي على بلدة كفرنبل جنوب إدلب."
    ms = [m for m in incident(run(body)) if m["kind"] == "injured"]
    assert [(m["count"], m["count_min"]) for m in ms] == [(None, 1)]


def test_a_toll_over_places_in_several_governorates_has_no_governorate():
    body = (
        "ارتفع عدد قتلى الغارات الجوية على كل من ريفي إدلب الجنوبي والشرقي وريف حماة الشمالي "
        "إلى 12 شخصاً، إضافة إلى أكثر من 30 جريحاً."
    )
    ms = incident(run(body))
    assert sorted((m["kind"], m["count"]) for m in ms) == [("injured", 30), ("killed", 12)]
    assert all(m["region"]["admin1"] is None for m in ms)


def test_separate_figures_in_two_governorates_keep_their_places():
    body = "قتل 3 مدنيين في مدينة درعا و2 آخرون في مدينة حمص بقصف مدفعي."
    got = sorted((m["count"], m["region"]["admin1"]) for m in _killed(run(body)))
    assert got == [(2, "SY04"), (3, "SY12")]


def test_two_places_of_one_governorate_keep_it():
    body = "قتل 4 عناصر في هجمات على بلدتي طفس ونوى بريف درعا الغربي."
    ms = _killed(run(body))
    assert len(ms) == 1 and ms[0]["region"]["admin1"] == "SY12"
