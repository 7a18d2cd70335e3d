"""The normaliser never raises, keeps its offset map inside the text, and stays fast per kilobyte."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.text.normalize import normalize, normalize_text

from .strategies import any_text, cpu, per_kb

NORMALIZE_MS_PER_KB = 5.0


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_offsets_stay_inside_the_original(text):
    n = normalize(text)
    assert isinstance(n.text, str)
    assert n.to_original(0) >= 0
    assert n.to_original(len(n.text)) <= len(text)
    for a in range(0, len(n.text) + 1, max(1, len(n.text) // 17)):
        b = min(len(n.text), a + 5)
        oa, ob = n.span_to_original(a, b)
        assert 0 <= oa <= ob <= len(text)
        assert n.original_slice(a, b) == text[oa:ob]


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_normalising_twice_changes_nothing(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=60, deadline=None)
@given(st.lists(any_text, min_size=1, max_size=30).map("\n".join))
def test_normalise_cpu_time_per_kilobyte(text):
    text = text * max(1, 8192 // max(1, len(text)))  # at least ~8 KB so the timing is not noise
    ms = per_kb(cpu(lambda: normalize(text)), text)
    assert ms < NORMALIZE_MS_PER_KB, f"{ms:.2f} ms/KB on {len(text)} chars"
