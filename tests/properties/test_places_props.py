"""The gazetteer matcher never raises; its mentions are sorted, disjoint and point into the text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.places import PRECISIONS, default_gazetteer
from streams.text.normalize import normalize

from .strategies import (
    AR_PLACES,
    EN_PLACES,
    any_text,
    ar_article,
    ar_mixed,
    cpu,
    en_article,
    en_mixed,
    per_kb,
)

MATCH_MS_PER_KB = 5.0
GAZ = default_gazetteer()  # loaded once at import: the first load is not what the bound is about


def _check(text: str, lang: str) -> None:
    nt = normalize(text)
    ms = GAZ.find_places(nt, lang)
    last_end = 0
    for m in ms:
        assert last_end <= m.start < m.end <= len(nt.text), (m, text)
        last_end = m.end
        assert 0 <= m.orig_start < m.orig_end <= len(text)
        assert m.surface == text[m.orig_start : m.orig_end]
        assert m.region.precision in PRECISIONS
        assert 0 < m.score <= 1


@pytest.mark.parametrize("lang", ["ar", "en"])
@settings(max_examples=120, deadline=None)
@given(text=st.one_of(any_text, ar_article, en_article, ar_mixed, en_mixed))
def test_mentions_are_sorted_disjoint_and_inside(lang, text):
    _check(text, lang)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from([*AR_PLACES, *EN_PLACES, "و", "،", "ريف", "شرق", "countryside", "-"]), max_size=80
    )
)
def test_place_name_soup(words):
    _check(" ".join(words), "ar")
    _check(" ".join(words), "en")


@settings(max_examples=40, deadline=None)
@given(st.one_of(ar_article, en_article))
def test_matching_cpu_time_per_kilobyte(text):
    text = text * max(1, 8192 // max(1, len(text)))
    ms = per_kb(cpu(lambda: GAZ.find_places(normalize(text), "ar")), text)
    assert ms < MATCH_MS_PER_KB, f"{ms:.2f} ms/KB on {len(text)} chars"
