"""The article schema and the input decoder: what is accepted, what is dead-lettered and why."""

import orjson
import pytest

from streams.codecs import decode_article
from streams.errors import InputError

LIMITS = {"max_bytes": 100_000, "max_body_chars": 20_000}


def raw(**fields) -> bytes:
    return orjson.dumps(fields)


def code_of(data) -> str:
    with pytest.raises(InputError) as info:
        decode_article(data, **LIMITS)
    return info.value.code


def test_minimal_and_full_articles_are_accepted():
    assert decode_article(raw(id="a1", body="قتل شخص"), **LIMITS)["id"] == "a1"
    full = decode_article(raw(id="a2", source="Outlet", url="https://example.org/x",
                              published_at="2025-03-10T08:30:00+03:00", language="en",
                              title="T", body="Two killed.", extra="ignored"), **LIMITS)
    assert full["language"] == "en" and full["extra"] == "ignored"


@pytest.mark.parametrize("published_at", ["2025-03-10", "2025-03-10T08:30:00Z", "2025-03-10 08:30", None,
                                          "2017-03", "2017"])
def test_publication_date_forms(published_at):
    decode_article(raw(id="a", body="b", published_at=published_at), **LIMITS)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\xff\xfe not utf-8", "E101"),
        (b"x" * 100_001, "E102"),
        (b"{not json", "E104"),
        (b"[1, 2]", "E105"),
        (b'"a string"', "E105"),
        (raw(body="no id"), "E106"),
        (raw(id="", body="empty id"), "E106"),
        (raw(id="a"), "E106"),
        (raw(id="a", body="   \n\t"), "E106"),
        (raw(id=5, body="wrong type"), "E106"),
        (raw(id="a", body="b", language="fr"), "E106"),
        (raw(id="a", body="b", published_at="99999-01-01"), "E106"),
        (raw(id="a", body="b", published_at="yesterday"), "E106"),
        (raw(id="a", body="b", published_at="2025-02-31"), "E106"),
        (raw(id="a", body="b", published_at="2025-13"), "E106"),
        (raw(id="a", body="b", schema_version=2), "E107"),
        (raw(id="a", body="nul \x00 inside"), "E108"),
        (raw(id="a", body="x" * 20_001), "E103"),
    ],
)
def test_bad_records_get_a_coded_reason(data, code):
    assert code_of(data) == code


def test_reason_names_the_field():
    with pytest.raises(InputError) as info:
        decode_article(raw(id="a", body="b", language="fr"), **LIMITS)
    assert "language" in str(info.value)
