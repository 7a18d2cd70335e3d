"""Inputs built to trigger catastrophic regex backtracking stay linear-ish and within a bound.

Two layers: every compiled regex of the text/extract/places modules is attacked
on its own (runs of its own literal characters and separators, "a"*N + "!"
forms, 20 and 40 KB), and the whole extractor is attacked end to end with
bodies that aim at each rule.  Growth is asserted as
``time(2N) < 3 * time(N) + slack`` plus an absolute ms/KB bound, on CPU time.
"""

from __future__ import annotations

import importlib
import re

import pytest

from streams.extract.article import _extract
from streams.extract.lexicon import lexicon
from streams.places import default_gazetteer
from streams.text.normalize import normalize

from .strategies import cpu, per_kb

pytestmark = pytest.mark.slow

MODULES = [
    "streams.text.normalize",
    "streams.extract.article",
    "streams.extract.dates",
    "streams.extract.places",
    "streams.extract.segment",
    "streams.extract.arabic",
    "streams.extract.english",
    "streams.places.names",
    "streams.places.resolve",
    "streams.places.gazetteer",
    "streams.places.lexicon",
]
# Quadratic when run over a whole text on their own, and safe only because every caller
# runs them over a short window.  The end-to-end attacks below target those callers.
BOUNDED = {
    "streams.extract.article._REFERENCE": "searched in the 40 characters before a place (_hometown)",
    "streams.extract.article._DATELINE_BEFORE": "matched over at most 12 characters (_dateline)",
    "streams.extract.article._DATELINE_AFTER": "matched on the 40 characters after a place (_dateline)",
    "streams.extract.article._LOCATOR_GAP": (
        "fullmatched from a place's end to the next place (_drop_misread): 20 characters, a locator, "
        "spaces"),
    "streams.places.names._SPLIT_RE": "splits gazetteer names at load time, never article text",
}
SLACK = 0.010  # seconds: timer granularity and GC pauses on a loaded machine
REGEX_MS_PER_KB = 2.0
EXTRACT_MS_PER_KB = 20.0
MATCH_MS_PER_KB = 5.0


def _patterns() -> dict[str, re.Pattern[str]]:
    pats: dict[str, re.Pattern[str]] = {}
    for name in MODULES:
        for key, value in vars(importlib.import_module(name)).items():
            if isinstance(value, re.Pattern):
                pats[f"{name}.{key}"] = value
            elif isinstance(value, dict):
                for k, v in value.items():
                    if isinstance(v, re.Pattern):
                        pats[f"{name}.{key}[{k}]"] = v
    for lang in ("ar", "en"):
        for i, p in enumerate(lexicon(lang).cumulative):
            pats[f"lexicon.{lang}.cumulative[{i}]"] = p
    return pats


PATTERNS = _patterns()
_FILLERS = [" ", "\n", "،", "ا", "a", "1", "\u0640", ".", "-", "|", "(", ","]


def _attacks(p: re.Pattern[str], n: int) -> list[str]:
    """Runs of the pattern's own literal characters, alone and interleaved with fillers, then a breaker."""
    lits = sorted({ch for ch in p.pattern if ch not in "\\()[]{}?*+|^$.-:!=<>"} | set(_FILLERS))
    out = [ch * n + "!" for ch in lits]
    out += [(a + b) * (n // 2) + "!" for a in lits[:20] for b in (" ", "\n", "،", "1", "a")]
    return out


def test_every_regex_is_enumerated():
    # A regex renamed away from module level would silently leave this suite.
    assert len(PATTERNS) >= 40
    assert set(BOUNDED) <= set(PATTERNS)


@pytest.mark.parametrize("name", sorted(set(PATTERNS) - set(BOUNDED)))
def test_regex_alone_is_linear(name):
    p = PATTERNS[name]
    n = 20_000
    small, big = _attacks(p, n), _attacks(p, 2 * n)
    for s1, s2 in zip(small, big, strict=True):
        t1 = cpu(lambda s=s1: list(p.finditer(s)), repeat=3)
        t2 = cpu(lambda s=s2: list(p.finditer(s)), repeat=3)
        assert t2 < 3 * t1 + SLACK, f"{name} on {s2[:8]!r}*: {t1 * 1000:.1f} -> {t2 * 1000:.1f} ms"
        assert per_kb(t2, s2) < REGEX_MS_PER_KB, f"{name} on {s2[:8]!r}*: {per_kb(t2, s2):.2f} ms/KB"


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_bounded_regex_is_fast_on_its_window(name):
    p = PATTERNS[name]
    for s in _attacks(p, 60):
        assert cpu(lambda s=s: list(p.finditer(s)), repeat=1) < 0.005


# (name, repeated unit, tail, language): each aims at a rule or regex of the extractor.
END_TO_END = [
    ("reference", "1 كم شمال ", "حماة قتل 3 مدنيين", "ar"),
    ("digits-before-direction", "1", " كم شمال إدلب قتل 3", "ar"),
    ("spaces-before-dateline", " ", "إدلب - قتل 3 مدنيين", "ar"),
    ("newlines", "\n", "إدلب - قتل 3 مدنيين", "ar"),
    ("pipes", "| ", "إدلب (رويترز) قتل 3", "ar"),
    ("trigger-run", "قتل ", "3", "ar"),
    ("comma-waw-nesting", "، و", " 5 قتلى", "ar"),
    ("locator-gap", "ب ", "إدلب قتل 3", "ar"),
    ("list-gap", ",،", " قتل 3 في إدلب", "ar"),
    ("tatweel-obfuscation", "ـ ", "مقـتل 3 في إدلب", "ar"),
    ("diacritic-flood", "\u064e\u0651", "قتل 3", "ar"),
    ("bidi-flood", "\u202e\u2066\u200f", "قتل 3 في إدلب", "ar"),
    ("eastern-digits", "٣", " قتلى في إدلب", "ar"),
    ("number-word-chain", "ثلاثة و", " مدنيين قتلوا", "ar"),
    ("since-run", "منذ ", "قتل 3", "ar"),
    ("quote-nesting", "(«", "قتل 3 في إدلب", "ar"),
    ("place-list", "إدلب و", " قتل 3", "ar"),
    ("decimal-chain", "1.", "قتل 3", "ar"),
    ("flight-run", "نزح الى ", "إدلب قتل 3", "ar"),
    ("origin-run", "من ابناء ", "إدلب قتل 3", "ar"),
    ("en-digits", "9", " people were killed in Idlib", "en"),
    ("en-direction", "north ", "of Idlib 3 killed", "en"),
    ("en-distance", "5 km ", "north of Idlib 3 killed", "en"),
    ("en-at-least", "at least ", "3 people were killed in Idlib", "en"),
    ("en-number-chain", "three and ", "people were killed", "en"),
    ("en-place-list", "Idlib, ", "3 killed", "en"),
    ("en-flight", "fled to ", "Idlib, 3 killed", "en"),
    ("en-dash", " - ", "Idlib 3 killed", "en"),
]


def _body(unit: str, tail: str, kb: int) -> str:
    return unit * (kb * 1024 // len(unit.encode())) + tail


@pytest.mark.parametrize(("name", "unit", "tail", "lang"), END_TO_END, ids=[c[0] for c in END_TO_END])
def test_extractor_attack_is_linear(name, unit, tail, lang):
    b1, b2 = _body(unit, tail, 20), _body(unit, tail, 40)
    t1 = cpu(lambda: _extract({"id": "x", "body": b1, "language": lang}), repeat=2)
    t2 = cpu(lambda: _extract({"id": "x", "body": b2, "language": lang}), repeat=2)
    assert t2 < 3 * t1 + SLACK, f"{name}: {t1 * 1000:.1f} -> {t2 * 1000:.1f} ms"
    assert per_kb(t2, b2) < EXTRACT_MS_PER_KB, f"{name}: {per_kb(t2, b2):.2f} ms/KB"


@pytest.mark.parametrize(("name", "unit", "tail", "lang"), END_TO_END, ids=[c[0] for c in END_TO_END])
def test_normaliser_and_matcher_attack_is_linear(name, unit, tail, lang):
    gaz = default_gazetteer()
    b1, b2 = _body(unit, tail, 20), _body(unit, tail, 40)
    t1 = cpu(lambda: gaz.find_places(normalize(b1), lang), repeat=2)
    t2 = cpu(lambda: gaz.find_places(normalize(b2), lang), repeat=2)
    assert t2 < 3 * t1 + SLACK, f"{name}: {t1 * 1000:.1f} -> {t2 * 1000:.1f} ms"
    assert per_kb(t2, b2) < MATCH_MS_PER_KB, f"{name}: {per_kb(t2, b2):.2f} ms/KB"


def test_hundred_kilobyte_attack_has_an_absolute_bound():
    body = _body("، و1 كم شمال ", "إدلب قتل 3", 100)
    seconds = cpu(lambda: _extract({"id": "x", "body": body, "language": "ar"}), repeat=1)
    assert seconds < 100 * EXTRACT_MS_PER_KB / 1000, f"{seconds * 1000:.0f} ms for 100 KB"
