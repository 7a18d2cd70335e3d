"""The fast paths of matching and resolution give the same answers as the plain ones.

Memo tables, the no-overlap shortcut of the overlap choice, the identity
offset map and the optional ``spans`` argument must never change a result.
"""

from __future__ import annotations

import pytest

from streams.places import Gazetteer, default_gazetteer
from streams.text.normalize import normalize

ARTICLE_AR = (
    "قُتل ثلاثة مدنيين بقصف مدفعي على بلدة كفرنبودة بريف حماة الشمالي. "
    "وقال ناشطون إن طائرات حربية استهدفت أطراف مدينة سراقب في ريف إدلب الشرقي. "
    "وفي ريف دمشق، أصيب طفل برصاص قناص في مدينة دوما. "
    "وشهدت محافظة درعا توتراً أمنياً، إذ قُتل عنصر في جاسم."
)
ARTICLE_EN = (
    "Three civilians were killed in shelling on the town of Kafr Nabudah in rural Hama. "
    "Warplanes struck the outskirts of Saraqib in Idlib province on Monday. "
    "A child was wounded by a sniper in Douma, in the Damascus countryside."
)


@pytest.fixture(scope="module")
def gaz():
    return default_gazetteer()


def _key(ms):
    return [(m.start, m.end, m.orig_start, m.orig_end, m.surface, m.region, m.kind, m.score) for m in ms]


@pytest.mark.parametrize(("text", "lang"), [(ARTICLE_AR, "ar"), (ARTICLE_EN, "en")])
def test_spans_give_the_overlapping_subset(gaz, text, lang):
    nt = normalize(text)
    full = gaz.find_places(nt, lang)
    assert len(full) >= 4
    cut = nt.text.index(".") + 1  # the first sentence only
    part = gaz.find_places(nt, lang, spans=[(0, cut)])
    assert part, "the first sentence names places"
    assert _key(part) == _key([m for m in full if m.start < cut])
    assert gaz.find_places(nt, lang, spans=[]) == []


@pytest.mark.parametrize(("text", "lang"), [(ARTICLE_AR, "ar"), (ARTICLE_EN, "en")])
def test_memo_tables_do_not_leak_between_articles(text, lang):
    fresh = Gazetteer.load()
    first = _key(fresh.find_places(normalize(text), lang))
    # warm the memo with other contexts of the same names, then ask again
    fresh.find_places(normalize("قرية كفرنبودة ومدينة سراقب وحي جاسم وناحية دوما"), "ar")
    fresh.find_places(normalize("Saraqib, Douma and Jasim villages"), "en")
    assert _key(fresh.find_places(normalize(text), lang)) == first
    assert first == _key(default_gazetteer().find_places(normalize(text), lang))


def test_offsets_with_and_without_deleted_characters(gaz):
    plain = "قصف على مدينة سراقب"
    marked = "قُصِفَ على مدينةِ سراقبَ"  # diacritics are deleted by the normaliser
    for text in (plain, marked):
        (m,) = [m for m in gaz.find_places(normalize(text)) if m.region.pcode]
        assert text[m.orig_start : m.orig_end].replace("\u064e", "") == "سراقب"


def test_overlapping_names_longest_wins(gaz):
    # ريف دمشق (the governorate) and دمشق overlap; the longer one is taken
    ms = gaz.find_places(normalize("قصف في ريف دمشق ثم في دمشق نفسها"))
    assert [m.region.admin1 for m in ms] == ["SY03", "SY01"]
    assert [m.surface for m in ms] == ["ريف دمشق", "دمشق"]


@pytest.mark.parametrize(("text", "lang"), [(ARTICLE_AR, "ar"), (ARTICLE_EN, "en")])
def test_find_regions_is_find_places_without_the_mention_objects(gaz, text, lang):
    nt = normalize(text)
    full = gaz.find_places(nt, lang)
    assert len(full) >= 4
    assert gaz.find_regions(nt, lang) == [(m.start, m.end, m.region) for m in full]
    # with context from elsewhere in the article, too
    ctx = gaz.find_places(normalize("قصف على ريف حماة"), "ar")
    assert gaz.find_regions(nt, lang, context=ctx) == [
        (m.start, m.end, m.region) for m in gaz.find_places(nt, lang, context=ctx)
    ]


def test_raw_hits_are_built_with_every_field_by_position():
    from streams.places.gazetteer import _NO_WEAK
    from streams.places.resolve import Hit

    positional = Hit(3, 9, 1, [], (), False, -1, -1, None, _NO_WEAK, False, [], 7)
    assert positional == Hit(3, 9, 1, [], key=7)


def _plain_automaton(gaz):
    """The gazetteer's keys added in their own order, with no extra key: what the ordered
    automaton replaces."""
    import ahocorasick

    from streams.places.gazetteer import _SPACE_KEY

    plain = ahocorasick.Automaton()
    for key, ki in sorted(gaz._auto.items(), key=lambda kv: kv[1]):
        if key != _SPACE_KEY:
            plain.add_word(key, ki)
    plain.make_automaton()
    return plain


def test_ordered_automaton_reports_the_same_matches_in_the_same_order(gaz):
    import random

    from streams.places.gazetteer import _SPACE_KEY

    plain = _plain_automaton(gaz)
    assert len(plain) == len(gaz._auto) - 1
    sentinel = gaz._auto.get(_SPACE_KEY)
    texts = [normalize(t).text for t in (ARTICLE_AR, ARTICLE_EN)]
    # random text over the keys' own letters, spaces and marks: dense partial matches
    keys = list(gaz._auto.keys())
    letters = sorted({c for key in keys for c in key} | set(" .,،\n0123456789\x00"))
    rnd = random.Random(5)
    texts += ["".join(rnd.choice(letters) for _ in range(3000)) for _ in range(5)]
    # and key-dense text: real keys glued, spaced and cut
    for _ in range(5):
        parts = [rnd.choice(keys)[rnd.randrange(2) :] for _ in range(300)]
        texts.append("".join(p + rnd.choice(["", " ", "و", ". ", " \x00"]) for p in parts))
    for text in texts:
        got = [m for m in gaz._auto.iter(text) if m[1] != sentinel]
        assert got == list(plain.iter(text))
    assert any(m[1] == sentinel for m in gaz._auto.iter(texts[-1]))  # the extra key did match


def test_the_extra_key_gives_no_hit(gaz):
    nt = normalize("قصف على مدينة سراقب \x00 وفي Saraqib \x00")
    assert " \x00" in nt.text
    hits = gaz._raw_hits(nt)
    assert [nt.text[h.start : h.end] for h in hits] == ["سراقب", "saraqib"]
