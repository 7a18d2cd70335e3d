"""Days: a day that dates a report, statements compared by day without a publication date.

All sentences are written for these tests.
"""

from streams.extract.dates import day_key, event_date, mask_report_days, publication_date
from streams.text.normalize import normalize_text
from tests.extract.conftest import incident, run


def _n(s: str) -> str:
    return normalize_text(s)


def test_reporting_verb_day_dates_the_report_not_the_event():
    pub = publication_date("2024-05-15")
    said = _n("وقال المرصد في بيان أمس إن العشرات أصيبوا في الغارات")
    assert event_date(said, pub, "ar") == "2024-05-15"
    assert day_key(said, "ar") == ""
    # the day inside the reported clause is the event's
    event = _n("وقال ناشطون إن ثلاثة مدنيين قتلوا أمس")
    assert event_date(event, pub, "ar") == "2024-05-14"
    assert "said on" in mask_report_days("the monitor said on monday that", "en")
    assert "monday" not in mask_report_days("the monitor said on monday that", "en")


def test_today_with_weekday_is_today_and_yesterday_with_weekday_is_yesterday():
    assert day_key(_n("قتل شاب اليوم الخميس"), "ar") == "0"
    assert day_key(_n("قتل شاب أمس السبت"), "ar") == "-1"
    assert day_key(_n("قتل شاب الاثنين الماضي"), "ar") != day_key(_n("قتل شاب أمس"), "ar")


def test_report_day_does_not_end_a_cumulative_passage():
    body = (
        "وثق المرصد مقتل 900 شخص منذ مطلع العام في المحافظة.\n"
        "وقال المرصد في تقرير أمس إن 420 عنصراً من الفصائل لقوا حتفهم في المعارك."
    )
    ms = run(body)
    assert ms and all(m["scope"] == "cumulative" for m in ms)


def test_vague_figure_of_another_day_stays_without_publication_date():
    body = (
        "قتل عنصر من الشرطة وأصيب آخرون مساء أمس بهجوم على حاجز في مدينة درعا.\n"
        "وكانت عبوة ناسفة قد أدت أول أمس إلى إصابة 12 عنصراً في ريف درعا الشرقي."
    )
    got = [(m["kind"], m["count"]) for m in incident(run(body, published_at=None))]
    assert ("injured", None) in got
    assert ("injured", 12) in got


def test_same_day_vague_lead_is_restated_by_the_count_without_publication_date():
    body = (
        "أسفر هجوم على حاجز في بلدة المسيفرة بريف درعا عن سقوط قتلى وجرحى اليوم الثلاثاء.\n"
        "وأدى الهجوم إلى مقتل عنصر من الحاجز وإصابة ثلاثة آخرين."
    )
    got = sorted((m["kind"], m["count"]) for m in incident(run(body, published_at=None)))
    assert got == [("injured", 3), ("killed", 1)]


def test_one_victim_on_two_different_days_is_two_events():
    body = (
        "قتل ضابط في الشرطة بانفجار عبوة في مدينة الباب أمس الأربعاء.\n"
        "كما قتل الاثنين الماضي، شاب من أهالي المدينة بإطلاق نار في مدينة الباب."
    )
    got = [(m["kind"], m["count"]) for m in incident(run(body, published_at=None))]
    assert got.count(("killed", 1)) == 2


def test_lead_in_the_seat_city_restates_the_village_event():
    body = (
        "قتل عنصر من قوات النظام مساء أمس بهجوم مجهولين في درعا.\n"
        "وأفادت شبكة محلية بمقتل عنصر من قوات النظام باستهداف نقطة عسكرية في بلدة أم المياذن."
    )
    got = [(m["kind"], m["count"]) for m in incident(run(body))]
    assert got == [("killed", 1)]


def test_generic_person_noun_restates_the_lead():
    body = (
        "قتل عنصر من قسد أمس بهجوم مسلح في ريف دير الزور.\n"
        "وتبنى التنظيم قتل شخص يعمل في صفوف قسد على حاجز في بلدة بريهة."
    )
    got = [(m["kind"], m["count"], m["region"]["admin1"]) for m in incident(run(body))]
    assert got == [("killed", 1, "SY09")]
