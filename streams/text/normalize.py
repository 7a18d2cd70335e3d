"""Arabic and English text normalisation that remembers where every character came from.

Every matcher in Hasila (gazetteer, triggers, numbers) works on normalised text,
but every piece of evidence it reports must point into the *original* article.
So normalisation is done once per article and returns a :class:`Normalized`
that can map any normalised offset back to the original text.

What is folded, and why:

* Arabic diacritics (harakat, shadda, sukun, dagger alef, Quranic marks) and
  tatweel: news text uses them inconsistently (قُتل / قتل).
* Filter-dodging obfuscation some outlets use: a tatweel, separators, tatweel
  (``مقـ ـتل``, ``هجـ.ـوم``) is deleted as a whole, which rejoins the word.
* Letter variants: أ إ آ ٱ → ا, ة → ه, ى → ي, Persian ک/ی → ك/ي.
* Eastern Arabic (٠-٩) and Persian (۰-۹) digits → ASCII digits; the Arabic
  decimal and thousands separators → ``.`` and ``,``.
* Invisible characters (zero-width, bidi controls, BOM, soft hyphen) are
  deleted: they are used both innocently and to break keyword filters.
* ASCII letters are lower-cased, typographic quotes and dashes become ASCII,
  and every kind of space becomes a plain space (one for one, offsets kept).
* Arabic presentation forms (ligatures such as ﻻ) are expanded with NFKC.

One-for-one substitutions are done with :meth:`str.replace` for the few
characters present (offsets are unchanged); deletions are found in one
:func:`re.split` pass and the offset map is kept as a short list of
breakpoints built by running sums, so normalising costs about 10 ms per MB
(0.05 ms for a 5 KB article).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Final

__all__ = ["Normalized", "normalize", "normalize_text"]

_ONE_TO_ONE: Final[dict[int, str]] = {}
for _src, _dst in {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ک": "ك",
    "ڪ": "ك",
    "٫": ".",
    "٬": ",",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",
    "\u02bc": "'",
    "\u02bf": "'",
    "\u02be": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
}.items():
    _ONE_TO_ONE[ord(_src)] = _dst
for _i in range(10):
    _ONE_TO_ONE[0x0660 + _i] = str(_i)  # Eastern Arabic digits
    _ONE_TO_ONE[0x06F0 + _i] = str(_i)  # Persian digits
for _c in range(ord("A"), ord("Z") + 1):
    _ONE_TO_ONE[_c] = chr(_c + 32)
for _c in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x0009, 0x000B, 0x000C):
    _ONE_TO_ONE[_c] = " "

_TATWEEL: Final = "\u0640"
# Characters that are simply dropped.
_DELETE_CLASS: Final = (
    "\u064b-\u0652"  # harakat, shadda, sukun
    "\u0653-\u065f"  # maddah and other combining marks
    "\u0670"  # dagger alef
    "\u0610-\u061a"  # honorifics and small high marks
    "\u06d6-\u06ed"  # Quranic annotation marks
    "\u0640"  # tatweel
    "\u00ad"  # soft hyphen
    "\u200b-\u200f"  # zero-width space/joiners, LRM, RLM
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u2069"  # word joiner, bidi isolates
    "\ufeff"  # BOM / zero-width no-break space
    "\u061c"  # Arabic letter mark
)
# Tatweel, optional separators, tatweel: the "مقـ ـتل" obfuscation.
_OBFUSCATION: Final = r"\u0640[\u0640 .\-_*·•|/\\]*\u0640"
# Arabic presentation forms and other compatibility characters that expand.
_EXPAND_CLASS: Final = "\ufb50-\ufdff\ufe70-\ufefc"
_SPECIAL: Final = re.compile(rf"{_OBFUSCATION}|[{_DELETE_CLASS}]+|[{_EXPAND_CLASS}]")
_EXPAND_START: Final = 0xFB50
_EXPAND_FIRST: Final = chr(_EXPAND_START)
# The same matches as _SPECIAL, captured so that re.split keeps them, and written
# to start with one character class (the regex engine then skips ahead to the
# next candidate character quickly): a deletable character, then either the
# rest of a "مقـ ـتل" obfuscation (when it was a tatweel) or more deletables.
_SPLIT: Final = re.compile(
    rf"([{_DELETE_CLASS}{_EXPAND_CLASS}]"
    rf"(?:(?<=\u0640)[\u0640 .\-_*·•|/\\]*\u0640|(?<=[{_DELETE_CLASS}])[{_DELETE_CLASS}]*|))"
)
# One-for-one replacements as (character, replacement) pairs: str.replace on the
# few characters present is several times faster than str.translate on non-ASCII
# text.  No replacement is itself a key, so the order does not matter.
_PAIRS: Final = tuple((chr(k), v) for k, v in _ONE_TO_ONE.items())
_ASCII_PAIRS: Final = tuple(p for p in _PAIRS if p[0].isascii())
# On ASCII text str.lower() is exactly the A-Z -> a-z part of the map (one C pass instead of
# 26 scans and replacements); the other ASCII pairs are replaced one by one.
_ASCII_LOWER: Final = {(chr(c), chr(c + 32)) for c in range(ord("A"), ord("Z") + 1)}
assert _ASCII_LOWER.issubset(_ASCII_PAIRS)
_ASCII_OTHER: Final = tuple(p for p in _ASCII_PAIRS if p not in _ASCII_LOWER)
_ONE_TO_ONE_STR: Final = dict(_PAIRS)
_PAIR_SOURCE: Final = re.compile("[" + "".join(re.escape(src) for src, _ in _PAIRS) + "]")
# ASCII text has nothing to delete or expand (normalize() skips the scan for it)
assert not any(_SPLIT.match(chr(c)) or _SPECIAL.match(chr(c)) for c in range(128))
assert not any(ch in _ONE_TO_ONE for _, v in _PAIRS for ch in map(ord, v))


@dataclass(slots=True, init=False)
class Normalized:
    """Normalised text plus the map back to the original.

    ``breaks`` holds pairs ``(normalised_index, original_index)`` at every
    point where the two stop being in step; between two breakpoints the texts
    advance together.
    """

    original: str
    text: str
    _norm_at: list[int] = field(default_factory=lambda: [0])
    _orig_at: list[int] = field(default_factory=lambda: [0])

    # An explicit __init__ (init=False above): mypyc compiles it, while the dataclass-made one
    # runs in the interpreter. Same fields, same defaults (a new [0] unless given).
    def __init__(
        self, original: str, text: str, _norm_at: list[int] | None = None, _orig_at: list[int] | None = None
    ) -> None:
        self.original = original
        self.text = text
        self._norm_at = [0] if _norm_at is None else _norm_at
        self._orig_at = [0] if _orig_at is None else _orig_at

    def to_original(self, index: int) -> int:
        """Original offset of the normalised character at ``index`` (0 <= index <= len)."""
        k = bisect_right(self._norm_at, index) - 1
        return self._orig_at[k] + (index - self._norm_at[k])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` span covering the normalised span ``[start, end)``."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1

    def original_slice(self, start: int, end: int) -> str:
        """The original text under a normalised span."""
        a, b = self.span_to_original(start, end)
        return self.original[a:b]


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching and keep the offset map (see module doc)."""
    folded = text
    if text.isascii():
        folded = text.lower()
        for src, dst in _ASCII_OTHER:
            if src in folded:
                folded = folded.replace(src, dst)
        # nothing to delete or expand: every character those classes hold is beyond ASCII (the
        # assert below), and the scan for them cost 3-6 ns a character (30 us a 5 KB article)
        return Normalized(text, folded)
    # The first character to replace, all its occurrences replaced, then the next one from
    # there: one scan of the text instead of one per pair (nothing before ``pos`` is a key,
    # and a replacement never is, so ``pos`` stays valid after a replacement).
    pos = 0
    search = _PAIR_SOURCE.search
    while (m := search(folded, pos)) is not None:
        pos = m.start()
        src = folded[pos]
        folded = folded.replace(src, _ONE_TO_ONE_STR[src])
    parts = _SPLIT.split(folded)
    if len(parts) == 1:
        return Normalized(text, folded)
    if not any(p[0] >= _EXPAND_FIRST for p in parts[1::2]):
        # Deletions only (nearly every article): offsets by running sums.
        lens = list(map(len, parts))
        orig_at = [0, *accumulate(lens)][2::2]  # end of each deletion in the original
        kept = list(accumulate(lens[0::2]))  # normalised length after each kept piece
        return Normalized(text, "".join(parts[0::2]), [0, *kept[:-1]], [0, *orig_at])
    return _normalize_general(text, folded)


def _normalize_general(text: str, folded: str) -> Normalized:
    """Deletions and expansions one match at a time (``folded``: ``text`` after the one-for-one map).

    The reference implementation: :func:`normalize` takes a faster path when
    nothing expands, and the tests check the two agree.
    """
    out: list[str] = []
    norm_at = [0]
    orig_at = [0]
    pos = 0  # in original
    n = 0  # length of normalised output so far
    for m in _SPECIAL.finditer(folded):
        a, b = m.span()
        if a > pos:
            out.append(folded[pos:a])
            n += a - pos
        piece = m.group()
        if ord(piece[0]) >= _EXPAND_START and piece[0] != _TATWEEL and len(piece) == 1:
            expanded = unicodedata.normalize("NFKC", piece).translate(_ONE_TO_ONE)
            expanded = _SPECIAL.sub("", expanded)
            # Every output character of the expansion points at the source character.
            for i, ch in enumerate(expanded):
                out.append(ch)
                norm_at.append(n + i)
                orig_at.append(a)
            n += len(expanded)
        norm_at.append(n)
        orig_at.append(b)
        pos = b
    if pos == 0 and len(norm_at) == 1:
        return Normalized(text, folded)
    out.append(folded[pos:])
    return Normalized(text, "".join(out), norm_at, orig_at)


def normalize_text(text: str) -> str:
    """Only the normalised string, for lexicon entries and gazetteer names."""
    return normalize(text).text
