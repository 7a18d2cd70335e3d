"""Helpers for extraction tests: build an article from our own sentences."""

import pytest

from streams.extract import extract_article


def run(
    body: str, lang: str = "ar", title: str | None = None, published_at: str | None = "2024-05-15"
) -> list[dict]:
    """Mentions of a one-off article written for the test."""
    return extract_article(
        {"id": "t1", "body": body, "title": title, "language": lang, "published_at": published_at}
    )


def incident(ms: list[dict]) -> list[dict]:
    return [m for m in ms if m["scope"] == "incident"]


def triples(ms: list[dict]) -> list[tuple]:
    """(kind, count, count_min, count_max) of the incident mentions, in order."""
    return [(m["kind"], m["count"], m["count_min"], m["count_max"]) for m in incident(ms)]


@pytest.fixture
def extract():
    return run
