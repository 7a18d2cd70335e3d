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

All one-for-one substitutions go through :meth:`str.translate` (offsets are
unchanged); only deletions and expansions need the offset map, which is kept
as a short list of breakpoints, so normalising costs a few milliseconds per MB.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = ["Normalized", "normalize", "normalize_text"]

_ONE_TO_ONE: dict[int, str] = {}
for _src, _dst in {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ة": "ه", "ى": "ي", "ی": "ي", "ې": "ي", "ک": "ك", "ڪ": "ك",
    "٫": ".", "٬": ",",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u02bc": "'", "\u02bf": "'", "\u02be": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
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

_TATWEEL = "\u0640"
# Characters that are simply dropped.
_DELETE_CLASS = (
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
_OBFUSCATION = r"\u0640[\u0640 .\-_*·•|/\\]*\u0640"
# Arabic presentation forms and other compatibility characters that expand.
_EXPAND_CLASS = "\ufb50-\ufdff\ufe70-\ufefc"
_SPECIAL = re.compile(rf"{_OBFUSCATION}|[{_DELETE_CLASS}]+|[{_EXPAND_CLASS}]")
_EXPAND_START = 0xFB50


@dataclass(slots=True)
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
    folded = text.translate(_ONE_TO_ONE)
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
