"""From one article to its casualty mentions (records of ``schemas/mention.v1.json``).

The language rules find statements sentence by sentence; this module adds
what needs the whole article: the governing place, the event date, the scope
(incident or cumulative statistic), and the rule "one mention per event"
(headline + body, repeated paragraphs, totals followed by their breakdown).
Pure and total: any string input gives a list, never an exception.
"""

from __future__ import annotations

import hashlib
import re
import re._constants as _sre
import re._parser as _sre_parser
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any, Final, NamedTuple

from streams.extract import arabic, english
from streams.extract.dates import _names_no_day, day_key, event_date, mask_report_days, publication_date
from streams.extract.hits import Hit
from streams.extract.lexicon import lexicon
from streams.extract.places import EMPTY_REGION, Place, find_places
from streams.extract.segment import Sentence, sentences
from streams.text.normalize import Normalized, normalize

__all__ = ["Analysis", "article_text", "detect_language", "extract_article", "extract_with_analysis"]

_ARABIC_LETTER: Final = re.compile(r"[\u0621-\u064a]")
_LATIN_LETTER: Final = re.compile(r"[A-Za-z]")
_INCIDENT_DAY: Final = re.compile(
    r"\b(امس|اليوم|الليله|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد|ميدانيا|"
    r"yesterday|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
_CONTINUES: Final = re.compile(
    r"^(و?القتلي هم|و?هم |these |they |the casualties are|among them|بينهم|(?:و?(?:اسفرت|ادت|خلفت) )?هذه )"
)
_CASUALTY_WORDS: Final = frozenset({"حياه", "جروح", "جراح", "اصابه", "اصابات", "جرحي", "قتلي", "مصرع", "حتف"})
# one of _CASUALTY_WORDS anywhere in a range (a token that is one contains it)
_CASUALTY_ANY: Final = re.compile("|".join(sorted(_CASUALTY_WORDS))).search
# Cheap pre-filter: a sentence without one of these stems cannot hold a casualty statement.
_MAY_HAVE: Final = {
    "ar": re.compile(
        r"قتل|قتي|قضي|قضو|قضت|شهد|شهي|جرح|جري|اصاب|اصيب|مصرع|وفا|توفي|جث|ارتق|حتف|حيا|مصاب|اعدا|تصفي|ضحي|ضحا"
    ),
    "en": re.compile(r"kill|dead|death|died|\bdie|wound|injur|hurt|lives|martyr|slain|execut|bodies|succumb"),
}
_WORD_CHAR: Final = re.compile(r"\w")


def _stem_literals(rx: re.Pattern[str]) -> tuple[tuple[str, bool], ...] | None:
    """The stems of a pre-filter as (literal, needs a word boundary before it), or None when
    the pattern is more than an alternation of letter literals (then the regex is run)."""
    out = []
    for alt in rx.pattern.split("|"):
        bounded = alt.startswith("\\b")
        word = alt[2:] if bounded else alt
        if not word.isalpha():
            return None
        out.append((word, bounded))
    return tuple(out)


_STEMS: Final = {lang: _stem_literals(rx) for lang, rx in _MAY_HAVE.items()}


def _trie(words: list[list[str]]) -> str:
    """One alternation of ``words`` (each a list of regex atoms) written as a trie
    ("قت(?:ل|ي)"): the engine follows one branch per first letter instead of trying every
    word at every offset. Same matches (a word that is a prefix of another is an optional
    tail)."""
    tree: dict = {}
    for w in words:
        node = tree
        for atom in w:
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [atom + emit(sub) for atom, sub in sorted(node.items()) if atom]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")

    return emit(tree)


def _stem_re(lang: str) -> re.Pattern[str]:
    """The pre-filter of ``lang`` as a trie: the same set of match starts as ``_MAY_HAVE``
    (``\\bdie`` becomes ``d(?<!\\wd)ie``: no word character before the d)."""
    stems = _STEMS[lang]
    if stems is None:
        return _MAY_HAVE[lang]
    words = []
    for w, bounded in stems:
        atoms = [re.escape(ch) for ch in w]
        if bounded:
            atoms.insert(1, rf"(?<!\w{atoms[0]})")
        words.append(atoms)
    return re.compile(_trie(words))


_STEM_RE: Final = {lang: _stem_re(lang) for lang in _MAY_HAVE}


def _stem_automaton(lang: str) -> Any:
    """The stems of ``lang`` in an Aho-Corasick automaton (value: length, needs a boundary),
    or None when the pre-filter is not a plain list of stems or pyahocorasick is missing."""
    stems = _STEMS[lang]
    if stems is None:
        return None
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover - a dependency of streams.places
        return None
    auto = ahocorasick.Automaton()
    for word, bounded in stems:
        auto.add_word(word, (len(word) - 1, bounded))
    auto.make_automaton()
    return auto


_STEM_AC: Final = {lang: _stem_automaton(lang) for lang in _MAY_HAVE}


def _stem_starts(full: str, lang: str) -> list[int]:
    """Start offsets of the trigger stems in ``full``, in order. The stems are letters only,
    so no stem crosses a sentence boundary: "a stem starts in the sentence" is exactly "the
    pre-filter matches the sentence" (one scan per article instead of one per sentence).

    The scan is an Aho-Corasick automaton (a Python step per stem found, not per offset: a
    fifth of the regex's cost); it reports every occurrence, overlapping ones too, which
    marks the same sentences as the regex's non-overlapping matches."""
    auto = _STEM_AC[lang]
    if auto is None:
        return [m.start() for m in _STEM_RE[lang].finditer(full)]
    out = []
    word_char = _WORD_CHAR.match
    for end, (span, bounded) in auto.iter(full):
        s = end - span
        if bounded and s and word_char(full, s - 1) is not None:
            continue  # "\\bdie": a word character before it
        out.append(s)
    out.sort()  # ends are in order; a longer stem ending later may start earlier
    return out


_APPOSITION_GAP: Final = frozenset({"في", "ب", "ضمن", "قرب", '"', "«", "(", "من"})
_ORIGIN: Final = re.compile(
    r"(ينحدر|ينحدرون|تنحدر|المنحدر|المنحدرين|ينتمي|ينتمون|من ابناء|من اهالي|ابن مدينه|ابن بلده|"
    r"native of|hails from|originally from|hometown)"
)
# a list of hometowns runs to the clause's end ("ينحدر أحدهما من جسر الشغور والآخر من قرية
# مرج الزهور في ريف إدلب") unless an event verb intervenes ("ينحدر من X وقتل في Y")
_ORIGIN_CHAIN: Final = re.compile(
    _ORIGIN.pattern + r"(?:(?!\b[وف]?(?:قتل\w*|قضي|قضوا|اصيب\w*|جرح\w*|استهدف\w*|killed|died|wounded|shot)\b)"
    r"[^،,.:;\n]){0,100}$"
)
# a reference point of a distance: "(40 كم شمال حماة)", "25 km north of Hama"
_REFERENCE: Final = re.compile(
    r"\d+ ?(?:كم|كيلو\w*|km|kilomet\w*|miles?)? ?(?:الي |to the )?"
    r"(?:شمال|جنوب|شرق|غرب|north|south|east|west)\w*(?: ?-? ?(?:شرق|غرب|east|west)\w*)? ?(?:of |مدينه )?$"
)
_FLIGHT_WORDS: Final = "نزو|نزح|فرار|فر |فروا|هرب|لجو|لجا|تهجير|هجر|displac|fled|flee|escaped"
# same matches
_FLIGHT: Final = re.compile(_trie([[re.escape(ch) for ch in w] for w in _FLIGHT_WORDS.split("|")]))
# where people fled TO is not where the event was ("نزوح الأهالي نحو قرى الريف الجنوبي")
_DESTINATION: Final = re.compile(
    r"\b[وبل]?(?:نزوح|نزح\w*|ينزح\w*|فرار|فر|فروا|هرب\w*|يهرب\w*|لجوء|لجا|لجؤوا|تهجير|هجر\w*|"
    r"displace\w*|fled|flee\w*|escaped)\b[^،,.:\n]{0,60}\b(?:الي|نحو|باتجاه|صوب|to|towards|into|for)\b[^،,.:\n]{0,80}$"
)
# a dateline ("محافظة الحسكة – المرصد ...", "BEIRUT (Reuters) -") names where the report was
# filed: a place for the sentence only when the sentence names no other
_DATELINE_BEFORE: Final = re.compile(r"[\s|]*(?:محافظه|مدينه|ريف)? ?$")
_DATELINE_AFTER: Final = re.compile(r"\s*(?:[–—-]|\(|,[^،,\n]{0,30}\()")
# Every flight word of _DESTINATION contains one of these: a window with none of them
# cannot match it (a few substring tests instead of the regex on most windows).
_FLIGHT_CORES: Final = ("نز", "فر", "هرب", "لج", "هج", "displace", "fle", "escaped")


def _destination(full: str, lo: int, hi: int) -> bool:
    """``_DESTINATION`` matches within ``full[lo:hi]``."""
    window = full[lo:hi]
    if not any(map(window.__contains__, _FLIGHT_CORES)):
        return False
    return _DESTINATION.search(full, lo, hi) is not None


def _occurrences(full: str, words: tuple[str, ...]) -> list[int]:
    """Sorted start offsets of every occurrence of each of ``words`` (overlaps included)."""
    out: list[int] = []
    find = full.find
    for w in words:
        i = find(w)
        while i >= 0:
            out.append(i)
            i = find(w, i + 1)
    out.sort()
    return out


def _destination_near(full: str, lo: int, hi: int, cores: list[int]) -> bool:
    """``_DESTINATION.search(full, lo, hi)`` tried only where a match can start: a match opens
    with an optional و/ب/ل and a flight word whose core (``cores``: offsets of the
    ``_FLIGHT_CORES`` in ``full``) starts at most one letter into it, so 0-2 letters before a core."""
    match = _DESTINATION.match
    for q in cores[bisect_left(cores, lo) : bisect_left(cores, hi)]:
        for s in (q - 2, q - 1, q):
            if s >= lo and match(full, s, hi) is not None:
                return True
    return False


class _Quotes:
    """Quote marks and line breaks of an article, to tell in O(log n) whether an offset lies
    inside quoted speech (what ``_quoted`` computes by counting from the paragraph's start)."""

    __slots__ = ("dq", "lg", "nl", "rg")

    def __init__(self, full: str) -> None:
        self.nl = _occurrences(full, ("\n",))
        self.dq = _occurrences(full, ('"',))
        self.lg = _occurrences(full, ("«",))
        self.rg = _occurrences(full, ("»",))

    def quoted(self, start: int) -> bool:
        k = bisect_left(self.nl, start)
        para = self.nl[k - 1] + 1 if k else 0
        dq = bisect_left(self.dq, start) - bisect_left(self.dq, para)
        lg = bisect_left(self.lg, start) - bisect_left(self.lg, para)
        rg = bisect_left(self.rg, start) - bisect_left(self.rg, para)
        return dq % 2 == 1 or lg > rg


_MAX_CHARS: Final = 200_000  # longer bodies are cut: news articles are far shorter
_NEAR: Final = 600  # chars around a trigger in which a place of a very long sentence may govern it


@lru_cache(maxsize=2)
def _cumulative_re(lang: str) -> re.Pattern[str]:
    """All cumulative-statistic patterns of ``lang`` as one alternation (one scan per sentence)."""
    pats = lexicon(lang).cumulative
    return re.compile("|".join(f"(?:{p.pattern})" for p in pats)) if pats else re.compile(r"(?!x)x")


def _literal_heads(items: Any) -> tuple[list[str], bool]:
    """Literal strings one of which every match of the parsed ``items`` starts with (zero-width
    boundaries skipped; "" when some match may start otherwise), and whether they spell all
    of ``items`` (so that what follows may extend them)."""
    heads = [""]
    for op, av in items:
        if op is _sre.AT:
            continue
        if op is _sre.LITERAL:
            heads = [h + chr(av) for h in heads]
            continue
        if op is _sre.BRANCH:
            alts = av[1]
        elif op is _sre.SUBPATTERN and not (av[1] or av[2]):  # a group without inline flags
            alts = [av[3]]
        else:
            return heads, False
        tails: list[str] = []
        complete = True
        for alt in alts:
            got, whole = _literal_heads(alt)
            tails.extend(got)
            complete = complete and whole
        heads = [h + t for h in heads for t in tails]
        if not complete or len(heads) > 64:
            return heads, False
    return heads, True


@lru_cache(maxsize=2)
def _cumulative_heads(lang: str) -> tuple[str, ...] | None:
    """Literal strings one of which every cumulative-statistic match of ``lang`` starts with
    (zero-width boundaries before them aside), or None when the patterns do not allow them."""
    rx = _cumulative_re(lang)
    try:
        parsed = _sre_parser.parse(rx.pattern, rx.flags & ~re.UNICODE)
    except Exception:  # pragma: no cover - the pattern compiled, so it parses
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    heads, _whole = _literal_heads(parsed.data)
    if not all(heads):
        return None
    return tuple(sorted(set(heads)))


def _common_prefix(words: list[str]) -> str:
    """The longest prefix all ``words`` share (that of the first and last in sorted order)."""
    first, last = min(words), max(words)
    k = 0
    while k < len(first) and first[k] == last[k]:
        k += 1
    return first[:k]


@lru_cache(maxsize=2)
def _cumulative_keys(lang: str) -> tuple[str, ...] | None:
    """Few strings one of which every cumulative-statistic match of ``lang`` starts with: the
    heads (less those another head is a prefix of) grouped by their first word; a group of
    many ("خلال" opens 19 of the Arabic ones) stands as the prefix its heads share ("خلال "),
    a group of four or fewer as its heads ("the whole war" ...: not every "the ")."""
    heads = _cumulative_heads(lang)
    if heads is None:
        return None
    groups: dict[str, list[str]] = {}
    for h in heads:
        if not any(h.startswith(g) for g in heads if g != h):
            groups.setdefault(h.split(" ", 1)[0] or h, []).append(h)
    keys: list[str] = []
    for group in groups.values():
        keys.extend(group if len(group) <= 4 else [_common_prefix(group)])
    return tuple(keys)


def _cumulative(stext: str, lang: str, cumulative_re: re.Pattern[str]) -> bool:
    """``cumulative_re`` matches ``stext``.

    Every match starts where one of :func:`_cumulative_keys` occurs, so the regex is tried
    only there (``match`` at an offset reads the text before it for ``\\b`` as ``search``
    does), not at every offset: most sentences hold no key, and a sentence that holds one
    ("in ", "خلال ") holds it once or twice. The search over the whole sentence cost 2.6 us
    (English) to 8-22 us (Arabic, when a key occurred)."""
    keys = _cumulative_keys(lang)
    if keys is None:
        return cumulative_re.search(stext) is not None
    match, find = cumulative_re.match, stext.find
    for key in keys:
        i = find(key)
        while i >= 0:
            if match(stext, i) is not None:
                return True
            i = find(key, i + 1)
    return False


def article_text(article: Mapping[str, Any]) -> str:
    """The text evidence offsets refer to: title + blank line + body, or the body alone."""
    body = article.get("body")
    body = body if isinstance(body, str) else ""
    title = article.get("title")
    if isinstance(title, str) and title.strip():
        return f"{title}\n\n{body}"
    return body


def detect_language(text: str) -> str:
    """ "ar" when Arabic letters are at least a third of the letters, else "en"."""
    sample = text[:5000] if isinstance(text, str) else ""
    ar = len(_ARABIC_LETTER.findall(sample))
    la = len(_LATIN_LETTER.findall(sample))
    return "ar" if ar and ar * 2 >= la else "en"


class Analysis(NamedTuple):
    """What extraction computed of an article that other steps may reuse (incident
    references): the normalised text, its sentences and, when extraction needed them, its
    places (None: not resolved, because the article states no casualty)."""

    article_id: str
    lang: str
    nt: Normalized
    sents: list[Sentence]
    places: list[Place] | None
    published_at: Any


def extract_article(article: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every casualty mention of ``article`` (a dict per ``schemas/article.v1.json``)."""
    return extract_with_analysis(article)[0]


def extract_with_analysis(article: Mapping[str, Any]) -> tuple[list[dict[str, Any]], Analysis | None]:
    """:func:`extract_article` plus the :class:`Analysis` it made (None for an empty or
    unreadable article). Total: never raises."""
    try:
        return _extract(article)
    except Exception:
        return [], None


def _extract(article: Mapping[str, Any]) -> tuple[list[dict[str, Any]], Analysis | None]:
    if not isinstance(article, Mapping):
        return [], None
    text = article_text(article)[:_MAX_CHARS]
    if not text.strip():
        return [], None
    lang = article.get("language")
    if lang not in ("ar", "en"):
        lang = detect_language(text)
    aid = str(article.get("id") or "unknown")
    nt = normalize(text)
    title = article.get("title")
    title_end = len(normalize(title).text) if isinstance(title, str) and title.strip() else 0
    sents = sentences(nt.text)
    # places are resolved on the first statement: most articles of a news stream state no
    # casualty and need no gazetteer pass
    places: list[Place] | None = None
    place_starts: list[int] = []
    ctx = _Context([], sents, title_end, nt.text)
    lex = lexicon(lang)
    engine = arabic.find_hits if lang == "ar" else english.find_hits
    pub = publication_date(article.get("published_at"))
    pub_iso = pub.isoformat() if pub is not None else None

    found: list[tuple[Hit, Sentence, Place | None, str | None]] = []
    cumulative_re = _cumulative_re(lang)
    full = nt.text
    # Sentences with a trigger stem: one scan of the article, not one search per sentence
    # (the stems are letters only, so no match crosses a sentence boundary); each stem marks
    # the sentence holding it.
    sent_starts = list(map(_SENT_START, sents))
    with_stem = set()
    for q in _stem_starts(full, lang):
        k = bisect_right(sent_starts, q) - 1
        if k >= 0 and q < sents[k].end:
            with_stem.add(k)
    # The scope state carried from sentence to sentence ("398 attacks since June" then
    # "these attacks claimed ..."): sentences without a trigger only matter when a later
    # statement consults it, so they are kept in ``quiet`` and read back only then.
    prev_cumulative = False
    quiet: list[Sentence] = []
    for sent in sents:
        if sent.index not in with_stem:
            quiet.append(sent)
            continue
        hits = engine(sent, lex)
        if not hits:
            continue
        stext = full[sent.start : sent.end]
        no_day = _names_no_day(stext, lang)  # then masking and dating change nothing
        mtext = stext if no_day else mask_report_days(stext, lang)
        cumulative = _cumulative(stext, lang, cumulative_re)
        if not cumulative:
            cont = _CONTINUES.search(stext) is not None
            if (
                prev_cumulative
                and _still_cumulative(quiet, full, lang, cumulative_re)
                and (cont or not _names_incident_day(mtext, lang, masked=True))
            ) or (cont and _statistic_before(quiet, full, lang, cumulative_re)):
                cumulative = True
        prev_cumulative = cumulative
        quiet = []
        if no_day:
            date, cue = pub_iso, ""  # what event_date and day_key give for a sentence without a day
        else:
            date = event_date(mtext, pub, lang, masked=True)
            cue = day_key(mtext, lang, masked=True)
        day = date or cue or "0"
        if places is None:
            places = _drop_misread(find_places(nt, lang), full)
            place_starts = [p.start for p in places]
            ctx = _Context(places, sents, title_end, full)
        for h in hits:
            h.day, h.cue = day, cue
            h.scope = "cumulative" if cumulative else "incident"
            place = _choose_place(h, sent, ctx, places, place_starts, title_end, full)
            found.append((h, sent, place, date))

    found = [it for it in found if not _hedged(full, max(it[1].start, it[0].start - 30), it[0].start + 1)]
    found = _remainder(found, full)
    found = _same_attack(found, full)
    kept = _one_per_event(found, title_end, _headlines(full, sents, title_end))
    records = [_record(aid, lang, nt, h, sent, place, date) for h, sent, place, date in kept]
    return records, Analysis(aid, lang, nt, sents, places, article.get("published_at"))


# Every word of _INCIDENT_DAY contains one of these (the English ones end in "day").
_INCIDENT_WORDS: Final[tuple[str, ...]] = (
    "امس",
    "اليوم",
    "الليله",
    "ميدانيا",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "السبت",
    "الاحد",
    "day",
)


def _may_name_incident_day(text: str) -> bool:
    """False when ``text`` holds no word of ``_INCIDENT_DAY`` (substring tests, no regex)."""
    for w in _INCIDENT_WORDS:  # noqa: SIM110 (a loop: no generator in a hot path)
        if w in text:
            return True
    return False


def _names_incident_day(text: str, lang: str, masked: bool = False) -> bool:
    """``text`` names the day of an incident: a day word once report days are blanked."""
    if not _may_name_incident_day(text):
        return False  # masking only blanks words, so it cannot add one
    return _INCIDENT_DAY.search(text if masked else mask_report_days(text, lang)) is not None


def _incident(stext: str, lang: str, cumulative_re: re.Pattern[str]) -> bool:
    """A sentence without a trigger that dates an incident ("... yesterday"), not a statistic."""
    if not _may_name_incident_day(stext) or _cumulative(stext, lang, cumulative_re):
        return False
    return _names_incident_day(stext, lang)


def _still_cumulative(quiet: list[Sentence], full: str, lang: str, cumulative_re: re.Pattern[str]) -> bool:
    """The previous statement's cumulative scope still holds: no quiet sentence since then
    dated an incident."""
    return not any(_incident(full[s.start : s.end], lang, cumulative_re) for s in quiet)


def _statistic_before(quiet: list[Sentence], full: str, lang: str, cumulative_re: re.Pattern[str]) -> bool:
    """The last quiet sentence that says anything of scope states a statistic ("398 attacks
    since June"), not an incident's day."""
    for s in reversed(quiet):
        stext = full[s.start : s.end]
        if _cumulative(stext, lang, cumulative_re):
            return True
        if _names_incident_day(stext, lang):
            return False
    return False


_LOCATOR_GAP: Final = re.compile(r"[^،,.:;\n]{0,20}(?:^|\s|\b)(?:في|ب|ضمن|in|near|of)\s*$")


def _drop_misread(places: list[Place], full: str) -> list[Place]:
    """A village the gazetteer put in another governorate than the area the text locates it
    in right after ("قرية التوينة القريبة في سهل الغاب") is a homonym misread: the locator
    stands, the village goes."""
    out = []
    for k, p in enumerate(places):
        q = places[k + 1] if k + 1 < len(places) else None
        if (
            q is not None
            and q.start - p.end <= 30
            and _admin1(q) != _admin1(p)
            and _admin1(q) is not None
            and _admin1(p) is not None
            and p.rank >= 4
            and q.rank < p.rank
            and _LOCATOR_GAP.fullmatch(full, p.end, q.start) is not None
        ):
            continue
        out.append(p)
    return out


_LAST_STARTS: Final[list] = [None, []]
_TOKEN_START: Final = itemgetter(1)  # Token.start (tokens are named tuples)
_SENT_START: Final = attrgetter("start")


def _tok_starts(sent: Sentence) -> list[int]:
    """Token start offsets of ``sent`` (cached for the sentence being placed)."""
    if _LAST_STARTS[0] is not sent:
        _LAST_STARTS[0], _LAST_STARTS[1] = sent, list(map(_TOKEN_START, sent.tokens))
    return _LAST_STARTS[1]


def _overlaps_hit(p: Place, sent: Sentence) -> bool:
    """A place name that is one of our casualty words (بحياة، بجروح) is a false place."""
    starts = _tok_starts(sent)
    toks = sent.tokens
    a = max(bisect_right(starts, p.start) - 1, 0)
    b = bisect_right(starts, p.end - 1)
    for i in range(a, b):  # a loop, not any(<generator>): a hot path
        t = toks[i]
        if p.start < t.end and t.start < p.end and t.text.lstrip("وفبل") in _CASUALTY_WORDS:
            return True
    return False


def _clause_of(sent: Sentence, offset: int) -> int:
    k = bisect_right(_tok_starts(sent), offset) - 1
    return sent.tokens[max(k, 0)].clause


def _place_clause(sent: Sentence, p: Place) -> int:
    """The clause a place belongs to; a place right after a comma is an apposition of the
    clause before it ("في قرية الجابر، بريف الرقة"; "in Kafr Nabl, southern Idlib")."""
    toks = sent.tokens
    k = max(bisect_right(_tok_starts(sent), p.start) - 1, 0)
    clause = toks[k].clause
    j = k - 1
    while j >= 0 and toks[j].text in _APPOSITION_GAP:
        j -= 1
    if clause and j >= 0 and toks[j].text in ("،", ","):
        return clause - 1
    return clause


def _quoted(full: str, p: Place) -> bool:
    """A place inside quoted speech (an odd number of quote marks before it in its paragraph)
    is what someone said, not where the next event happened."""
    para = full.rfind("\n", 0, p.start) + 1
    seg = full[para : p.start]
    return seg.count('"') % 2 == 1 or seg.count("«") > seg.count("»")


def _hometown(sent: Sentence, full: str, p: Place, words: bool = True, directions: bool = True) -> bool:
    """A place that says where a victim comes from, not where the event was
    ("ينحدر أحدهما من مدينة جسر الشغور", "من أبناء بلدة", "a native of"), or a distance's
    reference point ("قرية X (40 كم شمال حماة)"). ``words=False``: the caller found no
    origin or flight word in the sentence (then only the distance is looked at);
    ``directions=False``: no compass word either (then not even that: every distance holds
    one)."""
    near = max(sent.start, p.start - 40)
    lo = max(sent.start, p.start - 140)
    # an origin word in the last 40 characters is one in the last 140: one scan tells both
    # are absent (the common case), and _ORIGIN has no anchors, so ranges equal slices
    if words and _ORIGIN_ANY.search(full, lo, p.start) is not None and (
        _ORIGIN.search(full, near, p.start) is not None or _ORIGIN_CHAIN.search(full, lo, p.start) is not None
    ):
        return True
    if directions and _REFERENCE.search(full[near : p.start]) is not None:
        return True
    if not words:
        return False
    lo = max(sent.start, p.start - 160)
    if _FLIGHT.search(full, lo, p.start) is None:
        return False
    return _destination(full, lo, p.start)


# the compass words, one of which every match of _REFERENCE holds (a trie: one branch per letter)
_DIRECTIONS: Final = ("شمال", "جنوب", "شرق", "غرب", "north", "south", "east", "west")
_DIRECTION_ANY: Final = re.compile(_trie([[re.escape(ch) for ch in w] for w in _DIRECTIONS])).search
# _ORIGIN's words as a trie, for the existence test (same matches, one branch per letter)
_ORIGIN_ANY: Final = (
    re.compile(_trie([[re.escape(ch) for ch in w] for w in _ORIGIN.pattern[1:-1].split("|")]))
)

_CASUALTY_BIT, _ORIGIN_BIT, _FLIGHT_BIT, _DIRECTION_BIT = 1, 2, 4, 8
_WORD_LISTS: Final = (
    (_CASUALTY_BIT, tuple(sorted(_CASUALTY_WORDS))),
    (_ORIGIN_BIT, tuple(_ORIGIN.pattern[1:-1].split("|"))),
    (_FLIGHT_BIT, tuple(_FLIGHT_WORDS.split("|"))),
    (_DIRECTION_BIT, _DIRECTIONS),
)


def _word_automaton() -> Any:
    """The words of ``_WORD_LISTS`` in one Aho-Corasick automaton (value: the bits of the
    lists holding the word), or None without pyahocorasick."""
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover - a dependency of streams.places
        return None
    bits: dict[str, int] = {}
    for bit, words in _WORD_LISTS:
        for w in words:
            bits[w] = bits.get(w, 0) | bit
    auto = ahocorasick.Automaton()
    for w, bit in bits.items():
        auto.add_word(w, bit)
    auto.make_automaton()
    return auto


_WORD_AC: Final = _word_automaton()


def _sentence_words(full: str, a: int, b: int) -> int:
    """Which word lists place choice tests a sentence for occur in ``full[a:b]``, as bits:
    casualty words (``_CASUALTY_ANY``), origin words (``_ORIGIN_ANY``), flight words
    (``_FLIGHT``), compass words (``_DIRECTION_ANY``). One automaton scan of the sentence
    instead of those four regex searches (each tried every offset of the sentence)."""
    auto = _WORD_AC
    if auto is None:  # pragma: no cover - pyahocorasick is a dependency
        return (
            (_CASUALTY_ANY(full, a, b) is not None) * _CASUALTY_BIT
            | (_ORIGIN_ANY.search(full, a, b) is not None) * _ORIGIN_BIT
            | (_FLIGHT.search(full, a, b) is not None) * _FLIGHT_BIT
            | (_DIRECTION_ANY(full, a, b) is not None) * _DIRECTION_BIT
        )
    seen = 0
    # (clamped: pyahocorasick reads past the string for an end beyond it, where a regex stops)
    for _end, bit in auto.iter(full, max(a, 0), min(b, len(full))):
        seen |= bit
    return seen


_LIST_GAP: Final = re.compile(r"[^.\n;؛]{0,12}(?:\sو|^و|\band|[،,])\s*$")


def _spans_governorates(best: Place, inside: list[Place], full: str) -> bool:
    """The chosen place is one item of a coordinated list of places in several governorates
    ("على ريفي إدلب الجنوبي والشرقي وريف حماة الشمالي"): the figure has no single governorate
    (ANNOTATION section 4)."""
    k = inside.index(best)
    members = [best]
    for step in (-1, 1):
        j = k
        while 0 <= j + step < len(inside):
            a, b = (inside[j + step], inside[j]) if step < 0 else (inside[j], inside[j + step])
            if b.start - a.end > 20 or _LIST_GAP.fullmatch(full, a.end, b.start) is None:
                break
            j += step
            members.append(inside[j])
    return len({_admin1(m) for m in members} - {None}) > 1


def _dateline(full: str, p: Place) -> bool:
    """A place that opens its paragraph and is followed by a dash or an agency name."""
    para = full.rfind("\n", 0, p.start) + 1
    return (
        p.start - para <= 12
        and _DATELINE_BEFORE.match(full, para, p.start) is not None
        and _DATELINE_AFTER.match(full[p.end : p.end + 40]) is not None
    )


class _Context:
    """Places a sentence without its own may inherit (body, not quoted, not a destination of
    flight): each place tested at most once per article, and only when a sentence needs it,
    so the fallback stays linear in the article's size."""

    __slots__ = (
        "_all",
        "_all_starts",
        "_flight",
        "_full",
        "_ok",
        "_quoted",
        "_sents",
        "_title_end",
        "inside",
        "sent_starts",
    )

    def __init__(self, places: list[Place], sents: list[Sentence], title_end: int, full: str) -> None:
        self._sents, self._title_end, self._full = sents, title_end, full
        self.sent_starts: list[int] = []
        self.inside: tuple = (None, 0, 0, [])  # (sentence, lo, hi, places that may govern it)
        # for inherited(): every place, whether it may be inherited (None: not yet tested)
        self._all = places
        self._all_starts: list[int] | None = None
        self._ok: list[bool | None] = [None] * len(places)
        self._quoted: Any = False  # False: not looked at yet; None: no quote mark in the article
        self._flight: bool | None = None

    def _inheritable(self, i: int) -> bool:
        """Place ``i`` may be inherited: in the body, not quoted, not a destination of flight."""
        ok = self._ok[i]
        if ok is None:
            full, start = self._full, self._all[i].start
            ok = start >= self._title_end
            if ok:
                if self._quoted is False:
                    quotes = _Quotes(full)
                    self._quoted = quotes.quoted if quotes.dq or quotes.lg else None
                ok = self._quoted is None or not self._quoted(start)
            if ok and _destination(full, max(0, start - 160), start):
                if self._flight is None:
                    self._flight = _FLIGHT.search(full) is not None
                ok = not self._flight
            self._ok[i] = ok
        return ok

    def inherited(self, before: int) -> Place | None:
        """The place a sentence starting at ``before`` inherits (the most specific of the
        nearest preceding sentence naming one), or None when no place before it may be
        inherited. Found by walking back from ``before``, testing only the places walked over
        (once each) instead of filtering every place of the article first."""
        starts = self._all_starts
        if starts is None:
            starts = self._all_starts = [p.start for p in self._all]
            self.sent_starts = [s.start for s in self._sents]
        i = bisect_right(starts, before - 1) - 1
        while i >= 0 and not self._inheritable(i):
            i -= 1
        if i < 0:
            return None
        last = self._all[i]
        last_sent_start = self.sent_starts[bisect_right(self.sent_starts, last.start) - 1]
        first = bisect_left(starts, last_sent_start)
        same = [self._all[j] for j in range(first, i + 1) if self._inheritable(j)]
        return max(same, key=lambda p: p.rank)


def _choose_place(
    h: Hit,
    sent: Sentence,
    ctx: _Context,
    places: list[Place],
    starts: list[int],
    title_end: int,
    full: str,
) -> Place | None:
    """Nearest governing place: in the clause, then the sentence, then the context before."""
    if not places:
        return None
    lo = bisect_right(starts, sent.start - 1)
    hi = bisect_right(starts, sent.end)
    if hi - lo > 24:  # a very long sentence: only places near the trigger can govern it
        lo = max(lo, bisect_right(starts, h.anchor - _NEAR - 1))
        hi = min(hi, bisect_right(starts, h.anchor + _NEAR))
    # the candidates do not depend on the hit: several hits of one sentence share them
    memo = ctx.inside
    if memo[0] is sent and memo[1] == lo and memo[2] == hi:
        inside = memo[3]
    else:
        # Two tests per sentence instead of per place: every window read below lies inside
        # the sentence, so a word the whole sentence lacks is in none of them.
        a, b = sent.start, sent.end
        seen = _sentence_words(full, a, b)
        casualty = seen & _CASUALTY_BIT  # a casualty word (_overlaps_hit)
        words = seen & (_ORIGIN_BIT | _FLIGHT_BIT) != 0
        directions = seen & _DIRECTION_BIT != 0  # a distance (_REFERENCE) needs one
        inside = [
            p
            for p in places[lo:hi]
            if p.end <= b
            and not (casualty and _overlaps_hit(p, sent))
            and not _hometown(sent, full, p, words, directions)
        ]
        ctx.inside = (sent, lo, hi, inside)
    if inside:
        if len(inside) == 1:  # the minimum of one is itself, and one place spans one governorate
            return inside[0]
        clause = _clause_of(sent, h.anchor)

        def cost(p: Place) -> float:
            pc = _place_clause(sent, p)
            after = p.start >= h.anchor
            dist = (p.start - h.anchor) if after else (h.anchor - p.end) * 2 + 40
            penalty = 0 if pc == clause else (300 if pc > clause else 150) * abs(pc - clause)
            return penalty + dist - p.rank * 3 + (1000 if _dateline(full, p) else 0)

        best = min(inside, key=cost)
        return None if _spans_governorates(best, inside, full) else best
    # context: the last place named before this sentence (not in the title), else the title's
    inherited = ctx.inherited(sent.start)
    if inherited is not None:
        return inherited
    title_places = [p for p in places if p.start < title_end]
    if title_places:
        return max(title_places, key=lambda p: p.rank)
    return places[0] if places[0].start < sent.start else None


def _key(place: Place | None) -> tuple[str | None, str | None]:
    """District-level identity of a place: neighbourhood and city of one event compare equal."""
    if place is None:
        return (None, None)
    return (place.region.get("admin1"), place.region.get("admin2"))


def _admin1(place: Place | None) -> str | None:
    return place.region.get("admin1") if place is not None else None


_REST: Final = re.compile(
    r"\b(?:the|all the) (?:rest|others|remaining \w+)\b (?:are|were|have been|had been) (?:wounded|injured)|"
    r"(?:والباقي|والبقيه|والبقيه|وباقي|والاخرون) (?:\w+ )?(?:جرحي|مصابون|اصيبوا|جرحوا|مصابين)"
)


# Every match of _REST holds one of these words, every match of _SAME_ATTACK one of those:
# a window with none of them is not searched.
_REST_WORDS: Final = ("rest", "others", "remaining", "والباقي", "والبقيه", "وباقي", "والاخرون")
_SAME_WORDS: Final = ("same", "نفس", "ذات")


def _has_rest(full: str, a: int, b: int) -> bool:
    window = full[a:b]
    return any(map(window.__contains__, _REST_WORDS)) and _REST.search(full, a, b) is not None  # loop in C


def _has_same_attack(full: str, a: int, b: int) -> bool:
    window = full[a:b]
    return any(map(window.__contains__, _SAME_WORDS)) and _SAME_ATTACK.search(full, a, b) is not None


def _remainder(found: list, full: str) -> list:
    """ "25 killed and wounded" then "one was killed and the rest are wounded": the injured
    figure is the combined total minus the killed (ANNOTATION 3b: a combined figure is split
    once the text splits it)."""
    out = list(found)
    rest: dict[int, bool] = {}  # one scan per sentence
    for idx, (h, s, place, date) in enumerate(found):
        if h.kind != "killed" or h.count is None:
            continue
        if s.index not in rest:
            rest[s.index] = _has_rest(full, s.start, s.end)
        if not rest[s.index]:
            continue
        pair = [
            k
            for k, x in enumerate(out)
            if x[0].rule.endswith("combined.v1") and x[1].index < s.index and x[0].count_max
        ]
        if len(pair) < 2 or out[pair[-1]][0].count_max <= h.count:
            continue
        total = out[pair[-1]][0].count_max
        n = total - h.count
        bounded = out[pair[-1]][0].count_max is not None and h.count_max is not None
        inj = Hit("injured", n, n, n if bounded else None, h.start, h.end, h.anchor, "injured.remainder.v1")
        inj.victim, inj.scope, inj.sentence = h.victim, h.scope, h.sentence
        inj.rule = ("ar" if _ARABIC_LETTER.search(full, s.start, s.end) else "en") + ".injured.remainder.v1"
        drop = {pair[-1], pair[-2]}
        out = [x for k, x in enumerate(out) if k not in drop]
        out.insert(out.index(found[idx]) + 1, (inj, s, place, date))
    return out


# an unconfirmed report of a figure ("وأنباء عن 5 قتلى آخرين", "unconfirmed reports of 3 dead")
# is not yet a casualty statement (ANNOTATION: conservative counts)
_HEDGED: Final = re.compile(
    r"(?:انباء|معلومات غير مؤكده|انباء غير مؤكده) (?:عن|بـ?) ?\S*$|unconfirmed reports? of \S*$"
)
# every match of _HEDGED holds one of these words
_HEDGE_WORDS: Final = ("انباء", "معلومات", "unconfirmed")


def _hedged(full: str, lo: int, hi: int) -> bool:
    """``_HEDGED`` matches within ``full[lo:hi]`` (a substring pre-check first: the regex tries
    every offset of the window, and nearly no window holds one of its words)."""
    window = full[lo:hi]
    return any(map(window.__contains__, _HEDGE_WORDS)) and _HEDGED.search(full, lo, hi) is not None


_SAME_ATTACK: Final = re.compile(
    r"\b(?:other|more|another|additional)\b.{0,40}\b(?:in|by|during) the same "
    r"(?:attack|strike|raid|bombardment|shelling|explosion|blast|incident|massacre)|"
    r"(?:اخرين|اخرون|اخري|اضافيين|اخر)\b.{0,40}(?:في|ب|جراء) ?(?:الهجوم|القصف|الغاره|التفجير|الانفجار|"
    r"الاستهداف|المجزره|الحادثه) (?:نفسه|ذاته|نفسها|ذاتها)"
)


def _same_attack(found: list, full: str) -> list:
    """ "N other civilians died in the same attack": the figure adds to the attack's earlier
    same-kind count (one event, one mention: ANNOTATION 1)."""
    out: list = []
    for item in found:
        h, s, _place, _date = item
        prev = None
        if (
            h.count is not None
            and h.scope == "incident"
            and _has_same_attack(full, h.start, min(s.end, h.end + 160))
        ):
            prev = next(
                (
                    k
                    for k in range(len(out) - 1, -1, -1)
                    if out[k][0].kind == h.kind and out[k][1].index < s.index
                ),
                None,
            )
        if prev is None or out[prev][0].count is None:
            out.append(item)
            continue
        p = out[prev][0]
        p.count += h.count
        p.count_max = None if p.count_max is None or h.count_max is None else p.count_max + h.count
    return out


def _headlines(full: str, sents: list[Sentence], title_end: int) -> set[int]:
    """Indices of the headline's sentences and of body sentences that repeat them word for word."""
    if title_end <= 0:
        return set()  # no headline (no sentence starts before offset 0)
    heads = {full[s.start : s.end] for s in sents if s.start < title_end}
    return {s.index for s in sents if s.start < title_end or (heads and full[s.start : s.end] in heads)}


_GENERIC_NOUNS: Final = frozenset({"شخص", "person"})


def _same_noun(a: str, b: str) -> bool:
    """One victim told of twice: same head noun, or a generic one ("شخص") for a specific one."""
    return a == b or a in _GENERIC_NOUNS or b in _GENERIC_NOUNS


def _seat(p: Place) -> bool:
    """A governorate's seat city ("في درعا"): the lead names it for events around it."""
    a2, a3 = p.region.get("admin2") or "", p.region.get("admin3") or ""
    return a2.endswith("00") and a3.endswith("0000")


def _same_place(a: Place | None, b: Place | None, loose: bool) -> bool:
    """Two places that may name one event: same governorate and district, a side with no
    place at all (a headline's figure), or, when ``loose``, the same governorate alone."""
    if a is None or b is None or _admin1(a) is None or _admin1(b) is None:
        return True
    if _admin1(a) != _admin1(b):
        return False
    if a.rank >= 4 and b.rank >= 4 and a.key != b.key and not (loose and (_seat(a) or _seat(b))):
        return False  # two named villages of one district are two events
    if loose:
        return True
    a2, b2 = a.region.get("admin2"), b.region.get("admin2")
    return a2 is None or b2 is None or a2 == b2


def _one_per_event(
    found: list[tuple[Hit, Sentence, Place | None, str | None]],
    title_end: int = 0,
    headlines: set[int] | None = None,
) -> list:
    """Drop repeats, vague restatements of counted events, and totals followed by their parts."""
    if not found:
        return []
    if headlines is None:
        headlines = {s.index for _h, s, _p, _d in found if s.start < title_end}
    body = [s.index for _h, s, _p, _d in found if s.index not in headlines]
    lead = min(body) if body else -1

    def headline(s: Sentence) -> bool:
        return s.index in headlines

    def summary(s: Sentence) -> bool:  # the headline and the lead restate the article's events
        return s.index in headlines or s.index == lead

    out: list = []
    # earlier statements by (kind, count, scope), in order: a repeat must agree on all three,
    # so only those are compared (the first that matches wins, as in a scan of ``out``)
    same: dict[tuple, list[int]] = {}
    for item in found:
        h, s, place, _d = item
        noun = h.noun if h.count == 1 else ""
        dup = False
        key = (h.kind, h.count, h.scope)
        for k in same.get(key, ()):
            oh, os_, op, _od = out[k]
            if (
                oh.sentence != h.sentence
                and _same_noun(oh.noun if oh.count == 1 else "", noun)
                and (oh.cue == h.cue or not oh.cue or not h.cue)
                and _same_place(op, place, summary(os_) or summary(s))
            ):
                dup = True
                if (_admin1(op) is None and _admin1(place) is not None) or (
                    headline(os_) and not headline(s)
                ):
                    out[k] = item  # the body's statement, with its place, stands for the headline's
                break
        if not dup:
            same.setdefault(key, []).append(len(out))
            out.append(item)
    # a vague figure ("قتلى وجرحى") where the article counts the same kind in the same
    # governorate is a restatement (headline, lead) of the counted event
    # (any scope: a headline's "800 killed or wounded" sums the statistics the body counts)
    # (same day: a vague figure of another day's event, or of the same sentence, is its own)
    counted: dict[tuple, set] = {}
    for h, s, p, _d in out:
        if h.count is not None:
            for sc in (h.scope, "any"):
                counted.setdefault((h.kind, _admin1(p), sc), set()).add((s.index, h.day))

    def restated(h: Hit, s: Sentence, p: Place | None, d: str | None) -> bool:
        got = counted.get((h.kind, _admin1(p), "any" if h.scope == "incident" else h.scope), ())
        return any(si != s.index and (cd == h.day or headline(s)) for si, cd in got)

    out = [it for it in out if it[0].count is not None or not restated(*it)]
    # a headline figure the body does not repeat, where the body counts the same kind in the
    # same governorate, is the editor's sum of the body's figures (often of unconfirmed ones)
    body_counted = {(h.kind, _admin1(p)) for h, s, p, _d in out if not headline(s) and h.count is not None}
    out = [
        it
        for it in out
        if not (
            headline(it[1])
            and it[0].count is not None
            and it[0].scope == "incident"
            and (it[0].kind, _admin1(it[2])) in body_counted
        )
    ]
    drop: set[int] = set()
    for idx, (h, s, p, _d) in enumerate(out):
        # "at least two" in the lead may sum two one-victim attacks told below
        low = 2 if summary(s) and h.count_max is None else 3
        if h.count is None or h.count < low or h.scope != "incident":
            continue
        parts = (  # lazily: the scan below mostly stops at the first part or two
            x
            for x in out[idx + 1 :]
            if x[0].kind == h.kind and x[0].scope == "incident" and x[1].index > s.index
        )
        total = 0
        for k, (part, _ps, pp, _pd) in enumerate(parts):
            # parts of a total lie inside its governorate (a total with no place may span several)
            if part.count is None or (_admin1(p) is not None and _admin1(pp) not in (None, _admin1(p))):
                break
            total += part.count
            if total == h.count and k >= 1:
                drop.add(idx)
                break
            if total > h.count:
                break
    return [it for idx, it in enumerate(out) if idx not in drop]


def _record(
    aid: str, lang: str, nt: Normalized, h: Hit, sent: Sentence, place: Place | None, date: str | None
) -> dict[str, Any]:
    if len(nt._norm_at) == 1 and sent.start < sent.end and h.start < h.end:
        # nothing was deleted in normalising (most English text): offsets are the same
        a, b, ha, hb = sent.start, sent.end, h.start, h.end
    else:
        a, b = nt.span_to_original(sent.start, sent.end)
        ha, hb = nt.span_to_original(h.start, h.end)
    evidence = nt.original[a:b][:4000]
    digest = hashlib.sha1(f"{a}:{b}:{ha}:{hb}:{h.count}:{evidence}".encode()).hexdigest()[:10]
    group = None
    if h.group_span:
        group = nt.original_slice(*h.group_span).strip(" \"'«»")[:256] or None
    region = dict(place.region) if place is not None else dict(EMPTY_REGION)
    return {
        "schema_version": 1,
        "article_id": aid,
        "mention_id": f"{aid}:{h.kind}:{digest}",
        "kind": h.kind,
        "count": h.count,
        "count_min": h.count_min,
        "count_max": h.count_max,
        "region": region,
        "event_date": date,
        "victim": h.victim,
        "group": group,
        "scope": h.scope,
        "evidence": {"text": evidence, "start": a, "end": a + len(evidence)},
        "language": lang,
        "rule": h.rule,
    }
