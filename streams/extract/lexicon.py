"""Load the extraction lexicons (data files under ``lexicon/{ar,en}/``) once.

Word lists are data, not code, so a linguist can extend them without reading
Python. Every entry is normalised with the shared normaliser at load, so the
files may be written with hamzas, ta marbuta and alef maqsura as in print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from streams.text.normalize import normalize_text

__all__ = ["Lexicon", "lexicon"]

_DIR = Path(__file__).parent / "lexicon"


def _rows(lang: str, name: str) -> list[list[str]]:
    rows = []
    with open(_DIR / lang / name, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All word lists of one language, normalised."""

    lang: str
    numbers: dict[str, int]
    vague: dict[str, tuple[int | None, int | None]]
    triggers: dict[str, tuple[str, str]]
    victims: dict[str, tuple[str, str]]
    things: frozenset[str]
    fillers: frozenset[str]
    cumulative: tuple[re.Pattern[str], ...]
    idioms: dict[str, tuple[frozenset[str], int]]


def _ar_number_variants(word: str, value: int) -> dict[str, int]:
    """Case endings the data file leaves implicit (ون→ين, ان→ين, tanween alif)."""
    out = {word: value}
    if word.endswith("ون"):
        out[word[:-2] + "ين"] = value
    if word.endswith("ان"):
        out[word[:-2] + "ين"] = value
    return out


@lru_cache(maxsize=2)
def lexicon(lang: str) -> Lexicon:
    """The lexicon of ``lang`` ("ar" or "en"), loaded and normalised once."""
    norm = normalize_text
    numbers: dict[str, int] = {}
    for word, value in _rows(lang, "numbers.txt"):
        w = norm(word)
        if lang == "ar":
            numbers.update(_ar_number_variants(w, int(value)))
        else:
            numbers[w] = int(value)
    vague: dict[str, tuple[int | None, int | None]] = {}
    for row in _rows(lang, "vague.txt"):
        count = int(row[1]) if len(row) > 1 and row[1] else None
        cmin = int(row[2]) if len(row) > 2 and row[2] else (1 if count is None else count)
        vague[norm(row[0])] = (count, cmin)
    triggers = {norm(w): (k, c) for w, k, c in _rows(lang, "triggers.txt")}
    victims = {norm(w): (c, n) for w, c, n in _rows(lang, "victims.txt")}
    things = frozenset(norm(r[0]) for r in _rows(lang, "things.txt"))
    fillers = frozenset(norm(r[0]) for r in _rows(lang, "fillers.txt"))
    cumulative = tuple(re.compile(r[0]) for r in _rows(lang, "cumulative.txt"))
    idioms: dict[str, tuple[frozenset[str], int]] = {}
    if (_DIR / lang / "idioms.txt").exists():
        for head, tails, gap in _rows(lang, "idioms.txt"):
            idioms[norm(head)] = (frozenset(norm(t) for t in tails.split("|")), int(gap))
    return Lexicon(lang, numbers, vague, triggers, victims, things, fillers, cumulative, idioms)
