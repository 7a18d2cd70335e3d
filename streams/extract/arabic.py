"""Arabic casualty rules: triggers, the count grammar around them, and traps.

Rules work on the tokens of one normalised sentence (see ``segment.py``).
Each rule has a versioned id (``ar.killed.noun.v1`` ...), documented in
``docs/extraction.md``. The number grammar is our own: no library covers
duals, list continuations or vague quantities (``notes/arabic-toolbox.md``).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, islice, repeat
from operator import itemgetter
from typing import Any, Final

from streams.extract.hits import Hit
from streams.extract.lexicon import Lexicon, lexicon
from streams.extract.segment import Sentence, Token

__all__ = ["find_hits", "parse_number"]

# A parsed number this large is not a casualty count (a year run together, a phone number, a typo).
_TOO_BIG: Final = 10**9
_PREFIXES: Final = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك")
_NEGATIONS: Final = frozenset({"دون", "بدون", "لا", "لم", "عدم", "غير", "ولا", "ولم", "دونما"})
_ABOUT: Final = frozenset({"نحو", "قرابه", "حوالي", "زهاء", "تقريبا", "قراب"})
_PREPS: Final = frozenset({"الي", "عن", "علي", "بعد", "قبل", "من", "في", "حول", "اثر"})
_GROUP_STOP: Final = frozenset(
    {
        "في",
        "علي",
        "خلال",
        "جراء",
        "اثر",
        "بعد",
        "قرب",
        "وسط",
        "الي",
        "عند",
        "بين",
        "منذ",
        "حيث",
        "اثناء",
        "نتيجه",
        "عقب",
        "اليوم",
        "امس",
        "برصاص",
        "بينهم",
        "معظمهم",
        "غالبيتهم",
        "بجروح",
        "متاثرا",
        "كانوا",
        "قتلوا",
        "قتلا",
        "ممن",
        "الذين",
    }
)
_ORDINALS: Final = frozenset(
    {"ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع", "عاشر", "ثالثه", "رابعه", "خامسه", "ثان", "ثاني"}
)
_OTHER_SG: Final = frozenset({"اخر", "اخري"})
_OTHER_PL: Final = frozenset({"اخرين", "اخرون", "اخريات"})
_TOLL_HEADS: Final = frozenset(
    {"ارتفع", "ارتفعت", "ارتفاع", "ليرتفع", "لترتفع", "يرتفع", "ترتفع", "وصل", "وصلت", "بلغ", "بلغت"}
)
_TOLL_KILLED: Final = frozenset(
    {
        "قتلي",
        "القتلي",
        "ضحايا",
        "الضحايا",
        "شهداء",
        "الشهداء",
        "قتلوا",
        "الوفاه",
        "الوفيات",
        "حالات",
        "وفاه",
        "حصيله",
        "الحصيله",
    }
)
_TOLL_INJURED: Final = frozenset({"الجرحي", "جرحي", "المصابين", "الاصابات", "اصابات"})
_MARTYR_SG: Final = frozenset({"شهيدا", "شهيده"})
_SEP: Final = frozenset({"(", ")", '"', "'", "-", "«", "»"})


@dataclass(slots=True, init=False)
class _Count:
    count: int | None
    cmin: int | None
    cmax: int | None
    end: int  # index after the phrase
    noun: str = ""
    category: str = "unknown"
    has_number: bool = False

    # An explicit __init__ (init=False above): mypyc compiles it, while the dataclass-made one
    # runs in the interpreter (4,000 instructions a call compiled). Same fields, same defaults.
    def __init__(
        self,
        count: int | None,
        cmin: int | None,
        cmax: int | None,
        end: int,
        noun: str = "",
        category: str = "unknown",
        has_number: bool = False,
    ) -> None:
        self.count = count
        self.cmin = cmin
        self.cmax = cmax
        self.end = end
        self.noun = noun
        self.category = category
        self.has_number = has_number


@lru_cache(maxsize=65536)
def _variants(tok: str) -> tuple[str, ...]:
    """The token and its clitic-stripped forms (و ف ب ل ك, لل → ال)."""
    return tuple(_variant_list(tok))


def _variant_list(tok: str) -> list[str]:
    out = [tok]
    if tok.startswith("لل") and len(tok) > 3:
        out.append("ال" + tok[2:])
    for p in _PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 2:
            out.append(tok[len(p) :])
    return out


def _bare(tok: str) -> str:
    return tok[2:] if tok.startswith("ال") and len(tok) > 3 else tok


def _victim(lex: Lexicon, tok: str, allow_prefix: bool = False) -> tuple[str, str, str] | None:
    """(category, number, noun) of a victim noun, accepting ال and tanween alif."""
    cands = _variants(tok) if allow_prefix else [tok]
    for c in cands:
        for form in (c, _bare(c)):
            hit = lex.victims.get(form)
            if hit is None and form.endswith("ا") and len(form) > 3:
                hit = lex.victims.get(form[:-1])
                form = form[:-1]
            if hit is not None:
                return hit[0], hit[1], form
    return None


def parse_number(toks: list[Token], i: int, lex: Lexicon | None = None) -> tuple[int, int] | None:
    """Parse a cardinal number (digits or words, compounds with و) at ``toks[i]``.

    Returns ``(value, index after)``, or None. ``خمسة وعشرون`` = 25, ``ثلاثة عشر`` = 13,
    ``180 الف`` = 180000, ``مئتين`` = 200.
    """
    lex = lex or lexicon("ar")
    n = len(toks)
    if i >= n:
        return None
    t = toks[i].text
    if t[0].isdigit():
        digits = t.replace(",", "")
        if "." in digits:
            digits = digits.split(".")[0]
        if not digits.isdecimal() or len(digits) > 9:
            return None
        value = int(digits)
        j = i + 1
        if j < n and toks[j].text in ("الف", "الاف", "الفا"):
            value *= 1000
            j += 1
        elif j < n and toks[j].text == "مليون":
            value *= 1000000
            j += 1
        return (value, j) if value < _TOO_BIG else None
    total = 0
    current = 0
    j = i
    seen = False
    while j < n:
        w = toks[j].text
        if seen and w.startswith("و") and w[1:] in lex.numbers:
            w = w[1:]
        elif seen and w == "و" and j + 1 < n and toks[j + 1].text in lex.numbers:
            j += 1
            w = toks[j].text
        v = lex.numbers.get(w)
        if v is None:
            break
        if w in ("احد", "احدي") and not (j + 1 < n and toks[j + 1].text in ("عشر", "عشره")):
            break  # احد عناصر = one of (handled by the caller), احد عشر = 11
        if v == 10 and seen and current and current < 10:
            current += 10  # ثلاثة عشر
        elif v == 100 and seen and current and current < 10:
            current *= 100  # ثلاث مئة
        elif v >= 1000:
            total += (current or 1) * v
            current = 0
        else:
            current += v
        seen = True
        j += 1
    if not seen or total + current >= _TOO_BIG:
        return None
    return total + current, j


def _skip(toks: list[Token], j: int, lex: Lexicon, limit: int = 4) -> int:
    k = 0
    while j < len(toks) and k < limit and (toks[j].text in lex.fillers or toks[j].text in _SEP):
        j += 1
        k += 1
    return j


_MODIFIER_HEADS: Final = frozenset({"ما", "لا", "اكثر", "بين"}) | _ABOUT


def _modifier(toks: list[Token], j: int) -> tuple[str, int]:
    """A count modifier starting at ``j``: ("min"|"more"|"about"|"between"|"", index after)."""
    if j >= len(toks) or toks[j].text not in _MODIFIER_HEADS:
        return "", j  # every modifier below opens with one of these words
    w = list(map(_TEXT, toks[j : j + 4]))
    if w[:4] == ["ما", "لا", "يقل", "عن"]:
        return "min", j + 4
    if w[:3] == ["لا", "يقل", "عن"]:
        return "min", j + 3
    if w[:2] == ["اكثر", "من"] or w[:3] in (["ما", "يزيد", "عن"], ["ما", "يزيد", "علي"]):
        return "more", j + (2 if w[0] == "اكثر" else 3)
    if w[:2] == ["ما", "يقارب"]:
        return "about", j + 2
    if w and w[0] in _ABOUT:
        return "about", j + 1
    if w and w[0] == "بين":
        return "between", j + 1
    return "", j


def _trailing_at_least(toks: list[Token], j: int) -> bool:
    w = list(map(_TEXT, toks[j : j + 5]))
    for k in range(min(3, len(w) - 1)):  # noqa: SIM110 (a loop, not any(<generator>): hot path)
        if w[k] == "علي" and w[k + 1] == "الاقل":
            return True
    return False


def _count_at(toks: list[Token], j: int, lex: Lexicon, need_noun: bool = False) -> _Count | None:
    """The count phrase at ``j`` (after a trigger), or None when there is none."""
    n = len(toks)
    j = _skip(toks, j, lex)
    mod, j = _modifier(toks, j)
    j = _skip(toks, j, lex, 1)
    if j >= n:
        return None
    num = parse_number(toks, j, lex)
    if num is not None:
        value, k = num
        k2 = _skip(toks, k, lex, 1)
        hi = None
        if mod == "between" and k2 < n and toks[k2].text == "و":
            num2 = parse_number(toks, k2 + 1, lex)
            if num2:
                hi, k = num2
                k2 = k
        nxt = toks[k2].text if k2 < n else ""
        if _bare(nxt) in lex.things or nxt in lex.things:
            return None
        is_year = toks[j].is_number and 1900 <= value <= 2100 and len(toks[j].text) == 4
        if is_year and not _victim(lex, nxt):
            return None
        vic = _victim(lex, nxt) if nxt else None
        if need_noun and vic is None and nxt not in ("من", "مدنيين"):
            return None
        c = _Count(value, value, value, k2 + (1 if vic else 0), has_number=True)
        if vic:
            c.category, c.noun = vic[0], vic[2]
        if mod == "min" or _trailing_at_least(toks, c.end):
            c.cmax = None
        elif mod == "more":
            c.cmin, c.cmax = value + 1, None
        elif hi is not None:
            c.cmax = hi
        return c
    w = toks[j].text
    if w == "كل" and j + 1 < n and toks[j + 1].text == "من":
        return _named_list(toks, j + 2)
    if w in lex.vague and not (w in ("عدد",) and j + 1 < n and toks[j + 1].text not in ("من",)):
        count, cmin = lex.vague[w]
        k = j + 1
        if k < n and toks[k].text == "من":
            k += 1
        vic = _victim(lex, toks[k].text) if k < n else None
        if count is not None and k < n and not vic and _bare(toks[k].text) in lex.things:
            return None
        if vic and vic[0] == "casualty" and count is None and lex.triggers.get(_bare(toks[k].text)):
            pass
        c = _Count(count, cmin, None, k + (1 if vic else 0))
        if vic:
            c.category, c.noun = vic[0], vic[2]
        return c
    if w in ("احد", "احدي"):
        vic = _victim(lex, toks[j + 1].text) if j + 1 < n else None
        c = _Count(1, 1, 1, j + 2 if vic else j + 1, noun=vic[2] if vic else "احد")
        if vic:
            c.category = vic[0]
        return c
    if w in _ORDINALS:
        return _Count(1, 1, 1, j + 1, noun=w)
    if w in _OTHER_SG:
        return _Count(1, 1, 1, j + 1, noun=w)
    if w in _OTHER_PL:
        return _Count(None, 1, None, j + 1, noun=w)
    vic = _victim(lex, w)
    if vic is None:
        return None
    category, number, noun = vic
    k = j + 1
    if number == "du":
        c = _Count(2, 2, 2, k, noun, category)
    elif number == "sg":
        c = _Count(1, 1, 1, k, noun, category)
        # two coordinated singular nouns are two victims: "امرأة وابنتها"، "طفل ووالده"
        if k < n and toks[k].text.startswith("و") and len(toks[k].text) > 2:
            other = _victim(lex, toks[k].text[1:])
            if other and other[1] == "sg":
                c = _Count(2, 2, 2, k + 1, noun, category)
    else:
        num = parse_number(toks, k, lex)
        if num is not None and num[0] == 2:
            c = _Count(2, 2, 2, num[1], noun, category)  # مدنيين اثنين
        else:
            c = _Count(None, 1, None, k, noun, category)
    if k < n and toks[k].text in _OTHER_PL | _OTHER_SG:
        c.end = k + 1
    if _trailing_at_least(toks, c.end) and c.count is not None:
        c.cmax = None
    return c


def _named_list(toks: list[Token], j: int) -> _Count | None:
    """ "قتل كل من "فلان" و"فلان"": one victim per name."""
    n = len(toks)
    quotes = joins = 0
    k = j
    while k < n and k - j < 30:
        t = toks[k].text
        if t in ("،", ",", ".", ":", ";") or t in ("علي", "في", "برصاص", "بعد", "اثناء"):
            break
        if t == '"':
            quotes += 1
        elif t == "و" or (t.startswith("و") and k > j and toks[k - 1].text == '"'):
            joins += 1
        k += 1
    count = quotes // 2 if quotes >= 2 else joins + 1
    return _Count(count, count, count, k, "اسماء") if count else None


def _number_before(toks: list[Token], i: int, lex: Lexicon, lo: int) -> tuple[_Count, int] | None:
    """A number (with its modifier) that ends right before ``toks[i]``: (count, start index)."""
    for s in range(max(lo, i - 4), i):
        num = parse_number(toks, s, lex)
        if num is not None and num[1] == i:
            value = num[0]
            c = _Count(value, value, value, i, has_number=True)
            p = s - 1
            while p >= lo and toks[p].text in _SEP:
                p -= 1
            words = list(map(_TEXT, toks[max(lo, p - 3) : p + 1]))
            if words[-2:] == ["اكثر", "من"] or words[-3:] in (["ما", "يزيد", "عن"], ["ما", "يزيد", "علي"]):
                c.cmin, c.cmax = value + 1, None
            elif words[-3:] == ["لا", "يقل", "عن"]:
                c.cmax = None
            return c, s
    if i - 1 >= lo:
        w = toks[i - 1].text
        if w.startswith("و") and w[1:] in lex.vague:
            w = w[1:]
        if w in lex.vague:
            count, cmin = lex.vague[w]
            return _Count(count, cmin, None, i), i - 1
        if w == "من" and i - 2 >= lo and toks[i - 2].text in lex.vague:
            count, cmin = lex.vague[toks[i - 2].text]
            return _Count(count, cmin, None, i), i - 2
    return None


def _lookup_trigger(lex: Lexicon, tok: str) -> tuple[str, str, bool] | None:
    """(kind, class, definite) for a trigger token with its clitics."""
    for v in _variants(tok):
        t = lex.triggers.get(v)
        if t is not None:
            return t[0], t[1], False
        if v.startswith("ال"):
            t = lex.triggers.get(v[2:])
            if t is not None and t[1] == "victim":
                return t[0], t[1], True
    return None


# Words that may stand between a negation and the casualty word it negates: "دون ورود
# معلومات عن إصابات"، "لا أنباء عن وقوع ضحايا"، "دون تسجيل أي إصابات".
_NEGATED_NOUN_PHRASE: Final = (
    frozenset({"معلومات", "انباء", "ورود", "تسجيل", "وقوع", "حدوث", "عن", "اي", "بوقوع"})
)


def _negated(toks: list[Token], i: int, lo: int) -> bool:
    if not _NEGATIONS.isdisjoint(map(_TEXT, toks[max(lo, i - 2) : i])):  # a negation in the 2 words before
        return True
    k = i - 1
    while k >= max(lo, i - 4) and toks[k].text in _NEGATED_NOUN_PHRASE:
        k -= 1
    return k < i - 1 and k >= lo and toks[k].text in _NEGATIONS


def _group(toks: list[Token], j: int) -> tuple[int, int] | None:
    """Span of the force named after the victims: "من قوات النظام" → قوات النظام."""
    n = len(toks)
    if (j < n and toks[j].text in ("التابعين", "التابعه", "التابع")) or (j < n and toks[j].text == "من"):
        j += 1
    elif j < n and toks[j].text.startswith("ل") and toks[j].text not in _GROUP_STOP:
        pass  # قتلى الدفاع الوطني / لقوات النظام
    else:
        return None
    while j < n and toks[j].text in ("عناصر", "صفوف", "افراد", "مقاتلي", "ميليشيا", "ميليشيات", '"', "«"):
        j += 1
    a = j
    k = j
    while k < n and k - a < 5:
        t = toks[k].text
        if not toks[k].is_word and t not in ('"', "«", "»", "-"):
            break
        if t in _GROUP_STOP or (t.startswith("ب") and k > a) or (t.startswith("في") and k > a):
            break
        k += 1
    while k > a and not toks[k - 1].is_word:
        k -= 1
    if k <= a:
        return None
    return toks[a].start, toks[k - 1].end


_STARTS: Final[dict[int, tuple[Lexicon, dict[str, tuple[bool, bool]]]]] = {}
_TEXT: Final = itemgetter(0)  # Token.text (tokens are named tuples)
_START: Final = itemgetter(1)  # Token.start
_FIRST: Final = itemgetter(0)  # may head a toll update
_SECOND: Final = itemgetter(1)  # may start an idiom or trigger


def _starts(lex: Lexicon, tok: str) -> tuple[bool, bool]:
    """(may head a toll update, may start an idiom or trigger), cached per token text.

    Most tokens of a sentence are neither; deciding that once per distinct word
    keeps the rule loop from trying every clitic variant of every token.
    """
    entry = _STARTS.get(id(lex))
    if entry is None or entry[0] is not lex:
        entry = (lex, {})
        _STARTS[id(lex)] = entry
    cache = entry[1]
    got = cache.get(tok)
    if got is None:
        if not tok[:1].isalpha():
            got = (False, False)
        else:
            variants = _variants(tok)
            toll = any(v in _TOLL_HEADS for v in variants)
            rule = any(v in lex.idioms for v in variants) or _lookup_trigger(lex, tok) is not None
            got = (toll, rule)
        if len(cache) < 200_000:
            cache[tok] = got
    return got


def find_hits(sent: Sentence, lex: Lexicon | None = None) -> list[Hit]:
    """Every casualty statement in one Arabic sentence."""
    lex = lex or lexicon("ar")
    toks = sent.tokens
    n = len(toks)
    hits: list[Hit] = []
    used: set[int] = set()  # token indices already part of a count phrase or toll
    tolls: list[Hit] = []
    entry = _STARTS.get(id(lex))
    texts = list(map(_TEXT, toks))
    flags: list[Any]  # (may head a toll, may start a rule) per token
    if entry is not None and entry[0] is lex:  # the per-word cache, read in C (hot loop)
        flags = list(map(entry[1].get, texts))
        if None in flags:
            flags = [f or _starts(lex, t) for f, t in zip(flags, texts, strict=True)]
    else:
        flags = [_starts(lex, t) for t in texts]
    # only the tokens that may start a rule are visited: their indices picked in C
    for i in compress(range(n), map(_FIRST, flags)):
        if i not in used:
            tolls.extend(_toll(toks, i, lex, used))
    for i in compress(range(n), map(_SECOND, flags)):
        if i in used:
            continue
        hits.extend(_idiom(toks, i, lex, used) or _trigger(toks, i, lex, used))
    hits.extend(_continuations(toks, hits, lex, used, texts))
    # a toll update gives the latest figure: earlier same-kind statements in the sentence are in it
    for t in tolls:
        hits = [h for h in hits if not (h.kind == t.kind and h.start < t.start)]
    hits.extend(tolls)
    # "وقتل بإطلاق نار" after "العثور على جثمان شاب": the singular verb restates the same victim
    out: list[Hit] = []
    for h in sorted(hits, key=lambda x: x.start):
        if h.rule.endswith("singular_verb.v1") and any(o.kind == h.kind for o in out):
            continue
        out.append(h)
    for h in out:
        h.sentence = sent.index
    return out


def _mk(kind: str, c: _Count, toks: list[Token], a: int, anchor: int, rule: str) -> Hit:
    b = max(c.end, a + 1)
    h = Hit(
        kind,
        c.count,
        c.cmin,
        c.cmax,
        toks[a].start,
        toks[min(b, len(toks)) - 1].end,
        toks[anchor].start,
        rule,
        noun=c.noun,
    )
    h.victim = c.category if c.category in ("civilian", "combatant") else "unknown"
    g = _group(toks, c.end)
    if g:
        h.group_span = g
        if h.victim == "unknown" or (h.victim == "civilian" and c.noun in ("شخص", "اشخاص", "شخصين", "شخصان")):
            h.victim = "combatant"
    elif c.end < len(toks) and toks[c.end].text in ("مدنيين", "مدنيا", "المدنيين"):
        h.victim = "civilian"
    return h


def _combined(kind: str, c: _Count, toks: list[Token], a: int, anchor: int, rule: str) -> list[Hit]:
    """A killed-and-injured figure with no split: both kinds, count unknown, bounded by N."""
    out = []
    for k in ("killed", "injured"):
        cc = _Count(None, 1, c.count if c.has_number else None, c.end, c.noun, c.category)
        out.append(_mk(k, cc, toks, a, anchor, rule))
    return out


def _trigger(toks: list[Token], i: int, lex: Lexicon, used: set[int]) -> list[Hit]:
    found = _lookup_trigger(lex, toks[i].text)
    if found is None:
        return []
    kind, cls, definite = found
    n = len(toks)
    if _negated(toks, i, 0):
        return []
    if cls == "victim":
        return _victim_trigger(toks, i, lex, used, kind, definite)
    # killed-and-injured pair: مقتل وإصابة 13، قتل وجرح عشرات
    if i + 1 < n:
        other = _lookup_trigger(lex, toks[i + 1].text)
        if other and other[0] != kind and other[1] != "victim" and toks[i + 1].text.startswith("و"):
            c = _count_at(toks, i + 2, lex)
            if c is not None:
                used.update(range(i, c.end))
                return _combined(kind, c, toks, i, i, "ar.killed_injured.combined.v1")
    c = _count_at(toks, i + 1, lex)
    if c is not None and c.count is None and c.end < n and toks[c.end].text in ("مجهولون", "مجهولين"):
        c = _count_at(toks, c.end + 1, lex)  # "قتل مسلحون مجهولون عنصرا": the perpetrators come first
    if c is not None and not (set(range(i + 1, c.end)) & used):
        used.update(range(i, c.end))
        return [_mk(kind, c, toks, i, i, f"ar.{kind}.{cls}.v1")]
    if cls in ("verb", "verb1"):
        back = _subject_before(toks, i, lex, used)
        if back is not None:
            c, s = back
            used.update(range(s, i + 1))
            h = _mk(kind, c, toks, s, i, f"ar.{kind}.subject_verb.v1")
            h.start = toks[s].start
            return [h]
    if cls == "verb1":
        prev = toks[i - 1].text if i else ""
        nxt = toks[i + 1].text if i + 1 < n else ""
        verbal = (
            i == 0
            or not toks[i - 1].is_word
            or prev in ("قد", "كما", "ثم", "وقد", "فقد", "حيث")
            or nxt in lex.fillers
            or (nxt.startswith("ب") and len(nxt) > 2)
            or not nxt
            or not toks[i + 1].is_word
        )
        if verbal and prev not in _PREPS:
            used.add(i)
            return [_mk(kind, _Count(1, 1, 1, i + 1), toks, i, i, f"ar.{kind}.singular_verb.v1")]
    if cls == "noun" and i + 1 < n and toks[i + 1].text in ('"', "«"):
        return [_mk(kind, _Count(1, 1, 1, i + 1), toks, i, i, f"ar.{kind}.named.v1")]
    return []


def _subject_before(toks: list[Token], i: int, lex: Lexicon, used: set[int]) -> tuple[_Count, int] | None:
    """The victims written before a verb: "عنصرين من قوات النظام قتلوا"."""
    lo = max(0, i - 8)
    for s in range(i - 1, lo - 1, -1):
        if s in used:
            return None
        t = toks[s]
        if t.text in ("،", ",", ";", ":") or _lookup_trigger(lex, t.text):
            return None
        num = parse_number(toks, s, lex)
        if num is not None and (s == 0 or parse_number(toks, s - 1, lex) is None):
            nxt = toks[num[1]].text if num[1] < len(toks) else ""
            if nxt in lex.things or _bare(nxt) in lex.things:
                return None
            if _victim(lex, nxt) or nxt == "من" or num[1] == i:
                c = _Count(num[0], num[0], num[0], i + 1, has_number=True)
                vic = _victim(lex, nxt)
                if vic:
                    c.category, c.noun = vic[0], vic[2]
                return c, s
        vic = _victim(lex, t.text, allow_prefix=True)
        if vic and vic[1] == "du":
            return _Count(2, 2, 2, i + 1, vic[2], vic[0]), s
    return None


def _victim_trigger(
    toks: list[Token], i: int, lex: Lexicon, used: set[int], kind: str, definite: bool
) -> list[Hit]:
    """A casualty noun: "3 قتلى"، "قتيلين"، "عشرات الجرحى"، "جثث 3 من عناصر"، "سقوط قتلى"."""
    n = len(toks)
    w = toks[i].text
    base = w
    for v in _variants(w):
        if v in lex.triggers or (v.startswith("ال") and v[2:] in lex.triggers):
            base = v[2:] if v.startswith("ال") and v[2:] in lex.triggers else v
            break
    vic = lex.victims.get(base) or (lex.victims.get(base[:-1]) if base.endswith("ا") else None)
    number = vic[1] if vic else "pl"
    c: _Count | None
    if base.startswith("جث"):
        c = _count_at(toks, i + 1, lex)
        if c is not None and c.count is not None:
            used.update(range(i, c.end))
            return [_mk(kind, c, toks, i, i, "ar.killed.bodies.v1")]
        if number == "sg" and not definite:
            return [_mk(kind, _Count(1, 1, 1, i + 1, "جثه"), toks, i, i, "ar.killed.bodies.v1")]
        return []
    start = i
    if number == "du":
        if definite:
            return []  # "القتيلين" refers back to victims already counted
        c = _Count(2, 2, 2, i + 1, base, "unknown")
    else:
        got = _number_before(toks, i, lex, 0)
        if (
            got is not None
            and definite
            and got[0].count is None
            and toks[got[1]].text.endswith("عدد")
            and toks[got[1] + 1].text != "من"
        ):
            return []  # "عدد القتلى مرشح للارتفاع": the number of the dead, not "عدد من القتلى"
        if got is not None and not (set(range(got[1], i)) & used):
            c, start = got
            c.end = i + 1
        elif definite or number == "sg":
            return []
        else:
            c = _Count(None, 1, None, i + 1, base)
    c.noun = c.noun or base
    if c.count is not None and _trailing_at_least(toks, i + 1):
        c.cmax = None
    # combined noun pair: "30 قتيلا وجريحا", "عشرات القتلى والجرحى" (only with a figure)
    if i + 1 < n and c.count is not None:
        other = _lookup_trigger(lex, toks[i + 1].text)
        if other and other[0] != kind and other[1] == "victim" and toks[i + 1].text.startswith("و"):
            used.update(range(start, i + 2))
            c.end = i + 2
            return _combined(kind, c, toks, start, i, "ar.killed_injured.combined.v1")
    used.update(range(start, i + 1))
    if c.end < n and toks[c.end].text in ("مدنيين", "مدنيا", "المدنيين"):
        c.category = "civilian"
    return [_mk(kind, c, toks, start, i, f"ar.{kind}.casualty_noun.v1")]


def _idiom(toks: list[Token], i: int, lex: Lexicon, used: set[int]) -> list[Hit]:
    """لقي 11 مقاتلا مصرعهم، فقد عنصر حياته، أودى بحياة 3."""
    head = None
    for v in _variants(toks[i].text):
        if v in lex.idioms:
            head = v
            break
    if head is None:
        return []
    tails, gap = lex.idioms[head]
    n = len(toks)
    for k in range(i + 1, min(n, i + 1 + gap + 1)):
        if toks[k].text in tails:
            if toks[k].text in _MARTYR_SG:  # "أعلنت ... فلاناً شهيداً": one named victim
                used.update(range(i, k + 1))
                return [_mk("killed", _Count(1, 1, 1, k + 1), toks, i, i, "ar.killed.idiom.v1")]
            c = _count_at(toks, i + 1, lex) if k > i + 1 else None
            if gap <= 1:
                c = _count_at(toks, k + 1, lex)
            if c is None:
                back = _subject_before(toks, i, lex, used)
                if back is not None:
                    c, s = back
                    used.update(range(s, k + 1))
                    return [_mk("killed", c, toks, s, i, "ar.killed.idiom.v1")]
                c = (
                    _Count(1, 1, 1, k + 1)
                    if head in ("لقي", "لقيت", "فقد", "فقدت", "فارق", "فارقت")
                    else None
                )
            if c is None:
                return []
            used.update(range(i, max(c.end, k + 1)))
            return [_mk("killed", c, toks, i, i, "ar.killed.idiom.v1")]
    return []


def _toll(toks: list[Token], i: int, lex: Lexicon, used: set[int]) -> list[Hit]:
    """ارتفاع حصيلة القتلى إلى 10: one mention, the latest figure."""
    if not any(v in _TOLL_HEADS for v in _variants(toks[i].text)):
        return []
    n = len(toks)
    kind = None
    back = max(0, i - 24)
    while back < i and toks[back].clause != toks[i].clause:
        back += 1
    for k in range(back, i):  # "عدد قتلى الغارات ... ارتفع إلى 10" (same clause)
        t = toks[k].text
        if t in _TOLL_INJURED:
            kind = kind or "injured"
        elif t in _TOLL_KILLED and t not in ("حالات", "حصيله", "الحصيله"):
            kind = "killed"
    back_kind = kind
    for k in range(i + 1, min(n, i + 26)):
        t = toks[k].text
        if kind is None or kind == "killed":
            if t in _TOLL_INJURED:
                kind = "injured" if kind is None else kind
            elif t in _TOLL_KILLED:
                kind = "killed"
        if t == "الي" and kind:
            c = _count_at(toks, k + 1, lex)
            if c is None or c.count is None:
                return []
            first = i
            if back_kind:
                first = back
                while first < i and toks[first].text not in _TOLL_KILLED | _TOLL_INJURED | {"عدد"}:
                    first += 1
            used.update(range(first, c.end))
            h = _mk(kind, c, toks, i, i, f"ar.{kind}.toll_update.v1")
            # the group of a toll is written before الي: "تعداد قتلى الدفاع الوطني"
            return [h]
    return []


_MAX_LIST_HITS: Final = 40


def _continuations(
    toks: list[Token], hits: list[Hit], lex: Lexicon, used: set[int], texts: list[str] | None = None
) -> list[Hit]:
    """List continuation after a trigger: "، و6 من الأسايش و7 من ..."، "، وعنصرين آخرين في ..."."""
    out: list[Hit] = []
    if not hits or len(hits) > _MAX_LIST_HITS:
        # No sentence of real prose lists that many casualty figures; bounding it keeps hostile
        # input (thousands of repeated triggers) linear.
        return out
    n = len(toks)
    starts: list[int] = []
    if texts is None:
        texts = list(map(_TEXT, toks))
    # Only a token glued to or made of و can continue a list (keeps this linear): those
    # tokens (after the first) picked in C, the rest never visited.
    for j in compress(range(1, n), map(str.startswith, islice(texts, 1, None), repeat("و"))):
        if j in used:
            continue
        i = j - 1
        t = texts[j]
        if not starts:
            starts = list(map(_START, toks))
        last_end = max((h.end for h in hits + out if h.end <= toks[j].start), default=-1)
        if last_end < 0 or j - bisect_left(starts, last_end) > 12:
            continue
        if t == "و":
            j += 1
            if j >= n:
                continue  # a bare و ending the sentence continues nothing
            cand = toks[j].text
        elif t.startswith("و") and len(t) > 2:
            cand = t[1:]
        else:
            continue
        prev = [h for h in hits + out if h.start < toks[i].start]
        if not prev:
            continue
        kind = prev[-1].kind
        # build a virtual token list with the و removed
        virt = list(toks)
        if cand != toks[j].text if j < n else True:
            virt[j] = Token(cand, toks[j].start + 1, toks[j].end, toks[j].clause)
        if _lookup_trigger(lex, virt[j].text) if j < n else True:
            continue
        c = _count_at(virt, j, lex)
        if c is None or c.count is None or (set(range(j, c.end)) & used):
            continue
        nxt = virt[c.end].text if c.end < n else ""
        strong = c.count == 2 or toks[j].text[0].isdigit() or toks[j].text in lex.numbers
        ends_other = c.end > 0 and virt[c.end - 1].text in _OTHER_PL | _OTHER_SG
        if not ((strong and (c.noun or nxt == "من")) or nxt in _OTHER_PL | _OTHER_SG or ends_other):
            continue
        used.update(range(j, c.end))
        out.append(_mk(kind, c, virt, j, j, f"ar.{kind}.list_continuation.v1"))
    return out
