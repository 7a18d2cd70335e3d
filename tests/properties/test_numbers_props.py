"""The Arabic and English number parsers never raise and return a sane (value, next index)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.extract import arabic, english
from streams.extract.segment import tokenize
from streams.text.normalize import normalize_text

from .strategies import AR_NUMBERS, EN_NUMBERS, any_text, ar_sentence, cpu, en_sentence, long_digits, per_kb

PARSERS = {"ar": arabic.parse_number, "en": english.parse_number}
MAX_COUNT = 10**9


def _tokens(text: str):
    norm = normalize_text(text)
    return tokenize(norm, 0, len(norm))


def _check_all_positions(lang: str, text: str) -> None:
    toks = _tokens(text)
    parse = PARSERS[lang]
    for i in range(len(toks) + 1):
        got = parse(toks, i)
        if got is None:
            continue
        value, j = got
        assert isinstance(value, int) and not isinstance(value, bool)
        assert 0 <= value < MAX_COUNT, (value, text)
        assert i < j <= len(toks)


number_words_ar = st.lists(st.sampled_from([*AR_NUMBERS, "و", "الف", "مليون", "مئة", "1000"]), max_size=40)
number_words_en = st.lists(
    st.sampled_from([*EN_NUMBERS, "-", "and", "hundred", "million", "1000"]), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, ar_sentence, number_words_ar.map(" ".join)))
def test_arabic_parse_number_is_total_and_bounded(text):
    _check_all_positions("ar", text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, en_sentence, number_words_en.map(" ".join)))
def test_english_parse_number_is_total_and_bounded(text):
    _check_all_positions("en", text)


@pytest.mark.parametrize("lang", ["ar", "en"])
@settings(max_examples=40, deadline=None)
@given(digits=long_digits)
def test_long_digit_strings_are_not_counts(lang, digits):
    toks = _tokens(digits)
    got = PARSERS[lang](toks, 0)
    if len(digits) > 9:
        assert got is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "hundred " * 12),
        ("en", "999999999 million"),
        ("en", "thousand thousand thousand thousand"),
        ("en", "nine hundred million million"),
        ("ar", "999999999 مليون"),
        ("ar", "مليون " * 2000),
        ("ar", "تسعمئة مليون مليون"),
    ],
)
def test_huge_number_phrases_are_not_counts(lang, text):
    _check_all_positions(lang, text)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_number_parsing_is_linear_in_a_long_run_of_number_words(lang):
    word = {"ar": "ثلاثة و", "en": "three and "}[lang]
    text = word * 20_000
    toks = _tokens(text)
    ms = per_kb(cpu(lambda: PARSERS[lang](toks, 0), repeat=2), text)
    assert ms < 5.0, f"{ms:.2f} ms/KB"


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("digit", ["²", "¹", "①", "⁵"])
def test_non_decimal_digits_are_not_numbers(lang, digit):
    # str.isdigit() is true for superscripts and circled digits, but int() rejects them:
    # the parser raised ValueError and extract_article dropped every mention of the article.
    assert PARSERS[lang](_tokens(f"{digit} x"), 0) is None


def test_a_stray_superscript_does_not_wipe_the_article():
    from streams.extract import extract_article

    body = "Five civilians were killed in Idlib. Killed ² people."
    assert [m["count"] for m in extract_article({"id": "x", "body": body, "language": "en"})] == [5]
    body_ar = "قتل خمسة مدنيين في إدلب. قتل ² مدنيين"
    assert 5 in [m["count"] for m in extract_article({"id": "x", "body": body_ar, "language": "ar"})]


@pytest.mark.parametrize(
    ("lang", "body"),
    [
        ("ar", "قتل 999999999 مليون مدني في إدلب"),
        ("en", "Killed nine hundred million million people in Idlib"),
    ],
)
def test_absurd_counts_never_reach_a_mention(lang, body):
    from streams.extract import extract_article

    for m in extract_article({"id": "x", "body": body, "language": lang}):
        for key in ("count", "count_min", "count_max"):
            assert m[key] is None or 0 <= m[key] < MAX_COUNT
