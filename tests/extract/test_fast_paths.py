"""The speed-ups of extraction give what the plain computations give.

Each fast path (one scan per article instead of one per sentence, substring
pre-checks before a regex, offsets kept per article) is compared with the
computation it replaces, on sentences written for these tests.
"""

import random
import re
from bisect import bisect_left, bisect_right

from streams.extract import article as art
from streams.extract import dates
from streams.extract import segment as seg
from streams.extract.article import _cumulative_re
from streams.extract.segment import Token, _tokenize_scan, sentences, tokenize
from streams.text.normalize import normalize_text
from tests.extract.conftest import run

AR = [
    "قتل ثلاثة مدنيين بقصف على مدينة سراقب أمس",
    "وأصيب طفل برصاص قناص في حي بمدينة درعا",
    "لقي عنصر مصرعه وتوفي آخر متأثراً بجراحه",
    "وثق المرصد مقتل 90 شخصاً منذ مطلع العام خلال الأشهر الماضية",
    "نزح الأهالي نحو قرى الريف الجنوبي هرباً من القصف",
    "وقال المرصد في بيان اليوم الخميس إن الحصيلة ارتفعت",
    "قتل 5 أشخاص وأصيب آخرون في الهجوم نفسه والباقي جرحى",
    "ينحدر أحدهما من مدينة جسر الشغور (40 كم شمال حماة)",
    'وقال "إن الغارة على «منبج» أسفرت عن ضحايا"',
    "تشهد المنطقة توتراً منذ أسابيع وسط انتشار الحواجز",
]
EN = [
    "at least 3 civilians were killed and 12 others wounded in shelling on saraqib on monday.",
    "a car bomb killed 4 people; the rest were injured, a war monitor said yesterday.",
    "two more died in the same attack. the death toll rose to 9.",
    "residents fled to the countryside, escaped towards idlib and were displaced into camps.",
    "he studied in daraa, a native of homs, and undied? diexecution bodies succumbed",
    "since the start of the year, monitors documented 120 bombings in the province.",
    "in the past three months, 40 people lost their lives during the whole war.",
]
FILLER = ["و", "في", "من", ".", "،", ",", "\n", " ", "3.5", "12", '"', "«", "»", "the", "of", "-", "_"]


def _texts(seed: int, n: int = 200) -> list[str]:
    """Articles shuffled from the sentences above, their words and some punctuation."""
    rnd = random.Random(seed)
    words = [w for s in AR + EN for w in s.split()] + FILLER
    out = []
    for _ in range(n):
        parts = [rnd.choice(AR + EN) if rnd.random() < 0.3 else rnd.choice(words) for _ in range(rnd.randint(1, 40))]
        out.append(normalize_text(rnd.choice([" ", "\n", ". ", "، "]).join(parts)))
    return out


def test_stem_scan_marks_exactly_the_sentences_the_prefilter_matches():
    for lang in ("ar", "en"):
        for text in _texts(1):
            starts = art._stem_starts(text, lang)
            for s in sentences(text):
                fast = any(s.start <= q < s.end for q in starts)
                assert fast == (art._MAY_HAVE[lang].search(text, s.start, s.end) is not None), text[s.start : s.end]


def test_word_boundary_stem_keeps_its_boundary():
    assert art._stem_starts("studied", "en") == [3]  # "died", not "\\bdie"
    assert art._stem_starts("undie", "en") == []
    assert art._stem_starts("die hard", "en") == [0]


def _reference_sentences(text: str) -> list[tuple[int, int, int]]:
    """The splitting rule written plainly (ends: runs of . ! ? ؟ ؛ or of line breaks)."""
    out, pos, n = [], 0, len(text)
    for m in re.finditer(r"[.!?؟؛]+|\n+", text):
        a, e = m.span()
        if a > 0 and e < n and text[a - 1].isdigit() and text[e].isdigit() and text[a] != "\n":
            continue
        core = text[pos:e].strip()
        if core:
            a = pos + text[pos:e].index(core[0])
            out.append((a, a + len(core), len(out)))
        pos = e
    core = text[pos:].strip()
    if core:
        a = pos + text[pos:].index(core[0])
        out.append((a, a + len(core), len(out)))
    return out


def test_sentences_split_as_the_plain_rule():
    odd_space = "\u00a0a\u2003b.\x1c c\x85.\u3000 \u200b d \t.\x0b"  # str.isspace, and not
    for text in [*_texts(2), "", " ", "3.5 a.. b?!\n\n c 1.200 . .6 7.\n 8.\n9", "a.b\n\n", odd_space]:
        ref = _reference_sentences(text)
        assert [(s.start, s.end, s.index) for s in sentences(text)] == ref
        assert [(s.start, s.end, s.index) for s in seg._sentences_find(text)] == ref


def test_tokens_match_a_plain_tokenizer():
    for text in [*_texts(3), "a_b 3.5.6 12,000, x; y: z؛ w، v", "½ ²x é́ __ ٣,٤ 3.,5 .5 a\u0301b"]:
        ref, clause = [], 0
        for m in re.finditer(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[^\w\s]", text):
            clause += m.group() in "،,;:؛" and len(m.group()) == 1
            ref.append(Token(m.group(), m.start(), m.end(), clause))
        for got in (tokenize(text, 0, len(text)), _tokenize_scan(text, 0, len(text))):
            assert got == ref
            assert all(type(t) is Token and type(t.clause) is int for t in got)


def test_token_scan_matches_the_regex_split_on_random_text():
    """The character loop (used compiled) gives the regex split's tokens (used pure)."""
    rnd = random.Random(17)
    alphabet = [chr(c) for c in range(0, 0x3100, 7)] + list("..,,،;:33٣ _ab") + ["ب", "\U0001d7d8", "\U00010400"]
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24)))
        start = rnd.randint(0, len(text))
        end = rnd.randint(start, len(text))
        assert _tokenize_scan(text, start, end) == seg._tokenize_split(text, start, end), repr(text)


def test_quote_offsets_agree_with_counting():
    for text in _texts(4):
        quotes = art._Quotes(text)
        for i in range(0, len(text), 7):
            p = art.Place(i, i + 1, {})
            assert quotes.quoted(i) == art._quoted(text, p)


def test_destination_near_cores_agrees_with_the_regex():
    for text in _texts(5):
        cores = art._occurrences(text, art._FLIGHT_CORES)
        for hi in range(0, len(text) + 1, 5):
            lo = max(0, hi - 160)
            assert art._destination_near(text, lo, hi, cores) == (art._DESTINATION.search(text, lo, hi) is not None)
            assert art._destination(text, lo, hi) == (art._DESTINATION.search(text, lo, hi) is not None)


def test_pre_checks_are_necessary_conditions():
    """Wherever a guarded regex matches, its pre-check passes (so skipping is safe)."""
    day_res = [
        dates._AR_BEFORE_YESTERDAY,
        dates._AR_YESTERDAY,
        dates._AR_TODAY,
        dates._AR_DAY,
        dates._AR_REPORT_DAY,
        dates._EN_YESTERDAY,
        dates._EN_DAY,
        dates._EN_REPORT_DAY,
    ]
    for text in _texts(6, 300):
        for s in sentences(text):
            st = text[s.start : s.end]
            if any(rx.search(st) for rx in day_res):
                assert not (dates._names_no_day(st, "ar") and dates._names_no_day(st, "en"))
            if art._INCIDENT_DAY.search(st):
                assert art._may_name_incident_day(st)
            for lang in ("ar", "en"):
                assert art._cumulative(st, lang, _cumulative_re(lang)) == (_cumulative_re(lang).search(st) is not None)
            assert art._has_rest(text, s.start, s.end) == (art._REST.search(text, s.start, s.end) is not None)
            assert art._has_same_attack(text, s.start, s.end) == (
                art._SAME_ATTACK.search(text, s.start, s.end) is not None
            )
            assert (art._FLIGHT.search(st) is not None) == (
                re.search(art._FLIGHT_WORDS, st) is not None
            )


def test_day_functions_without_a_day_word_give_the_defaults():
    pub = dates.publication_date("2024-05-15")
    for st in ("قتل شاب بقصف على البلدة", "a shell killed two people in the town"):
        lang = "ar" if st[0] > "z" else "en"
        assert dates.day_key(st, lang) == ""
        assert dates.event_date(st, pub, lang) == "2024-05-15"
        assert dates.mask_report_days(st, lang) == st


def test_an_incident_day_between_a_statistic_and_its_back_reference_ends_the_statistic():
    statistic = "Since the start of the year, monitors have documented more than 120 bombings in the province.\n"
    these = "These bombings claimed the lives of 96 people."
    assert all(m["scope"] == "cumulative" for m in run(statistic + these, lang="en"))
    ms = run(statistic + "On Monday a market was shelled in the town.\n" + these, lang="en")
    assert ms and all(m["scope"] == "incident" for m in ms)


def _hometown_plain(sent, full: str, p) -> bool:
    """The hometown test as first written: each regex on its own window."""
    window = full[max(sent.start, p.start - 40) : p.start]
    if art._ORIGIN.search(window) is not None or art._REFERENCE.search(window) is not None:
        return True
    lo = max(sent.start, p.start - 140)
    if art._ORIGIN.search(full, lo, p.start) is not None and art._ORIGIN_CHAIN.search(full, lo, p.start):
        return True
    lo = max(sent.start, p.start - 160)
    if art._FLIGHT.search(full, lo, p.start) is None:
        return False
    return art._DESTINATION.search(full, lo, p.start) is not None


def test_hometown_agrees_with_the_plain_test():
    for text in _texts(7):
        for s in sentences(text):
            # what _choose_place tests once per sentence
            words = art._ORIGIN_ANY.search(text, s.start, s.end) or art._FLIGHT.search(text, s.start, s.end)
            casualty = art._CASUALTY_ANY(text, s.start, s.end) is not None
            directions = art._DIRECTION_ANY(text, s.start, s.end) is not None
            for i in range(s.start, s.end, 3):
                for j in (i + 1, i + 4, i + 9):
                    p = art.Place(i, min(j, s.end), {})
                    plain = _hometown_plain(s, text, p)
                    assert art._hometown(s, text, p) == plain
                    assert art._hometown(s, text, p, words is not None) == plain
                    assert art._hometown(s, text, p, words is not None, directions) == plain
                    assert casualty or not art._overlaps_hit(p, s)


def test_places_built_field_by_field_are_places():
    from streams.extract.places import Place, _place

    region = {"admin1": "SY07"}
    p = _place(3, 9, region)
    assert type(p) is Place and p == Place(3, 9, region) and p.region is region
    assert (p.start, p.end, p.rank) == (3, 9, Place(3, 9, region).rank)


def test_sentences_split_as_the_plain_rule_on_random_text():
    rnd = random.Random(13)
    alphabet = ["a", "ب", "3", "٣", "²", ".", "!", "؟", "؛", "\n", " ", "\u00a0", "\t", "\u2003", "\x1c", "\x85", "،"]
    for _ in range(2000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        ref = _reference_sentences(text)
        assert [(s.start, s.end, s.index) for s in sentences(text)] == ref, repr(text)
        assert [(s.start, s.end, s.index) for s in seg._sentences_find(text)] == ref, repr(text)


def _inheritable_plain(text: str, places: list, title_end: int) -> list:
    """The places a sentence may inherit, filtered as first written (every place, in order)."""
    flight = art._FLIGHT.search(text) is not None
    return [
        p
        for p in places
        if p.start >= title_end
        and not art._quoted(text, p)
        and not (flight and art._DESTINATION.search(text, max(0, p.start - 160), p.start) is not None)
    ]


def test_inherited_place_agrees_with_the_plain_filter():
    """_Context.inherited walks back lazily; the plain rule filters every place first."""
    rnd = random.Random(14)
    extra = ["فر الى", "نزح الاهالي نحو", 'قال "', "«", "»", "fled to", ".", "\n", "x", "قريه", "الكهرباء"]
    texts = _texts(9) + [" ".join(rnd.choice(extra) for _ in range(40)) for _ in range(150)]
    for text in texts:
        sents = sentences(text)
        step = rnd.choice([3, 4, 9])
        places = [  # names lie inside sentences
            art.Place(i, i + 1, {"precision": rnd.choice(["exact", "district", "governorate"])})
            for s in sents
            for i in range(s.start, s.end, step)
        ]
        title_end = rnd.choice([0, 0, len(text) // 4])
        kept = _inheritable_plain(text, places, title_end)
        starts = [p.start for p in kept]
        sent_starts = [s.start for s in sents]
        lazy = art._Context(places, sents, title_end, text)
        for s in sents:
            k = bisect_right(starts, s.start - 1)
            want = None
            if k:
                last = kept[k - 1]
                last_sent_start = sent_starts[bisect_right(sent_starts, last.start) - 1]
                same = kept[bisect_left(starts, last_sent_start) : k]
                want = max(same, key=lambda p: p.rank)
            assert lazy.inherited(s.start) is want


def _mask_plain(text: str, lang: str) -> str:
    """mask_report_days as first written: the regex on every sentence that names a day."""
    rx = dates._AR_REPORT_DAY if lang == "ar" else dates._EN_REPORT_DAY
    if dates._names_no_day(text, lang) or not rx.search(text):
        return text
    return rx.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + " " * (m.end(1) - m.start(1)), text)


def _day_key_plain(text: str, lang: str) -> str:
    """day_key (masked text) as first written: every day regex in turn, no word pre-check."""
    if dates._names_no_day(text, lang):
        return ""
    if lang == "ar":
        for rx, key in ((dates._AR_BEFORE_YESTERDAY, "-2"), (dates._AR_TODAY, "0"), (dates._AR_YESTERDAY, "-1")):
            if rx.search(text):
                return key
        day = dates._AR_DAY.search(text)
        if day:
            return f"wd{dates._AR_DAYS[day.group(1)]}"
        return "-1" if dates._AR_YESTERDAY.search(text) else ""
    day = dates._EN_DAY.search(text)
    if day:
        return f"wd{dates._EN_DAYS[day.group(1)]}"
    return "-1" if dates._EN_YESTERDAY.search(text) else ""


def _event_date_plain(text: str, pub, lang: str) -> str:
    """event_date (masked text) as first written."""
    from datetime import timedelta

    if dates._names_no_day(text, lang):
        return pub.isoformat()
    before, day_rx, yesterday, days = (
        (dates._AR_BEFORE_YESTERDAY, dates._AR_DAY, dates._AR_YESTERDAY, dates._AR_DAYS)
        if lang == "ar"
        else (None, dates._EN_DAY, dates._EN_YESTERDAY, dates._EN_DAYS)
    )
    if before is not None and before.search(text):
        return (pub - timedelta(days=2)).isoformat()
    day = day_rx.search(text)
    if day:
        return dates._last(pub, days[day.group(1)]).isoformat()
    if yesterday.search(text):
        return (pub - timedelta(days=1)).isoformat()
    return pub.isoformat()


DAY_SENTENCES = [
    "وقال المرصد أمس الخميس إن 3 قتلوا اول امس في القصف",
    "وأفادت مصادر اليوم بمقتل شاب ليلة أمس، وذكرت أن آخر قتل يوم السبت",
    "قتل عنصران أول من أمس وأصيب آخر البارحة والليلة الماضية",
    "وأكدت الشبكة الاثنين مقتل طفل صباح اليوم الثلاثاء في الريف",
    "نشر المرصد يوم الأحد حصيلة الأربعاء والجمعة",
    "the observatory said on monday that 3 died last night, and told reporters yesterday",
    "monitors reported today that a shell killed two on sunday; officials confirmed last friday",
    "a holiday on thursday: two killed yesterday, the agency added saturday",
]


def test_day_functions_agree_with_the_plain_regexes():
    pub = dates.publication_date("2024-05-15")
    texts = [normalize_text(t) for t in DAY_SENTENCES] + [
        text[s.start : s.end] for text in _texts(15, 300) for s in sentences(text)
    ]
    named = 0
    for st in texts:
        for lang in ("ar", "en"):
            masked = dates.mask_report_days(st, lang)
            assert masked == _mask_plain(st, lang)
            assert dates.day_key(masked, lang, masked=True) == _day_key_plain(masked, lang)
            assert dates.event_date(masked, pub, lang, masked=True) == _event_date_plain(masked, pub, lang)
            named += dates.day_key(masked, lang, masked=True) != ""
    assert named > 50  # the comparison covered sentences that name a day


def test_report_verb_cores_cover_every_reporting_verb():
    for rx, cores in ((dates._AR_REPORT_DAY, dates._AR_REPORT_CORES), (dates._EN_REPORT_DAY, dates._EN_REPORT_CORES)):
        verbs = rx.pattern.split("(?:", 1)[1].split(")", 1)[0].split("|")
        assert len(verbs) >= 8
        assert all(any(c in v for c in cores) for v in verbs), verbs


def test_hedge_pre_check_agrees_with_the_regex():
    extra = ["وأنباء عن 5 قتلى", "انباء غير مؤكده بـ3", "معلومات غير مؤكدة عن", "unconfirmed reports of 3 dead", "of"]
    rnd = random.Random(16)
    texts = _texts(16) + [normalize_text(" ".join(rnd.choice(extra) for _ in range(12))) for _ in range(100)]
    hits = 0
    for text in texts:
        for hi in range(1, len(text) + 1, 2):
            lo = max(0, hi - 31)
            plain = art._HEDGED.search(text, lo, hi) is not None
            assert art._hedged(text, lo, hi) == plain
            hits += plain
    assert hits > 20


STATISTICS = [
    "وثق المرصد السوري مقتل 90 شخصا خلال الاشهر الماضيه",
    "قتل 40 منذ مطلع العام ومنذ 2011 وحصيله الشهر 5",
    "في الاونه الاخيره ومع مرور عامين على النزاع السوري",
    "قتلى الموسم وموسم الحصاد والسنوات الماضيه وانطلاقه الثوره",
    "وخلال الايام وخلال السنه قتل 3",
    "since the start of the war, 120 died; since the 15th, more",
    "in the past three months and during 2 weeks 40 were killed",
    "within a year, over the last years; in the period the whole war and the entire conflict",
    "the within-city fighting in 3 days",
]


def test_cumulative_tried_at_its_keys_agrees_with_the_search():
    sentences_ = [normalize_text(t) for t in STATISTICS]
    sentences_ += [text[s.start : s.end] for text in _texts(17, 300) for s in sentences(text)]
    found = 0
    for lang in ("ar", "en"):
        rx, keys = _cumulative_re(lang), art._cumulative_keys(lang)
        assert keys is not None and all(keys)
        for st in sentences_:
            plain = rx.search(st) is not None
            assert art._cumulative(st, lang, rx) == plain, st
            found += plain
            # what the fast path relies on: every match starts where a key occurs
            for m in rx.finditer(st):
                assert any(st.startswith(k, m.start()) for k in keys), (st, m.group())
    assert found > 15


def test_every_distance_holds_a_compass_word():
    """_choose_place skips the distance test in a sentence without a compass word."""
    distances = ["قرية الجابر (40 كم شمال حماة)", "25 km north of hama", "10 كيلومترات الي الجنوب الغربي من", "3 miles east"]
    rnd = random.Random(18)
    texts = [normalize_text(t) for t in distances] + _texts(18)
    texts += [normalize_text(" ".join(rnd.choice(distances + AR + EN) for _ in range(6))) for _ in range(100)]
    matched = 0
    for text in texts:
        for hi in range(len(text) + 1):
            for m in art._REFERENCE.finditer(text, max(0, hi - 40), hi):
                matched += 1
                assert art._DIRECTION_ANY(m.group()) is not None, m.group()
    assert matched > 50


def _headlines_plain(full: str, sents: list, title_end: int) -> set:
    heads = {full[s.start : s.end] for s in sents if s.start < title_end}
    return {s.index for s in sents if s.start < title_end or (heads and full[s.start : s.end] in heads)}


def test_headlines_without_a_title_agree_with_the_plain_rule():
    for text in _texts(19, 60):
        sents = sentences(text)
        for title_end in (0, -1, 1, len(text) // 3, len(text)):
            assert art._headlines(text, sents, title_end) == _headlines_plain(text, sents, title_end)


def test_sentence_words_agree_with_the_four_searches():
    """_choose_place reads four word tests of a sentence from one automaton scan."""
    rnd = random.Random(20)
    extra = ["بجروح", "حتف", "ينحدر", "من ابناء", "نزوح", "فر ", "hometown", "fled", "north", "غرب", "x"]
    texts = _texts(20) + [normalize_text(" ".join(rnd.choice(extra) for _ in range(8))) for _ in range(200)]
    seen_bits = 0
    for text in texts:
        for a in range(0, len(text), 5):
            for b in (a, a + 3, a + 17, a + 60, len(text)):
                got = art._sentence_words(text, a, b)
                seen_bits |= got
                assert bool(got & art._CASUALTY_BIT) == (art._CASUALTY_ANY(text, a, b) is not None)
                assert bool(got & art._ORIGIN_BIT) == (art._ORIGIN_ANY.search(text, a, b) is not None)
                assert bool(got & art._FLIGHT_BIT) == (art._FLIGHT.search(text, a, b) is not None)
                assert bool(got & art._DIRECTION_BIT) == (art._DIRECTION_ANY(text, a, b) is not None)
    assert seen_bits == 15  # every list was found somewhere


def test_day_search_from_the_first_weekday_finds_the_same_match():
    for rx, lead in ((dates._EN_DAY, dates._EN_DAY_LEAD), (dates._AR_DAY, dates._AR_DAY_LEAD)):
        # the lead is the longest optional text before the weekday in the pattern
        optional = re.search(r"\(\?:([^()]*)\)\?", rx.pattern).group(1).split("|")
        assert max(map(len, optional)) == lead
    texts = [normalize_text(t) for t in DAY_SENTENCES] + _texts(22, 300)
    texts += ["on last monday", "xon last monday", "last  monday sunday", "يوم الاحد", "فيوم الاحد والاثنين", "mondays on monday"]
    found = 0
    for text in texts:
        for rx, days, lead in (
            (dates._EN_DAY, dates._EN_WEEKDAYS, dates._EN_DAY_LEAD),
            (dates._AR_DAY, dates._AR_WEEKDAYS, dates._AR_DAY_LEAD),
        ):
            plain = rx.search(text)
            got = dates._day_search(rx, text, days, lead)
            assert (got and (got.span(), got.group(1))) == (plain and (plain.span(), plain.group(1))), text
            found += plain is not None
    assert found > 50
