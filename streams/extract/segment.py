"""Tokens, sentences and clauses over normalised text, with their offsets.

Sentences end at ``. ! ? ؟ ؛`` and line breaks (a full stop between two digits
is a decimal point, not an end). Clauses split a sentence at commas (``، ,``),
semicolons and colons. All offsets are into the normalised text; the caller
maps them back to the original with :class:`~streams.text.normalize.Normalized`.
The regular expressions are linear (no nested quantifiers), so any input is safe.
"""

from __future__ import annotations

import re
from itertools import accumulate, islice, repeat
from typing import Final, NamedTuple

__all__ = ["Sentence", "Token", "sentences", "tokenize"]

# A token is a number (3, 1.200, 3,5), a run of letters, or one other non-space character
# (underscore excepted). Written as "one non-space character, then the rest of its kind" so
# that the engine tests one class per offset instead of three alternatives (same tokens as
# r"\d+(?:[.,]\d+)*|[^\W\d_]+|[^\w\s]": the three first characters are disjoint).
_TOKEN: Final = re.compile(r"[^\s_](?:(?<=[^\W\d_])[^\W\d_]*|(?<=\d)\d*(?:[.,]\d+)*|)")
# A run of end marks or of line breaks (a run between two digits is a decimal point, see
# below), written to open with one character class: the engine then skips to the next
# candidate character in a tight loop (4x faster than the alternation "[.!?؟؛]+|\n+").
_SENT_END: Final = re.compile(r"[.!?؟؛\n](?:(?<=\n)\n*|(?<=[^\n])[.!?؟؛]*)")
# From the first to the last non-space character: what str.strip() keeps (\s is str.isspace).
_CORE: Final = re.compile(r"\S(?:.*\S)?", re.DOTALL)
_TOKEN_SPLIT: Final = re.compile(f"({_TOKEN.pattern})").split
_CLAUSE_END: Final = frozenset("،,;:؛")


class Token(NamedTuple):
    """One token: ``text`` is normalised; ``start``/``end`` are normalised offsets.

    A named tuple, not a frozen dataclass: tokens are made by the thousand and
    tuple construction is several times cheaper.
    """

    text: str
    start: int
    end: int
    clause: int  # index of the clause within its sentence

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_number(self) -> bool:
        return self.text[0].isdigit()


class Sentence:
    """A sentence: its normalised span; tokens are made on first use (most sentences need none)."""

    __slots__ = ("_text", "_tokens", "end", "index", "start")

    def __init__(self, start: int, end: int, index: int, text: str) -> None:
        self.start = start
        self.end = end
        self.index = index
        self._text = text
        self._tokens: list[Token] | None = None

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = tokenize(self._text, self.start, self.end)
        return self._tokens


# Compiled by mypyc (streams/compiled.py) or not: a compiled function is no Python function.
def _probe() -> None:
    pass


COMPILED: Final = type(_probe).__name__ != "function"

# What _TOKEN reads of a character below U+0700 (ASCII, Latin-1, Arabic), by code point: 0 a
# gap (str.isspace, as the regex's \s, or "_"), 1 a letter ([^\W\d_]: alphanumeric and not a
# decimal digit), 2 a decimal digit (\d), 3 any other character (a token of its own). Built
# from the str methods the regex classes are defined by; code points above are asked directly.
_KINDS: Final = "".join(
    "0" if c.isspace() or c == "_" else "2" if c.isdecimal() else "1" if c.isalnum() else "3"
    for c in map(chr, range(0x700))
)


def _kind(text: str, i: int) -> int:
    """The kind of ``text[i]`` (see ``_KINDS``)."""
    o = ord(text[i])
    if o < 0x700:
        return ord(_KINDS[o]) - 48
    c = text[i]
    return 0 if c.isspace() else 2 if c.isdecimal() else 1 if c.isalnum() else 3


def _tokenize_scan(text: str, start: int, end: int) -> list[Token]:
    """``tokenize`` as a loop over characters: what mypyc compiles to a fast native loop
    (the regex split below is what is fast in the interpreter). Same tokens (test_fast_paths)."""
    out: list[Token] = []
    new = tuple.__new__
    token = Token  # a local: a class that is not native is a module-dict look-up at each use
    clause = 0
    i = start
    while i < end:
        kind = _kind(text, i)
        if kind == 0:
            i += 1
            continue
        j = i + 1
        if kind == 1:
            while j < end and _kind(text, j) == 1:
                j += 1
        elif kind == 2:
            while j < end and _kind(text, j) == 2:
                j += 1
            # (?:[.,]\d+)*: a mark followed by a digit, as often as it comes
            while j + 1 < end and (text[j] == "." or text[j] == ",") and _kind(text, j + 1) == 2:
                j += 2
                while j < end and _kind(text, j) == 2:
                    j += 1
        word = text[i:j]
        if kind == 3 and word in _CLAUSE_END:
            clause += 1
        out.append(new(token, (word, i, j, clause)))
        i = j
    return out


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """Tokens of ``text[start:end]``; punctuation tokens carry clause boundaries."""
    if COMPILED:
        return _tokenize_scan(text, start, end)
    return _tokenize_split(text, start, end)


def _tokenize_split(text: str, start: int, end: int) -> list[Token]:
    """``tokenize`` by a regex split: what is fast in the interpreter."""
    # One C-level pass per field instead of a Python loop per token (a quarter cheaper):
    # re.split with the token captured gives gap, token, gap, ... without a match object
    # per token, and the offsets are the running sums of the pieces' lengths (the pattern's
    # lookbehinds only look inside the token, so splitting the slice finds the same tokens);
    # the clause index is the running count of clause marks, and the tuples are built with
    # tuple.__new__ (the same Token without the generated __new__).
    parts = _TOKEN_SPLIT(text[start:end])
    words = parts[1::2]
    offsets = list(accumulate(map(len, parts), initial=start))
    clauses = accumulate(map(_CLAUSE_END.__contains__, words), initial=0)
    next(clauses)  # the initial 0: clause k counts the marks up to and including token k
    # token k is piece 2k + 1: it starts at offsets[2k + 1] and ends at offsets[2k + 2]
    # (read in place with islice; zip stops with the words, the odd offsets have one more)
    fields = zip(words, islice(offsets, 1, None, 2), islice(offsets, 2, None, 2), clauses, strict=False)
    return list(map(tuple.__new__, repeat(Token), fields))


_END_MARKS: Final = ".!?؟؛\n"  # what _SENT_END's runs are made of


def _sentences_find(text: str) -> list[Sentence]:
    """``sentences`` without ``_SENT_END.finditer``: the next end mark is the nearest next
    occurrence of one of the six, each found by ``str.find`` (a C loop) and found again only
    once passed. What is fast compiled (mypyc); the same sentences (test_fast_paths)."""
    out: list[Sentence] = []
    n = len(text)
    marks = _END_MARKS
    nxt: list[int] = []
    for c in marks:
        k = text.find(c)
        nxt.append(n if k < 0 else k)
    pos = 0
    while True:
        a = min(nxt)
        if a >= n:
            break
        e = a + 1
        newline = text[a] == "\n"
        if newline:  # a run of line breaks
            while e < n and text[e] == "\n":
                e += 1
        else:  # a run of end marks
            while e < n and text[e] in ".!?؟؛":
                e += 1
        for k in range(6):  # the marks passed: their next occurrence after the run
            if nxt[k] < e:
                f = text.find(marks[k], e)
                nxt[k] = n if f < 0 else f
        if not newline and a > 0 and e < n and text[a - 1].isdigit() and text[e].isdigit():
            continue  # 3.5, 1.200: not a sentence end
        s = pos
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            end = e
            if newline:  # the text before the line breaks, stripped
                end = a
                while text[end - 1].isspace():
                    end -= 1
            out.append(Sentence(s, end, len(out), text))
        pos = e
    # the rest, stripped (what _CORE finds)
    s = pos
    while s < n and text[s].isspace():
        s += 1
    if s < n:
        end = n
        while text[end - 1].isspace():
            end -= 1
        out.append(Sentence(s, end, len(out), text))
    return out


def sentences(text: str) -> list[Sentence]:
    """Split normalised ``text`` into sentences (empty ones are dropped)."""
    if COMPILED:
        return _sentences_find(text)
    out: list[Sentence] = []
    pos = 0
    n = len(text)
    for m in _SENT_END.finditer(text):
        a, e = m.span()
        if a > 0 and e < n and text[a - 1].isdigit() and text[e].isdigit() and text[a] != "\n":
            continue  # 3.5, 1.200: not a sentence end
        # the stripped span of text[pos:e] (what _CORE finds), read in place: the piece
        # opens with at most a space or two, and a run of end marks is its non-space end
        s = pos
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            end = e
            if text[a] == "\n":  # a run of line breaks: the text before it, stripped
                end = a
                while text[end - 1].isspace():
                    end -= 1
            out.append(Sentence(s, end, len(out), text))
        pos = e
    c = _CORE.search(text, pos)
    if c is not None:
        out.append(Sentence(c.start(), c.end(), len(out), text))
    return out
