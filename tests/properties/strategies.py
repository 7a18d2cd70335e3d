"""Hypothesis strategies and CPU-time helpers shared by the property tests.

Mixing valid pieces (real trigger words, number words, place names, digits)
with separators and invisible characters is what reaches the deep branches of
the extractor; pure random unicode mostly exercises the "nothing here" path.
All sentences and words here are written for the tests, not copied from data.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from hypothesis import strategies as st

from streams.extract.lexicon import lexicon

_AR = lexicon("ar")
_EN = lexicon("en")

AR_TRIGGERS = sorted(_AR.triggers)
AR_NUMBERS = sorted(_AR.numbers)
AR_VICTIMS = sorted(_AR.victims)
EN_TRIGGERS = sorted(_EN.triggers)
EN_NUMBERS = sorted(_EN.numbers)
EN_VICTIMS = sorted(_EN.victims)

# Place names (OCHA / OpenSyria gazetteer facts) in the forms articles use.
AR_PLACES = [
    "إدلب",
    "ريف إدلب",
    "حلب",
    "دمشق",
    "ريف دمشق",
    "درعا",
    "حماة",
    "حمص",
    "سرمين",
    "دير الزور",
    "الرقة",
    "القامشلي",
    "جبلة",
    "اللاذقية",
    "طرطوس",
    "السويداء",
    "حي الوعر",
    "منبج",
]
EN_PLACES = [
    "Idlib",
    "Aleppo",
    "Damascus",
    "Rural Damascus",
    "Daraa",
    "Hama",
    "Homs",
    "Deir ez-Zor",
    "Raqqa",
    "Qamishli",
    "Latakia",
    "Tartus",
    "Sweida",
    "Manbij",
    "Idlib countryside",
]
AR_GLUE = [
    "في",
    "ب",
    "على",
    "بقصف",
    "جراء",
    "غارة",
    "اليوم",
    "أمس",
    "مدنيين",
    "عناصر",
    "أطفال",
    "و",
    "بجروح",
    "إصابة",
    "منذ",
    "بلدة",
    "مدينة",
    "محافظة",
    "قرية",
    "حي",
    "نحو",
    "أكثر من",
    "عشرات",
]
EN_GLUE = [
    "in",
    "near",
    "the",
    "of",
    "and",
    "were",
    "at least",
    "people",
    "civilians",
    "soldiers",
    "yesterday",
    "province",
    "village",
    "town",
    "on Monday",
    "more than",
    "dozens of",
    "since",
]
SEPARATORS = ["،", ",", "و", ".", "-", "«", "»", "(", ")", "؛", ";", ":", "!", "؟", "\n", " ", "  ", "/", "|"]
INVISIBLES = [
    "\u0640",
    "\u064b",
    "\u064e",
    "\u0651",
    "\u0652",
    "\u0670",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202e",
    "\u2066",
    "\u2069",
    "\ufeff",
    "\u061c",
    "\u00ad",
]
EASTERN_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"

_ar_word = st.sampled_from(AR_TRIGGERS + AR_NUMBERS + AR_VICTIMS + AR_PLACES + AR_GLUE)
_en_word = st.sampled_from(EN_TRIGGERS + EN_NUMBERS + EN_VICTIMS + EN_PLACES + EN_GLUE)
_digits = st.text(alphabet="0123456789" + EASTERN_DIGITS + ".,", min_size=1, max_size=14)
_sep = st.sampled_from(SEPARATORS)
_invisible = st.sampled_from(INVISIBLES)


def _pieces(word: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(word, word, word, _digits, _sep, _invisible, st.text(max_size=3))
    return st.lists(piece, max_size=60).map(" ".join)


ar_mixed = _pieces(_ar_word)
en_mixed = _pieces(_en_word)

# A word with invisibles/tatweel sprinkled inside it ("مقـ ـتل", "قُتِلَ").
flooded_word = st.tuples(_ar_word, st.lists(_invisible, max_size=6), st.randoms(use_true_random=False)).map(
    lambda t: "".join(ch + ("".join(t[1]) if t[2].random() < 0.4 else "") for ch in t[0])
)

# Long runs of one token, and deep nesting of separators.
runs = st.tuples(st.one_of(_ar_word, _en_word, _sep, _digits, _invisible), st.integers(1, 400)).map(
    lambda t: (t[0] + " ") * t[1]
)
nested = st.tuples(st.lists(_sep, min_size=1, max_size=8), st.integers(1, 120), _ar_word).map(
    lambda t: "".join(t[0]) * t[1] + t[2] + "".join(reversed(t[0])) * t[1]
)
long_digits = st.tuples(st.sampled_from(["0123456789", EASTERN_DIGITS]), st.integers(10, 1000)).map(
    lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]]
)

any_text = st.one_of(
    st.text(max_size=400),
    ar_mixed,
    en_mixed,
    st.lists(flooded_word, max_size=20).map(" ".join),
    runs,
    nested,
    long_digits.map(lambda d: f"قتل {d} مدنيا في إدلب"),
    long_digits.map(lambda d: f"{d} people were killed in Idlib"),
)


def cpu(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best-of-``repeat`` CPU seconds of ``fn()``: process time ignores other load on the machine."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def per_kb(seconds: float, text: str) -> float:
    """Milliseconds per kilobyte of UTF-8 input (at least 1 KB, so tiny inputs are not penalised)."""
    kb = max(len(text.encode("utf-8")) / 1024, 1.0)
    return seconds * 1000 / kb


def _sentence(trig, num, victim, place, glue, noise) -> st.SearchStrategy[str]:
    """A casualty-shaped sentence (trigger, count, victim, place in some order) with noise mixed in."""
    slot = st.one_of(trig, num, victim, place, glue)
    core = st.one_of(
        st.tuples(trig, num, victim, glue, place).map(list),
        st.tuples(num, victim, trig, glue, place).map(list),
        st.tuples(place, trig, num, victim, glue, num, victim).map(list),
    )
    return st.tuples(core, st.lists(st.tuples(st.integers(0, 8), st.one_of(slot, noise)), max_size=6)).map(
        lambda t: " ".join(_insert(t[0], t[1]))
    )


def _insert(words: list[str], extra: list[tuple[int, str]]) -> list[str]:
    out = list(words)
    for pos, w in extra:
        out.insert(min(pos, len(out)), w)
    return out


_noise = st.one_of(_sep, _invisible, _digits, st.text(max_size=2))
_ar_num = st.one_of(
    st.sampled_from(AR_NUMBERS), _digits, st.sampled_from(["عشرات", "نحو 12", "ثلاثة وعشرين"])
)
_en_num = st.one_of(
    st.sampled_from(EN_NUMBERS), _digits, st.sampled_from(["dozens of", "at least 12", "twenty-three"])
)
ar_sentence = _sentence(
    st.sampled_from(AR_TRIGGERS),
    _ar_num,
    st.sampled_from(AR_VICTIMS),
    st.sampled_from(AR_PLACES),
    st.sampled_from(AR_GLUE),
    _noise,
)
en_sentence = _sentence(
    st.sampled_from(EN_TRIGGERS),
    _en_num,
    st.sampled_from(EN_VICTIMS),
    st.sampled_from(EN_PLACES),
    st.sampled_from(EN_GLUE),
    _noise,
)
ar_article = st.lists(st.one_of(ar_sentence, ar_sentence, ar_mixed), min_size=1, max_size=10).map(". ".join)
en_article = st.lists(st.one_of(en_sentence, en_sentence, en_mixed), min_size=1, max_size=10).map(". ".join)
