"""The normaliser folds what matching must ignore and maps offsets back exactly."""

from hypothesis import given
from hypothesis import strategies as st

from streams.text.normalize import normalize, normalize_text


def test_folds_diacritics_letters_and_digits():
    assert normalize_text("قُتِلَ ٣ أشخاص في مدينة إدلب") == "قتل 3 اشخاص في مدينه ادلب"
    assert normalize_text("۱۲ جريحاً") == "12 جريحا"
    assert normalize_text("مستشفى") == "مستشفي"


def test_rejoins_filter_dodging_obfuscation():
    assert normalize_text("مقـ ـتل عنصرين") == "مقتل عنصرين"
    assert normalize_text("هجـ.ـوم") == "هجوم"
    assert normalize_text("مقتـــل") == "مقتل"


def test_drops_invisible_and_bidi_characters():
    assert normalize_text("قت\u200fل\u202e") == "قتل"
    assert normalize_text("\ufeffkilled") == "killed"


def test_lowercases_ascii_and_folds_punctuation():
    assert normalize_text("Deir ez\u2011Zor’s KILLED") == "deir ez-zor's killed"


def test_expands_presentation_forms():
    assert normalize_text("\ufefbذقية") == "لاذقيه"


def test_offsets_point_into_the_original():
    original = "أُصيب ٥ مدنيين بجروح في بلدة سَرمين"
    n = normalize(original)
    start = n.text.index("سرمين")
    assert n.original_slice(start, start + len("سرمين")) == "سَرمين"
    digit = n.text.index("5")
    assert original[n.to_original(digit)] == "٥"


def test_identity_when_nothing_changes():
    n = normalize("three civilians were killed")
    assert n.text == "three civilians were killed"
    assert n.span_to_original(6, 15) == (6, 15)


@given(st.text(max_size=300))
def test_offset_map_is_monotonic_and_in_range(text):
    n = normalize(text)
    last = 0
    for i in range(len(n.text) + 1):
        o = n.to_original(i)
        assert 0 <= o <= len(text)
        assert o >= last
        last = o


@given(st.text(alphabet="قتلمصرعابيهةأإآى ـ.\u064e\u0651٣0123", max_size=200))
def test_every_normalised_char_comes_from_a_source_char(text):
    n = normalize(text)
    for i, ch in enumerate(n.text):
        src = text[n.to_original(i)]
        assert normalize_text(src) == ch or src in "\ufb50\ufefb"


_TRICKY = "قتلُِّـ .-_*|/\\ﻻﷺ\u200b\u064b\u0670\ufeffأإةى٣۴`’\u00a0\tAbZ"


@given(st.text(alphabet=_TRICKY, max_size=40) | st.text(max_size=40))
def test_fast_path_agrees_with_the_reference(text):
    from streams.text.normalize import _ONE_TO_ONE, _normalize_general

    fast, ref = normalize(text), _normalize_general(text, text.translate(_ONE_TO_ONE))
    assert fast.text == ref.text
    assert [fast.to_original(i) for i in range(len(fast.text) + 1)] == [
        ref.to_original(i) for i in range(len(ref.text) + 1)
    ]


def test_one_for_one_replacements_do_not_chain():
    # normalize() applies them one after another with str.replace
    from streams.text.normalize import _ONE_TO_ONE

    assert not any(ord(ch) in _ONE_TO_ONE for v in _ONE_TO_ONE.values() for ch in v)


def _sources() -> str:
    from streams.text.normalize import _ONE_TO_ONE

    return "".join(chr(k) for k in _ONE_TO_ONE)


@given(st.text(alphabet=_sources() + "قتل ab\u064e\u0640", max_size=60))
def test_every_one_for_one_source_is_folded_like_translate(text):
    # normalize() finds the characters to replace with one regex scan (non-ASCII text)
    from streams.text.normalize import _ONE_TO_ONE, _normalize_general

    fast, ref = normalize(text), _normalize_general(text, text.translate(_ONE_TO_ONE))
    assert fast.text == ref.text
    assert [fast.to_original(i) for i in range(len(fast.text) + 1)] == [
        ref.to_original(i) for i in range(len(ref.text) + 1)
    ]


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_text_is_folded_like_translate(text):
    # ASCII text: str.lower() for A-Z, the other ASCII pairs replaced one by one
    from streams.text.normalize import _ONE_TO_ONE, _normalize_general

    fast, ref = normalize(text), _normalize_general(text, text.translate(_ONE_TO_ONE))
    assert fast.text == ref.text
    assert [fast.to_original(i) for i in range(len(fast.text) + 1)] == [
        ref.to_original(i) for i in range(len(ref.text) + 1)
    ]


def test_ascii_text_skips_the_deletion_scan_and_agrees_with_it():
    # normalize() returns ASCII text without scanning for characters to delete or expand
    # (none is ASCII); the scan, run anyway, finds nothing and gives the same result
    from streams.text.normalize import _ONE_TO_ONE, _SPLIT, _normalize_general

    every = "".join(map(chr, range(128))) * 2
    assert _SPLIT.split(every.translate(_ONE_TO_ONE)) == [every.translate(_ONE_TO_ONE)]
    fast, ref = normalize(every), _normalize_general(every, every.translate(_ONE_TO_ONE))
    assert fast.text == ref.text and fast._norm_at == ref._norm_at == [0]
    assert fast.original is every
