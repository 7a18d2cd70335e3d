"""English casualty rules: triggers, the quantity before or after them, traps.

"5 NDF soldiers were killed", "killing one junior officer", "the death of 2",
"left one soldier dead and another injured", "dozens were wounded" (= 12),
"a child was killed", "2–3 civilians killed". Rule ids ``en.<kind>.<form>.v1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import Final

from streams.extract.hits import Hit
from streams.extract.lexicon import Lexicon, lexicon
from streams.extract.segment import Sentence, Token

__all__ = ["find_hits", "parse_number"]

# A parsed number this large is not a casualty count (a year run together, a phone number, a typo).
_TOO_BIG: Final = 10**9
_TEXT: Final = itemgetter(0)  # Token.text (tokens are named tuples)
_AUX: Final = frozenset({"was", "were", "been", "be", "is", "are", "being", "get", "got"})
_NEG: Final = frozenset({"no", "not", "without", "never", "nor"})
_MONTHS: Final = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
_STOP_BACK: Final = (
    frozenset({".", ";", ":", "while", "but", "after", "when", "since", "because", "which", "who"})
)
_RANGE: Final = frozenset({"-", "\u2013", "\u2014", "to", "or"})  # "2-3", "2–3 civilians", "two to three"
# words that open a quantity phrase before its figure ("at least 5", "more than 10")
_BACK_MODIFIERS: Final = (
    frozenset({"at", "more", "over", "about", "around", "nearly", "no", "not", "up", "some"})
)
_SINGULAR_POSS: Final = frozenset({"his", "her"})
_CLAIMED: Final = frozenset({"claimed", "claiming", "claim", "took", "taking", "cost"})


@dataclass(slots=True, init=False)
class _Count:
    count: int | None
    cmin: int | None
    cmax: int | None
    start: int
    end: int
    noun: str = ""
    category: str = "unknown"

    # An explicit __init__ (init=False above): mypyc compiles it, while the dataclass-made one
    # runs in the interpreter (4,000 instructions a call compiled). Same fields, same defaults.
    def __init__(
        self,
        count: int | None,
        cmin: int | None,
        cmax: int | None,
        start: int,
        end: int,
        noun: str = "",
        category: str = "unknown",
    ) -> None:
        self.count = count
        self.cmin = cmin
        self.cmax = cmax
        self.start = start
        self.end = end
        self.noun = noun
        self.category = category


def parse_number(toks: list[Token], i: int, lex: Lexicon | None = None) -> tuple[int, int] | None:
    """A cardinal at ``toks[i]``: digits, words, "twenty-five", "two hundred". (value, index after)."""
    lex = lex or lexicon("en")
    n = len(toks)
    if i >= n:
        return None
    t = toks[i].text
    if t[0].isdigit():
        d = t.replace(",", "").split(".")[0]
        if not d.isdecimal() or len(d) > 9:
            return None
        v = int(d)
        j = i + 1
        if j < n and toks[j].text in ("thousand", "million"):
            v *= lex.numbers[toks[j].text]
            j += 1
        return (v, j) if v < _TOO_BIG else None
    if t in ("a", "an"):
        return None
    total = current = 0
    j = i
    seen = False
    while j < n:
        w = toks[j].text
        if seen and w == "-" and j + 1 < n and toks[j + 1].text in lex.numbers:
            j += 1
            continue
        if seen and w == "and" and j + 1 < n and toks[j + 1].text in lex.numbers and current >= 100:
            j += 1
            continue
        got = lex.numbers.get(w)
        if got is None or w in ("a", "an", "dozen"):
            break
        if got == 100:
            current = (current or 1) * 100
        elif got >= 1000:
            total += (current or 1) * got
            current = 0
        else:
            current += got
        seen = True
        j += 1
    if not seen or total + current >= _TOO_BIG:
        return None
    return total + current, j


def _victim(lex: Lexicon, toks: list[Token], j: int, span: int = 4) -> tuple[int, str, str] | None:
    """The first victim noun within ``span`` tokens from ``j``: (index, category, noun)."""
    for k in range(j, min(len(toks), j + span)):
        w = toks[k].text
        if w in lex.victims:
            return k, lex.victims[w][0], w
        if w in lex.things or w in lex.triggers or (not toks[k].is_word and w not in ("-", "'")):
            return None
    return None


# Words a quantity phrase may start with besides a figure (see _quantity): modifiers,
# articles and "another"/"one"; the lexicon's numbers, vague quantities and victim nouns are
# added per lexicon (_quantity_heads).
_QUANTITY_HEADS: Final = frozenset(
    {"at", "no", "not", "more", "over", "up", "a", "an", "another", "one"}
    | {"about", "around", "nearly", "almost", "approximately", "some", "roughly"}
)
_HEADS: Final[dict[int, tuple[Lexicon, frozenset[str]]]] = {}


def _quantity_heads(lex: Lexicon) -> frozenset[str]:
    """Every word that can start a quantity phrase under ``lex`` (cached per lexicon)."""
    got = _HEADS.get(id(lex))
    if got is None or got[0] is not lex:
        heads = _QUANTITY_HEADS | set(lex.numbers) | set(lex.vague) | set(lex.victims)
        got = _HEADS[id(lex)] = (lex, frozenset(heads))
    return got[1]


def _quantity(toks: list[Token], j: int, lex: Lexicon) -> _Count | None:
    """A quantity phrase starting at ``j`` (modifiers included)."""
    n = len(toks)
    if j >= n:
        return None
    t0 = toks[j].text
    if not t0[0].isdigit() and t0 not in _quantity_heads(lex):
        return None  # every branch below needs a figure or one of these words at j
    s = j
    words = list(map(_TEXT, toks[j : j + 4]))
    mod = ""
    if (
        words[:2] == ["at", "least"]
        or words[:3] == ["no", "less", "than"]
        or words[:3] == ["not", "less", "than"]
    ):
        mod, j = "min", j + (2 if words[0] == "at" else 3)
    elif words[:2] in (["more", "than"], ["over"]) or words[:1] == ["over"]:
        mod, j = "more", j + (2 if words[0] == "more" else 1)
    elif words[:2] == ["up", "to"]:
        mod, j = "upto", j + 2
    elif words and words[0] in ("about", "around", "nearly", "almost", "approximately", "some", "roughly"):
        mod, j = "about", j + 1
    if j >= n:
        return None
    if toks[j].text in ("a", "an") and j + 1 < n and toks[j + 1].text in lex.vague:
        j += 1  # "a number of rebels", "a dozen": the article is not the figure
    num = None if toks[j].text in lex.vague else parse_number(toks, j, lex)
    if num is not None:
        v, k = num
        hi = None
        if k + 1 < n and toks[k].text in _RANGE and toks[k + 1].text[0].isdigit():
            num2 = parse_number(toks, k + 1, lex)
            if num2 and num2[0] > v:
                hi, k = num2
        nxt = toks[k].text if k < n else ""
        if nxt in lex.things or nxt in _MONTHS or (j and toks[j - 1].text in _MONTHS):
            return None
        if toks[j].is_number and len(toks[j].text) == 4 and 1900 <= v <= 2100:
            return None
        c = _Count(v, v, v, s, k)
        vic = _victim(lex, toks, k)
        if vic:
            c.end, c.category, c.noun = vic[0] + 1, vic[1], vic[2]
        if mod == "min" or _trailing_min(toks, c.end):
            c.cmax = None
        elif mod == "more":
            c.cmin, c.cmax = v + 1, None
        elif mod == "upto":
            c.cmin, c.cmax = 1, v
        elif hi is not None:
            c.cmax = hi
        return c
    w = toks[j].text
    if w in ("a", "an", "another", "one"):
        vic = _victim(lex, toks, j + 1)
        if w == "another":
            return _Count(1, 1, 1, s, (vic[0] + 1) if vic else j + 1, vic[2] if vic else "another")
        if vic is None:
            if w == "a" and j + 2 < n and toks[j + 1].text == "number" and toks[j + 2].text == "of":
                vic = _victim(lex, toks, j + 3)
                return _Count(None, 1, None, s, (vic[0] + 1) if vic else j + 3, vic[2] if vic else "number")
            return None
        c = _Count(1, 1, 1, s, vic[0] + 1, vic[2], vic[1])
        # "a man and a child" = 2
        k = c.end
        if k + 2 < n and toks[k].text == "and" and toks[k + 1].text in ("a", "an"):
            vic2 = _victim(lex, toks, k + 2, 3)
            if vic2 and lex.victims[vic2[2]][1] == "sg":
                c.count = c.cmin = c.cmax = 2
                c.end = vic2[0] + 1
        return c
    if w in lex.vague:
        count, cmin = lex.vague[w]
        k = j + 1
        if k < n and toks[k].text == "of":
            k += 1
        vic = _victim(lex, toks, k)
        return _Count(
            count,
            cmin,
            None,
            s,
            (vic[0] + 1) if vic else j + 1,
            vic[2] if vic else w,
            vic[1] if vic else "unknown",
        )
    if w in lex.victims and lex.victims[w][1] == "pl":
        return _Count(None, 1, None, s, j + 1, w, lex.victims[w][0])
    return None


def _trailing_min(toks: list[Token], j: int) -> bool:
    n = len(toks)
    for k in range(j, min(n, j + 2)):  # a loop, not any(<generator>): a hot path
        if toks[k].text == "at" and k + 1 < n and toks[k + 1].text == "least":
            return True
    return False


def _back(toks: list[Token], i: int, lex: Lexicon, used: set[int]) -> _Count | None:
    """The nearest quantity before the trigger at ``i`` ("5 NDF soldiers have been killed")."""
    numbers = lex.numbers
    for s in range(i - 1, max(-1, i - 15), -1):
        t = toks[s].text
        if s in used or t in _STOP_BACK or (t in lex.triggers and s != i):
            return None
        if t in _NEG:
            return None
        # (parse_number needs a figure or a number word at s: tested first, without the call)
        if (
            (t[0].isdigit() or t in numbers)
            and parse_number(toks, s, lex) is not None
            and s
            and parse_number(toks, s - 1, lex) is not None
        ):
            continue  # inside a compound: start from its first word
        cand = None
        for back in (2, 3, 1, 0):
            if s - back >= 0 and toks[s - back].text in _BACK_MODIFIERS:
                c = _quantity(toks, s - back, lex)
                if c is not None and c.start == s - back and (c.count is not None or c.noun):
                    cand = c
                    break
        cand = cand or _quantity(toks, s, lex)
        if cand is not None and cand.count is None and toks[s].text in lex.victims:
            # "5 NDF soldiers": the bare plural noun is the head, the number sits before it
            for s2 in range(s - 1, max(-1, s - 4), -1):
                if toks[s2].is_number or toks[s2].text in lex.numbers:
                    if s2 >= 2 and toks[s2 - 1].text in _RANGE and parse_number(toks, s2 - 2, lex):
                        s2 -= 2  # "2–3 civilians": the range starts at its low end
                    better = _quantity(toks, s2, lex)
                    if better is not None and better.count is not None:
                        cand, s = better, s2
                    break
        if cand is not None and s > 0 and toks[s - 1].text in ("including", "among", "includes"):
            continue  # "7 civilians including 3 children": a part, not the figure
        if cand is not None and cand.end <= i and (cand.count is not None or cand.noun):
            if toks[s].text in ("a", "an", "one") and s > 0 and toks[s - 1].text == "and":
                prev = _quantity(toks, s - 2, lex) if s >= 2 else None
                if prev is None:
                    for q in range(max(0, s - 5), s - 1):
                        p = _quantity(toks, q, lex)
                        if p is not None and p.end == s - 1 and p.count == 1:
                            cand.count = cand.cmin = cand.cmax = 2
                            cand.start = q
                            break
                        if p is not None and p.count == 2 and p.end == cand.end:
                            cand = p
                            break
            if _trailing_min(toks, cand.end):
                cand.cmax = None
            return cand
    return None


def find_hits(sent: Sentence, lex: Lexicon | None = None) -> list[Hit]:
    """Every casualty statement in one English sentence."""
    lex = lex or lexicon("en")
    toks = sent.tokens
    n = len(toks)
    hits: list[Hit] = []
    used: set[int] = set()
    triggers = lex.triggers
    # Only trigger words can start a statement: their indices picked in C (most tokens are not).
    for i in compress(range(n), map(triggers.__contains__, map(_TEXT, toks))):
        if i in used:
            continue
        w = toks[i].text
        kind, cls = triggers[w]
        if kind == "none":
            continue
        if not _NEG.isdisjoint(map(_TEXT, toks[max(0, i - 3) : i])):  # a negation in the 3 words before
            continue
        if w == "lives":
            if (
                i
                and toks[i - 1].text in ("their", "his", "her")
                and i >= 2
                and toks[i - 2].text in ("lost", "losing")
            ):
                cls = "pre"
            elif i and toks[i - 1].text == "the" and i >= 2 and toks[i - 2].text in _CLAIMED:
                cls = "post"
            else:
                continue
        if w in ("death", "injury") and not (
            (i + 1 < n and toks[i + 1].text in ("of", "two", "three"))
            or (i + 1 < n and toks[i + 1].is_number)
        ):
            continue
        # killed-and-wounded pair with one figure: "25 killed, wounded" / "killed or wounded"
        pair = None
        for k in (i + 1, i + 2):
            if (
                i + 1 < k < n
                and toks[k].text in lex.triggers
                and lex.triggers[toks[k].text][0] not in (kind, "none")
                and all(toks[m].text in (",", "and", "or", "/") for m in range(i + 1, k))
            ):
                pair = k
        c: _Count | None = None
        rule = ""
        prev = toks[i - 1].text if i else ""
        if w == "dead" and prev == "shot":
            cls = "both"  # "gunmen shot dead a farmer" (after) as well as "two men were shot dead"
        if cls in ("post", "both") and prev not in _AUX:
            j = i + 1
            while j < n and toks[j].text in ("of", "the", "at", "least") and j < i + 4:
                if toks[j].text == "at":
                    break
                j += 1
            c = _quantity(toks, j, lex)
            if c is not None and (set(range(c.start, c.end)) & used):
                c = None
            rule = f"en.{kind}.object.v1"
        if c is None and cls in ("pre", "both"):
            c = _back(toks, i, lex, used)
            rule = f"en.{kind}.subject.v1"
            if c is None and prev in ("was",) and w in ("killed", "wounded", "injured"):
                c = _Count(1, 1, 1, i, i + 1, "", "unknown")
                rule = f"en.{kind}.singular_passive.v1"
        if (
            c is None
            and w == "succumbed"
            and i + 2 < n
            and toks[i + 1].text == "to"
            and toks[i + 2].text in _SINGULAR_POSS
        ):
            # "an elder succumbed to his wounds": one person died of earlier injuries
            c = _Count(1, 1, 1, i, i + 1, "", "unknown")
            rule = "en.killed.succumbed.v1"
        if c is None and w in ("succumbed",):
            continue
        if c is None:
            continue
        a, b = min(c.start, i), max(c.end, i + 1)
        used.update(range(a, b))
        kinds = [kind]
        if pair is not None:
            kinds = ["killed", "injured"]
            used.add(pair)
            rule = "en.killed_injured.combined.v1"
        for knd in kinds:
            h = Hit(
                knd, c.count, c.cmin, c.cmax, toks[a].start, toks[b - 1].end, toks[i].start, rule, noun=c.noun
            )
            if pair is not None:
                h.count, h.count_min, h.count_max = None, 1, c.count
            h.victim = c.category if c.category in ("civilian", "combatant") else "unknown"
            h.sentence = sent.index
            hits.append(h)
    return hits
