"""English victim nouns beyond soldiers and civilians: occupations and roles (our own sentences)."""

from __future__ import annotations

import pytest

from streams.extract import extract_article


def _one(body: str) -> tuple[str, int | None, str]:
    ms = extract_article({"id": "v", "language": "en", "published_at": "2025-03-16", "body": body})
    assert len(ms) == 1, ms
    return ms[0]["kind"], ms[0]["count"], ms[0]["victim"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Gunmen killed a farmer near the town of Nawa.", ("killed", 1, "civilian")),
        ("Two paramedics were wounded when their ambulance was hit near Nawa.", ("injured", 2, "civilian")),
        ("A roadside bomb killed three policemen on the road to Nawa.", ("killed", 3, "combatant")),
        ("Shelling on Nawa injured four students at their school.", ("injured", 4, "civilian")),
        ("A drone strike killed two shepherds grazing their flock west of Nawa.", ("killed", 2, "civilian")),
    ],
)
def test_occupations_are_victims_with_their_category(body, expected):
    assert _one(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Unidentified gunmen shot dead a farmer in Nawa late on Saturday.", ("killed", 1, "civilian")),
        ("Gunmen shot dead two soldiers at a checkpoint near Nawa.", ("killed", 2, "combatant")),
        ("Two men were shot dead in Nawa on Saturday.", ("killed", 2, "civilian")),
    ],
)
def test_shot_dead_takes_its_victims_after_or_before(body, expected):
    assert _one(body) == expected
