"""Round 4 article-level rules: same-attack additions, statistics carried by "these",
lead totals of two. All sentences are written for these tests."""

from tests.extract.conftest import incident, run


def _got(ms: list[dict]) -> list[tuple]:
    return sorted((m["kind"], m["count"]) for m in incident(ms))


def test_other_victims_of_the_same_attack_add_to_its_count():
    body = (
        "At least 7 people died when jets struck a market in the town of Saraqib on Monday.\n"
        "Local medics later reported the death of 4 other people in the same strike."
    )
    assert _got(run(body, lang="en")) == [("killed", 11)]


def test_other_victims_without_same_attack_are_their_own_event():
    body = (
        "At least 7 people died when jets struck a market in the town of Saraqib on Monday.\n"
        "Medics reported the death of 4 other people in shelling on the town of Ariha."
    )
    assert _got(run(body, lang="en")) == [("killed", 4), ("killed", 7)]


def test_arabic_same_attack_addition():
    body = (
        "قتل 6 مدنيين بقصف جوي على سوق بلدة أريحا جنوب إدلب.\n"
        "وأفاد مسعفون بوفاة ثلاثة مدنيين آخرين متأثرين بجروحهم في القصف ذاته."
    )
    assert ("killed", 9) in _got(run(body))


def test_these_attacks_continue_a_statistic():
    body = (
        "Since the start of the year, monitors have documented more than 120 bombings in the province.\n"
        "These bombings claimed the lives of 96 people."
    )
    ms = run(body, lang="en")
    assert ms and all(m["scope"] == "cumulative" for m in ms)


def test_statistic_without_back_reference_does_not_carry():
    body = (
        "Since the start of the year, monitors have documented more than 120 bombings in the province.\n"
        "A car bomb killed 5 people in the town of Azaz."
    )
    assert _got(run(body, lang="en")) == [("killed", 5)]


def test_lead_at_least_two_is_the_sum_of_two_single_killings():
    body = (
        "Two separate attacks in Daraa province this week killed at least two soldiers.\n"
        "Gunmen killed a soldier at a checkpoint in the town of Nawa on Monday.\n"
        "A roadside bomb killed an officer near the town of Tafas on Tuesday."
    )
    assert _got(run(body, lang="en")) == [("killed", 1), ("killed", 1)]


def test_unconfirmed_report_of_a_figure_is_not_a_mention():
    body = "قتل 8 مدنيين بغارة على بلدة كفرنبل جنوب إدلب، وسط أنباء عن 4 قتلى آخرين تحت الأنقاض."
    assert _got(run(body)) == [("killed", 8)]
    en = "Jets killed 5 civilians in Ariha on Monday. There were unconfirmed reports of 3 dead in Sarmin."
    assert _got(run(en, lang="en")) == [("killed", 5)]
