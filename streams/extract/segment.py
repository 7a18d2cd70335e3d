"""Tokens, sentences and clauses over normalised text, with their offsets.

Sentences end at ``. ! ? ؟ ؛`` and line breaks (a full stop between two digits
is a decimal point, not an end). Clauses split a sentence at commas (``، ,``),
semicolons and colons. All offsets are into the normalised text; the caller
maps them back to the original with :class:`~streams.text.normalize.Normalized`.
The regular expressions are linear (no nested quantifiers), so any input is safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "Token", "sentences", "tokenize"]

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[^\w\s]")
_SENT_END = re.compile(r"(?<!\d)[.!?؟؛]+|[.!?؟؛]+(?!\d)|\n+")
_CLAUSE_END = frozenset("،,;:؛")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``text`` is normalised; ``start``/``end`` are normalised offsets."""

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


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """Tokens of ``text[start:end]``; punctuation tokens carry clause boundaries."""
    out: list[Token] = []
    clause = 0
    for m in _TOKEN.finditer(text, start, end):
        t = m.group()
        if t in _CLAUSE_END:
            clause += 1
        out.append(Token(t, m.start(), m.end(), clause))
    return out


def sentences(text: str) -> list[Sentence]:
    """Split normalised ``text`` into sentences (empty ones are dropped)."""
    out: list[Sentence] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        _add(text, pos, m.end(), out)
        pos = m.end()
    _add(text, pos, len(text), out)
    return out


def _add(text: str, a: int, b: int, out: list[Sentence]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        out.append(Sentence(a, b, len(out), text))
