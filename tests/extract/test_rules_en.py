"""English rules and traps, on sentences written for these tests."""

import pytest

from tests.extract.conftest import incident, run, triples


def en(body, **kw):
    return run(body, lang="en", **kw)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Five soldiers were killed in the attack.", [("killed", 5, 5, 5)]),
        ("The blast killed 13 people near the market.", [("killed", 13, 13, 13)]),
        ("A soldier was killed at the checkpoint.", [("killed", 1, 1, 1)]),
        ("At least 7 civilians were killed in the shelling.", [("killed", 7, 7, None)]),
        ("More than 20 people were wounded.", [("injured", 20, 21, None)]),
        ("Dozens were wounded in the airstrike.", [("injured", 12, 12, None)]),
        ("Several people were injured by the blast.", [("injured", None, 1, None)]),
        ("A bomb hit a minibus carrying troops, injuring 15 people.", [("injured", 15, 15, 15)]),
        ("The strike caused the death of 2 children.", [("killed", 2, 2, 2)]),
    ],
)
def test_counts(body, expected):
    assert triples(en(body)) == expected


def test_dead_and_another_injured():
    got = triples(en("The attack left one soldier dead and another injured."))
    assert got == [("killed", 1, 1, 1), ("injured", 1, 1, 1)]


def test_two_coordinated_singulars():
    got = triples(en("A child was killed and a man and a child were wounded."))
    assert got == [("killed", 1, 1, 1), ("injured", 2, 2, 2)]


def test_part_after_including_is_not_the_figure():
    got = triples(en("Seven civilians including 3 children were killed in the raid."))
    assert got == [("killed", 7, 7, 7)]


@pytest.mark.parametrize(
    "body",
    [
        "Warplanes carried out 23 strikes on the airbase.",
        "Four airstrikes targeted the town, no reports of losses.",
        "Three mortar shells fell in the park and no injuries were reported.",
        "The 5th Corps and the 4th Division sent 200 vehicles.",
    ],
)
def test_traps_give_no_count(body):
    assert incident(en(body)) == []


def test_cumulative_statistic():
    ms = en("SOHR documented the death of 192 civilians in the period between October and November.")
    assert ms and all(m["scope"] == "cumulative" for m in ms)


def test_yesterday():
    ms = en("Three civilians were killed yesterday in shelling.", published_at="2024-05-15")
    assert ms[0]["event_date"] == "2024-05-14"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("A number of fighters were wounded in clashes near Idlib.", [("injured", None, 1, None)]),
        (
            "Medics said 2–3 civilians killed, 9 wounded in Saraqib.",
            [("killed", 2, 2, 3), ("injured", 9, 9, 9)],
        ),
        ("A tribal elder succumbed to his wounds in Qamishli on Thursday.", [("killed", 1, 1, 1)]),
        ("Two fighters succumbed to their wounds in hospital.", [("killed", 2, 2, 2)]),
    ],
)
def test_second_round_counts(body, expected):
    assert triples(en(body)) == expected


def test_vague_headline_dropped_when_body_counts_statistics():
    title = "Hundreds killed or wounded by airstrikes in Idlib"
    body = "Monitors documented the death of 150 civilians in Idlib since the start of the month."
    ms = en(body, title=title)
    # the killed half of the headline restates the body's statistic; nothing counts the injured
    assert sorted((m["kind"], m["count"], m["scope"]) for m in ms) == [
        ("injured", None, "incident"),
        ("killed", 150, "cumulative"),
    ]
