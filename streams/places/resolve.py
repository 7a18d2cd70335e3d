"""Choosing one unit per place name, jointly for the whole article.

Evidence, strongest first:

1. the words around the name: a type noun (محافظة → governorate, ناحية →
   sub-district, قرية → village ...) and countryside phrases (ريف X,
   X countryside: the unit X, not a point);
2. a unit named right next to it: "غدير البستان بريف القنيطرة",
   "X، درعا", "X (Idlib)" - the place is inside the neighbouring unit;
3. the other places of the article: an ambiguous village goes to the
   governorate/district the article is otherwise about;
4. size: governorate > district > sub-district, and a seat city beats a
   hamlet of the same name.

A name the gazetteer puts in one governorate while the text names another
right next to it is resolved to the gazetteer's unit and the text's
governorate is kept in ``admin1_alt`` (ANNOTATION.md section 4).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from streams.places import lexicon as lx
from streams.places.model import PlaceMention, Region, Unit

if TYPE_CHECKING:  # pragma: no cover
    from streams.places.gazetteer import Candidate, Gazetteer
    from streams.text.normalize import Normalized

__all__ = ["Hit", "resolve_hits", "resolve_regions"]

_EN_DIRECTIONS: Final = frozenset(
    {"northern", "southern", "eastern", "western"}
    | {"north-western", "north-eastern", "south-western", "south-eastern"}
)
_ANAPHOR: Final = "ريف المحافظه"
_GAP_PUNCT: Final = str.maketrans({c: " " for c in "،,()-\"'«»“”:"})
_SKIP_BEFORE: Final = frozenset(" \"'«»“”(")
_PERSON_HEADS: Final = frozenset(
    {"ابو", "ام", "الشيخ", "شيخ", "بني", "abu", "umm", "um", "sheikh", "shaykh", "bani"}
)
_BREAK_RE: Final = re.compile(r"[.!?؟\n]")
# Words that may stand between a name and the unit that places it:
# "X بريف Y", "X في محافظة Y", "X، Y", "X (Y)", "X شرقي Y", "X in Y province".
_PLACING: Final = frozenset(
    {
        "في",
        "ب",
        "ضمن",
        "من",
        "قرب",
        "التابعه",
        "التابع",
        # "قرية X القريبة في سهل الغاب", "X الواقعة في ريف حماة"
        "القريبه",
        "القريب",
        "الواقعه",
        "الواقع",
        "المجاوره",
        "المجاور",
        "nearby",
        "محافظه",
        "بمحافظه",
        "منطقه",
        "بمنطقه",
        "مدينه",
        "بمدينه",
        "شرقي",
        "غربي",
        "شمالي",
        "جنوبي",
        "شرق",
        "غرب",
        "شمال",
        "جنوب",
        "اطراف",
        "in",
        "of",
        "near",
        "the",
        "province",
        "east",
        "west",
        "north",
        "south",
        "eastern",
        "western",
        "northern",
        "southern",
        "city",
        # English type words stand between "X" and its unit: "Raju village, Aleppo"
        "town",
        "village",
        "area",
        "district",
        "camp",
        "neighbourhood",
        "neighborhood",
        "suburb",
        "outskirts",
        "countryside",
        "governorate",
        "subdistrict",
    }
)
_PREPOSITIONS: Final = frozenset({"في", "ب", "ضمن", "قرب", "in", "near"})
_NEAR: Final = 48  # characters between a name and the unit that places it
_WORD_MAX: Final = 16  # longer words before a name are read letter by letter
_MEMO_MAX: Final = 200_000  # entries of the per-gazetteer memo tables before they are cleared
_ORG_WORDS: Final = tuple(sorted(lx.NOT_A_PLACE_AFTER))
_DIR_LEN: Final = max(len(d) for d in lx.DIRECTIONS_AR)


_EMPTY_WEAK: Final[frozenset[str]] = frozenset()


@dataclass(slots=True, init=False)
class Hit:
    """A name occurrence: ``start``/``end`` of the name, ``p`` start of the word with glued prefix."""

    start: int
    end: int
    p: int
    cands: list[Candidate]
    type_kinds: tuple[str, ...] = ()
    countryside: bool = False
    span_start: int = -1
    span_end: int = -1
    chosen: Unit | None = None
    weak: frozenset[str] = _EMPTY_WEAK  # stop-listed readings: need support from the article
    anaphoric: bool = False  # "ريف المحافظة": resolved to the article's governorate
    unit_choices: list[Unit] = field(default_factory=list)
    key: int = -1  # which candidate list (gazetteer key and article): memo key of resolution
    ck: tuple | None = None  # (key, type noun kinds, countryside) when candidates were filtered
    info: _Choice | None = None  # memoised reading of the selected hit

    # An explicit __init__ (init=False above): mypyc compiles it, while the dataclass-made one
    # runs in the interpreter (4,000 instructions a call compiled). Same fields, same defaults
    # (``unit_choices`` a new list unless given).
    def __init__(
        self,
        start: int,
        end: int,
        p: int,
        cands: list[Candidate],
        type_kinds: tuple[str, ...] = (),
        countryside: bool = False,
        span_start: int = -1,
        span_end: int = -1,
        chosen: Unit | None = None,
        weak: frozenset[str] = _EMPTY_WEAK,
        anaphoric: bool = False,
        unit_choices: list[Unit] | None = None,
        key: int = -1,
        ck: tuple | None = None,
        info: _Choice | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self.p = p
        self.cands = cands
        self.type_kinds = type_kinds
        self.countryside = countryside
        self.span_start = span_start
        self.span_end = span_end
        self.chosen = chosen
        self.weak = weak
        self.anaphoric = anaphoric
        self.unit_choices = [] if unit_choices is None else unit_choices
        self.key = key
        self.ck = ck
        self.info = info


@dataclass(slots=True)
class _Choice:
    """What resolution reads of a hit's candidate units; the same for every hit of one key and context."""

    units: list[Unit]
    a1: str | None  # the governorate all units share
    a2: str | None  # the district all units share
    level: int  # coarsest level among the units (1 for countryside)
    votes: bool  # a unit or town that votes for its governorate / district
    plain: bool  # nothing for _supported to check
    any: bool  # at least one unit


def _prev_word(text: str, q: int) -> tuple[str, int]:
    """The word ending before ``q`` (skipping spaces and quotes: قرية "الجابر") and its start."""
    i = q
    while i > 0 and text[i - 1] in _SKIP_BEFORE:
        i -= 1
    # common case, a plain word after a space: slice it in C instead of walking back
    k = text.rfind(" ", i - _WORD_MAX if i > _WORD_MAX else 0, i)
    if k >= 0:
        w = text[k + 1 : i]
        if w.isalpha():
            return w, k + 1
    j = i
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "'"):
        j -= 1
    return text[j:i], j


def _next_word(text: str, q: int) -> tuple[str, int]:
    """The word starting after ``q`` (skipping spaces) and its end."""
    n = len(text)
    i = q
    while i < n and text[i] == " ":
        i += 1
    j = i
    while j < n and text[j].isalpha():
        j += 1
    return text[i:j], j


def _context(text: str, h: Hit, arabic: bool) -> None:
    """Fill type noun / countryside information and the mention span of a hit."""
    h.span_start, h.span_end = h.start, h.end
    if arabic:
        w, ws = _prev_word(text, h.p)
        if not w:
            return
        found = lx.AR_PREV.get(w)
        if found is None:
            return
        cat, base = found
        if cat == "countryside":
            h.countryside = True
            h.span_start = ws + len(w) - len(base)
            # "ريف دير الزور الشرقي": the direction belongs to the phrase
            nw, ne = _next_word(text, h.end)
            if nw in ("الشرقي", "الغربي", "الشمالي", "الجنوبي"):
                h.span_end = ne
                nw2, ne2 = _next_word(text, ne)
                if nw2 in ("الشرقي", "الغربي"):
                    h.span_end = ne2
            return
        h.type_kinds = lx.AR_TYPE_NOUNS[base]
        return
    # English
    w, ws = _prev_word(text, h.p)
    nw, ne = _next_word(text, h.end)
    if text.startswith("'s", h.end):
        nw, ne = _next_word(text, h.end + 2)
    if nw in _EN_DIRECTIONS:  # "Hama's northern countryside"
        nw2, ne2 = _next_word(text, ne)
        if nw2 in lx.EN_AFTER_COUNTRYSIDE:
            nw, ne = nw2, ne2
    if w == "rural" or nw in lx.EN_AFTER_COUNTRYSIDE:
        h.countryside = True
        if w == "rural":
            h.span_start = ws
        else:
            h.span_end = ne
        return
    if w == "of":
        w2, ws2 = _prev_word(text, ws)
        if w2 in ("countryside", "outskirts", "suburbs", "desert", "countrysides"):
            h.countryside = True
            h.span_start = ws2
            return
        if w2 in lx.EN_BEFORE_TYPE:
            h.type_kinds = lx.EN_BEFORE_TYPE[w2]
            return
    if nw in lx.EN_AFTER_PROVINCE:
        h.type_kinds = ("admin1",)
        h.span_end = ne
        return
    if nw in lx.EN_AFTER_TYPE:
        h.type_kinds = lx.EN_AFTER_TYPE[nw]
        return
    if w in lx.EN_BEFORE_TYPE:
        h.type_kinds = lx.EN_BEFORE_TYPE[w]


def _select(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, longest first, then leftmost; returned in text order.

    Longest first rather than leftmost first: in "Western Deir ez Zor" the
    three-word governorate beats the two-word village "Western Deir" that
    starts earlier; with equal starts (ريف دمشق / دمشق) both rules agree.
    """
    if not hits:
        return hits
    by_start = sorted(hits, key=lambda h: h.span_start)
    reach = -1
    for h in by_start:
        if h.span_start < reach:
            break
        reach = h.span_end
    else:
        return by_start  # nothing overlaps: every hit is taken
    hits.sort(key=lambda h: (h.span_start - h.span_end, h.span_start))
    taken = bytearray(max(h.span_end for h in hits))  # 1 where a taken hit lies
    out: list[Hit] = []
    for h in hits:
        a, b = h.span_start, h.span_end
        if taken.find(1, a, b) < 0:
            taken[a:b] = b"\x01" * (b - a)
            out.append(h)
    out.sort(key=lambda h: h.span_start)
    return out


def _coordinated_countryside(text: str, sel: list[Hit]) -> None:
    """``ريفي إدلب وحماة``: a name joined by و to a dual/plural countryside phrase is countryside too."""
    for i in range(1, len(sel)):
        prev, h = sel[i - 1], sel[i]
        if not prev.countryside or h.countryside or h.type_kinds:
            continue
        head = text[prev.span_start : prev.start].split(" ")[0]
        if head not in ("ريفي", "ارياف") or text[h.p : h.start] != "و":
            continue
        gap = text[prev.span_end : h.p].split()
        if all(g in lx.DIRECTIONS_AR or g.startswith("وال") for g in gap) and len(gap) <= 3:
            h.countryside = True
            h.span_start = h.p + 1


def _anaphoric_countryside(gaz: Gazetteer, text: str, sel: list[Hit], votes1: Counter[str]) -> None:
    """``ريف المحافظة الجنوبي`` (the governorate's countryside): the article's main governorate.

    Added only when one governorate clearly leads the article's votes.
    """
    i = text.find(_ANAPHOR)
    if i < 0 or not votes1:
        return
    ranked = [c for c in votes1.most_common(2) if c[0].startswith("SY")]
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return
    unit = gaz.units.get(ranked[0][0])
    if unit is None:
        return
    while i >= 0:
        start, end = i, i + len(_ANAPHOR)
        if (i == 0 or not text[i - 1].isalpha() or text[i - 1] in "وبل") and (
            end == len(text) or not text[end].isalpha()
        ):
            h = Hit(end - len("المحافظه"), end, end - len("المحافظه"), [], countryside=True)
            h.span_start, h.span_end = start, end
            nw, ne = _next_word(text, end)
            if nw in ("الشرقي", "الغربي", "الشمالي", "الجنوبي"):
                h.span_end = ne
            h.unit_choices = [unit]
            h.anaphoric = True
            if all(o.span_end <= h.span_start or o.span_start >= h.span_end for o in sel):
                sel.append(h)
        i = text.find(_ANAPHOR, end)
    sel.sort(key=lambda x: x.span_start)


def _countryside_units(h: Hit) -> list[Unit]:
    """Units a ريف X / X countryside phrase can stand for: governorates, districts, seat towns' units."""
    units = [c.unit for c in h.cands]
    adm = [u for u in units if u.kind in ("admin1", "admin2")]
    # "ريف سراقب": a town's countryside; "ريف المحافظة" is not a neighbourhood's
    return adm or [u for u in units if u.kind == "community" and u.seat]


def _places_next(text: str, h: Hit, nxt: Hit) -> bool:
    """True when ``nxt`` is the unit that locates ``h``: joined by placing words.

    The caller has checked that the two are close and in the same sentence.
    """
    glued = text[nxt.p : nxt.start] if nxt.p < nxt.start else ""
    if glued.startswith("و"):  # "X وY": a list, not a location
        return False
    gap = text[h.span_end : min(nxt.span_start, nxt.p)]
    words = gap.translate(_GAP_PUNCT).split()
    if words and words[-1] not in _PLACING:  # "سراقب وريف حلب": a list ends in و
        return False
    listed = 0  # "X والعمقية في Z": an unknown list member between X and Z
    after_and = False
    for w in words:
        if w in _PLACING:
            after_and = False
        elif w == "و":  # the conjunction written apart: X و"Y" في Z
            after_and = True
        elif (after_and or (w.startswith("و") and len(w) > 3)) and listed < 2:
            listed += 1
            after_and = False
        else:
            return False
    return True


def _list_join(text: str, a: Hit, b: Hit) -> bool:
    """True when ``b`` follows ``a`` as the next member of a list ("X وY", "X، Y و Z")."""
    gap = text[a.span_end : b.p].translate(_GAP_PUNCT).strip()
    glued = text[b.p : b.start]
    return (gap == "" and glued.startswith("و")) or gap == "و"


def _placed_by_next(text: str, h: Hit, sel: list[Hit], i: int) -> bool:
    """True when a unit or town right after ``h`` locates it with a preposition ("X بسهل الغاب").

    Only for names that are not stop-listed common words; the unit then
    decides the governorate (see the namesake rule in :func:`resolve_hits`).
    """
    if h.weak or i + 1 >= len(sel):
        return False
    nxt = sel[i + 1]
    if nxt.info is None or nxt.info.level > 3:
        return False
    a, b = h.span_end, nxt.span_start
    if not (a <= b <= a + _NEAR) or _BREAK_RE.search(text, a, b) is not None:
        return False
    if not _places_next(text, h, nxt):
        return False
    glued = text[nxt.p : nxt.start]
    words = text[a : nxt.p].translate(_GAP_PUNCT).split()
    return glued.startswith(("ب", "فب")) or any(w in _PREPOSITIONS for w in words)


def _supported(text: str, h: Hit, votes1: Counter[str], votes2: Counter[str]) -> bool:
    """Keep a bare hamlet / neighbourhood name only with article support (see caller)."""
    if h.countryside or h.type_kinds:
        return True
    units = h.unit_choices
    if h.weak:
        units = h.unit_choices = [
            u for u in units if u.pcode not in h.weak or votes1.get(u.admin1 or "", 0) > 0
        ]
        if not units:
            return False
    if all(u.level <= 3 or u.kind not in ("community", "neighbourhood") for u in units):
        return True
    name = text[h.start : h.end]
    # "ابو عمر", "الشيخ علي" are people as often as villages: treated as one word
    one_word = (" " not in name and "-" not in name) or name.split(" ", 1)[0] in _PERSON_HEADS
    keep = []
    for u in units:
        if u.kind == "neighbourhood":
            if not one_word and u.admin2 and votes2.get(u.admin2, 0) > 0:
                keep.append(u)
        elif u.kind == "community" and not u.seat and one_word:
            if u.admin1 and votes1.get(u.admin1, 0) > 0:
                keep.append(u)
        else:
            keep.append(u)
    h.unit_choices = keep
    return bool(keep)


def _unique_admins(units: Sequence[Unit]) -> tuple[str | None, str | None]:
    """The admin1 and admin2 all ``units`` share (None where they differ)."""
    first = units[0]
    a1, a2 = first.admin1, first.admin2
    for u in units:
        if u.admin1 != a1:
            return None, None
        if a2 is not None and u.admin2 != a2:
            a2 = None
    return a1, a2


def _prepare(h: Hit) -> list[Candidate] | None:
    """Candidates of a hit in its context (type noun, countryside), or None if none fits.

    Depends only on the key's candidates and the context read by ``_context``,
    so the caller memoises it per (key, type noun, countryside).
    """
    if h.type_kinds or h.countryside:
        ok = h.cands
    else:
        # Stop-listed names stay only as towns/units that the article must
        # confirm (جاسم the Dar'a town vs. the given name), see _supported.
        ok = [c for c in h.cands if not c.needs_type or c.unit.level <= 3]
        h.weak = frozenset(c.unit.pcode for c in ok if c.needs_type)
    if h.type_kinds and not h.countryside and h.type_kinds is not lx.PLURAL_TYPE_KINDS:
        # "مدينة الباب": a city, so not the Damascus neighbourhood "باب شرقي";
        # a name no candidate of which fits the type noun is dropped, which
        # lets a shorter name that fits win the overlap.
        ok = [c for c in ok if c.unit.kind in h.type_kinds]
    return ok or None


def _choices(h: Hit) -> _Choice:
    """Units a selected hit can stand for, with what resolution reads of them (memoised by caller)."""
    units = _countryside_units(h) if h.countryside else [c.unit for c in h.cands]
    if h.type_kinds and not h.countryside:
        typed = [u for u in units if u.kind in h.type_kinds]
        # seats are communities *and* the admin units they name
        if typed:
            units = typed
    if not units:
        return _Choice(units, None, None, 0, False, False, False)
    a1, a2 = _unique_admins(units)
    level = 1 if h.countryside else min(u.level for u in units)
    locator = h.countryside or any(u.level <= 3 for u in units)
    votes = locator and not (h.weak and all(u.pcode in h.weak for u in units))
    # _supported has nothing to check: every reading is a unit, town or non-place kind
    plain = not h.weak and all(u.level <= 3 or u.kind not in ("community", "neighbourhood") for u in units)
    return _Choice(units, a1, a2, level, votes, plain or h.countryside or bool(h.type_kinds), True)


def _not_org(text: str, e: int) -> bool:
    """False when the word after ``e`` makes the name part of an organisation ("قوات سوريا الديمقراطية")."""
    n = len(text)
    i = e
    while i < n and text[i] == " ":
        i += 1
    if not text.startswith(_ORG_WORDS, i):  # one C call rejects the common case
        return True
    for w in _ORG_WORDS:
        if text.startswith(w, i):
            j = i + len(w)
            if j >= n or not text[j].isalpha():
                return False
    return True


def resolve_hits(
    gaz: Gazetteer,
    nt: Normalized,
    hits: list[Hit],
    lang: str,
    context: Sequence[PlaceMention] = (),
    spans: Sequence[tuple[int, int]] | None = None,
) -> list[PlaceMention]:
    """Turn raw hits into resolved, non-overlapping :class:`PlaceMention` objects.

    With ``spans`` only the mentions overlapping one of them are built (the
    article's other names still vote), so the result is exactly the matching
    subset of the full result.
    """
    return _resolve(gaz, nt, hits, context, spans, True)  # type: ignore[return-value]


def resolve_regions(
    gaz: Gazetteer, nt: Normalized, hits: list[Hit], context: Sequence[PlaceMention] = ()
) -> list[tuple[int, int, Region]]:
    """``(start, end, region)`` of every mention :func:`resolve_hits` would return, same order.

    For callers that read only spans and regions (casualty extraction): the
    mention objects, their confidence and kind are not computed, which the
    extractor's profile showed as a fifth of resolution.
    """
    return _resolve(gaz, nt, hits, context, None, False)  # type: ignore[return-value]


def _resolve(
    gaz: Gazetteer,
    nt: Normalized,
    hits: list[Hit],
    context: Sequence[PlaceMention],
    spans: Sequence[tuple[int, int]] | None,
    mentions: bool,
) -> list:
    """Body of :func:`resolve_hits` (``mentions``) and :func:`resolve_regions` (tuples)."""
    text = nt.text
    memo = gaz._memo
    if len(memo) > _MEMO_MAX:
        memo.clear()
    kept: list[Hit] = []
    for h in hits:
        _context(text, h, text[h.start].isalpha() and not text[h.start].isascii())
        ck = (h.key, h.type_kinds, h.countryside)
        got = memo.get(ck)
        if got is None:
            ok = _prepare(h)
            memo[ck] = got = (ok, h.weak)
        ok, h.weak = got
        if ok is None:
            continue
        h.cands = ok
        h.ck = ck
        kept.append(h)
    sel = _select(kept)
    _coordinated_countryside(text, sel)
    # "قوات سوريا الديمقراطية": a name inside an organisation's name is not a place.
    sel = [h for h in sel if _not_org(text, h.span_end)]

    chosen: list[Hit] = []
    for h in sel:
        ck2 = (h.ck, h.countryside)
        ch = memo.get(ck2)
        if ch is None:
            memo[ck2] = ch = _choices(h)
        if ch.any:
            h.unit_choices = ch.units
            h.info = ch
            chosen.append(h)
    sel = chosen

    # Votes from names that can only be one governorate / district and are
    # units or towns (hamlets do not vote: a common word must not confirm another).
    votes1: Counter[str] = Counter()
    votes2: Counter[str] = Counter()
    for m in context:
        if m.region.admin1:
            votes1[m.region.admin1] += 1
        if m.region.admin2:
            votes2[m.region.admin2] += 1
    for h in sel:
        ch = h.info
        assert ch is not None  # every hit left in sel has its reading
        if ch.votes:
            if ch.a1:
                votes1[ch.a1] += 1
            if ch.a2:
                votes2[ch.a2] += 1

    # A one-word hamlet or neighbourhood name with no type noun is kept only
    # when the article is about its governorate (neighbourhoods: its city).
    # A name placed by the unit right after it ("X بسهل الغاب", "X في ريف حماة")
    # is a place even when the article says nothing else of its governorate.
    kept = []
    for i, h in enumerate(sel):
        ch = h.info
        assert ch is not None
        if ch.plain or _supported(text, h, votes1, votes2):
            kept.append(h)
        elif _placed_by_next(text, h, sel, i):
            h.unit_choices = ch.units
            kept.append(h)
    sel = kept
    _anaphoric_countryside(gaz, text, sel, votes1)

    n_sel = len(sel)
    anchor1: list[str | None] = []
    anchor2: list[str | None] = []
    levels: list[int] = []
    for h in sel:
        ch = h.info
        if ch is not None and h.unit_choices is ch.units:
            anchor1.append(ch.a1)
            anchor2.append(ch.a2)
            levels.append(ch.level)
            continue
        a1, a2 = _unique_admins(h.unit_choices)
        anchor1.append(a1)
        anchor2.append(a2)
        levels.append(1 if h.countryside else min(u.level for u in h.unit_choices))
    # gap_ok[i]: sel[i - 1] and sel[i] are close and in the same sentence
    gap_ok = [False] * (n_sel + 1)
    for i in range(1, n_sel):
        a, b = sel[i - 1].span_end, sel[i].span_start
        gap_ok[i] = a <= b <= a + _NEAR and _BREAK_RE.search(text, a, b) is None

    out: list = []
    original = nt.original
    direct = len(nt._norm_at) == 1  # no deletions: offsets are the same in both texts
    to_original = nt.to_original
    rcache = gaz._regions
    # Scores of an ambiguous name depend on its readings (the list object: hits of one key
    # share it), its type noun, its neighbours and the article's votes (fixed by now), so a
    # name repeated in the same surroundings is scored once per article.
    scored: dict[tuple, tuple[Unit, float, float]] = {}
    if len(rcache) > _MEMO_MAX:
        rcache.clear()
    mention = PlaceMention
    for i, h in enumerate(sel):
        if spans is not None and not any(a < h.span_end and h.span_start < b for a, b in spans):
            continue
        units = h.unit_choices
        # neighbouring unit that places this name ("X بريف Y", "X، Y", "X (Y)")
        near1: str | None = None
        near2: str | None = None
        near_level = 0
        # "قرى الحواش والعمقية في سهل الغاب": the unit after a list places every member
        k = i + 1
        while k < n_sel and levels[k] > 3 and _list_join(text, sel[k - 1], sel[k]):
            k += 1
        if k < n_sel and levels[k] <= 3 and gap_ok[k] and _places_next(text, sel[k - 1], sel[k]):
            near1, near2, near_level = anchor1[k], anchor2[k], levels[k]
        prev1 = anchor1[i - 1] if i > 0 and gap_ok[i] else None
        own1, own2 = anchor1[i], anchor2[i]
        if len(units) == 1:
            best = units[0]
            best_s, second_s = 10.0, 0.0
        elif (
            got_score := scored.get(
                sck := (id(units), h.type_kinds, near1, near2, near_level, prev1, own1, own2)
            )
        ) is not None:
            # the same name in the same surroundings earlier in the article: same scores
            best, best_s, second_s = got_score
        else:
            best = units[0]
            best_s = second_s = -math.inf
            tk = h.type_kinds
            for u in units:
                s = u.prior
                if tk:
                    if u.kind == tk[0]:
                        s += 3.0
                    elif u.kind in tk:
                        s += 2.0
                a1 = u.admin1
                if near1 and a1 == near1 and near_level < u.level:
                    s += 7.0 if (near2 and u.admin2 == near2) else 6.0
                if prev1 and a1 == prev1:
                    s += 3.0
                if a1:
                    v = votes1.get(a1, 0) - (a1 == own1)
                    s += 1.5 * (v if v < 3 else 3)
                a2 = u.admin2
                if a2:
                    v = votes2.get(a2, 0) - (a2 == own2)
                    s += 0.5 * (v if v < 3 else 3)
                if s > best_s:
                    best, best_s, second_s = u, s, best_s
                elif s > second_s:
                    second_s = s
            scored[sck] = (best, best_s, second_s)
        if direct:
            o_start, o_end = h.span_start, h.span_end
        else:
            o_start = to_original(h.span_start)
            o_end = to_original(h.span_end - 1) + 1
        surface = original[o_start:o_end]
        rk = (best.pcode, h.countryside, surface)
        region = rcache.get(rk)
        if region is None:
            region = rcache[rk] = _region(gaz, best, h, surface)
        if mentions:
            sk = (best.pcode, h.countryside, bool(h.type_kinds), own1 is None, best_s - second_s)
            got = memo.get(sk)
            if got is None:
                got = memo[sk] = (_confidence(best, h, best_s - second_s, own1 is None), _kind(best, h))
            score, kind = got
        if (
            near1
            and near_level < best.level
            and not h.countryside
            and near1.startswith("SY")
            and region.admin1
            and near1 != region.admin1
        ):
            loc = min(sel[k].unit_choices, key=lambda u: u.level)
            if best.level >= 4 and _too_far(best, loc):
                # "التوينة، سهل الغاب" while the only التوينة known is 400 km away:
                # an unlisted namesake inside the unit the text names.
                region = _region(gaz, loc, sel[k], surface)
                score = 0.5
            else:
                # a border village the text puts in the neighbouring governorate
                region = _with_alt(region, near1)
        if mentions:
            cs = h.countryside
            out.append(mention(h.span_start, h.span_end, o_start, o_end, surface, region, cs, kind, score))
        else:
            out.append((h.span_start, h.span_end, region))
    return out


_FAR_KM: Final = {1: 120.0, 2: 60.0, 3: 35.0}


def _too_far(u: Unit, loc: Unit) -> bool:
    """True when ``u`` is further from the unit ``loc`` than a place inside or beside it can be."""
    if None in (u.lat, u.lon, loc.lat, loc.lon):
        return False
    lat1, lon1, lat2, lon2 = map(math.radians, (u.lat, u.lon, loc.lat, loc.lon))  # type: ignore[arg-type]
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    km = 6371.0 * 2 * math.asin(math.sqrt(a))
    return km > _FAR_KM.get(loc.level, 35.0)


def _with_alt(r: Region, alt: str) -> Region:
    return Region(r.admin1, r.admin2, r.admin3, r.pcode, r.precision, r.place, r.lat, r.lon, admin1_alt=alt)


def _kind(u: Unit, h: Hit) -> str:
    if h.countryside:
        if u.kind in ("admin1", "informal") or u.seat == 3:
            return "admin1"
        return "admin3" if u.kind == "admin3" or u.seat == 1 else "admin2"
    return u.kind


def _region(gaz: Gazetteer, u: Unit, h: Hit, surface: str) -> Region:
    if not h.countryside:
        return gaz.region_of(u, surface)
    # ريف X: the governorate X, or the district X, never a point.
    if u.kind == "admin1" or u.seat == 3:
        a = gaz.units.get(u.admin1 or "", u)
        return Region(a.admin1, None, None, a.pcode, "governorate", surface, a.lat, a.lon)
    if u.admin2 and u.admin2 in gaz.units and (u.kind == "admin2" or u.seat == 2):
        a = gaz.units[u.admin2]
        return Region(a.admin1, a.admin2, None, a.pcode, "district", surface, a.lat, a.lon)
    if u.admin3 and u.admin3 in gaz.units and (u.kind == "admin3" or u.seat == 1):
        # "ريف تل تمر": the sub-district the town is the seat of
        a = gaz.units[u.admin3]
        return Region(a.admin1, a.admin2, a.admin3, a.pcode, "subdistrict", surface, a.lat, a.lon)
    return gaz.region_of(u, surface)


def _confidence(u: Unit, h: Hit, margin: float, ambiguous: bool) -> float:
    """A rough confidence in (0, 1]: unambiguous admin units high, lone hamlets lower."""
    if u.kind in ("admin1", "admin2", "admin3", "informal", "country", "foreign") or u.seat or h.countryside:
        base = 0.95
    elif h.type_kinds:
        base = 0.85
    elif u.kind == "community":
        base = 0.7
    else:
        base = 0.6
    if ambiguous:
        base *= min(1.0, 0.55 + max(margin, 0.0) / 10.0)
    return round(base, 3)
