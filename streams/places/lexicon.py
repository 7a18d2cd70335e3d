"""Context words around place names: glued prefixes, type nouns, countryside words.

All forms are in normalised text (ة→ه, ى→ي, أإآ→ا, lower-case ASCII).  They
are small closed lists of the language, not learnt from data.
"""

from __future__ import annotations

__all__ = [
    "AL_PREFIXES",
    "AR_PREV",
    "AR_TYPE_NOUNS",
    "BARE_PREFIXES",
    "COUNTRYSIDE_AR",
    "DESERT_AR",
    "DIRECTIONS_AR",
    "EN_AFTER_COUNTRYSIDE",
    "EN_AFTER_PROVINCE",
    "EN_AFTER_TYPE",
    "EN_BEFORE_COUNTRYSIDE",
    "EN_BEFORE_TYPE",
    "NOT_A_PLACE_AFTER",
    "PLURAL_TYPE_KINDS",
    "strip_glued",
]

# Letters glued in front of a word: conjunctions و ف, prepositions ب ل ك.
BARE_PREFIXES = frozenset({"", "و", "ف", "ب", "ل", "ك", "وب", "فب", "ول", "فل", "وك", "فك"})
# The same with the article: بالقامشلي, وبالباب; ل + ال is written لل.
AL_PREFIXES = frozenset(
    {p + "ال" for p in ("", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك")} | {"لل", "ولل", "فلل"}
)

# Plural type nouns ("قرى جبل الزاوية" = the villages of Jabal al-Zawiya, "قرى الحواش
# والعمقية" = the villages al-Hawash and al-Amqiya) name a region *or* list places:
# they unlock stop-listed names but do not restrict the kind.
PLURAL_TYPE_KINDS: tuple[str, ...] = ("community", "informal", "admin3", "admin2", "neighbourhood")

# Type noun before a name -> which unit kinds it points to.
AR_TYPE_NOUNS: dict[str, tuple[str, ...]] = {
    "محافظه": ("admin1", "foreign"),
    "محافظات": ("admin1",),
    "منطقه": ("admin2", "informal", "community", "admin3", "neighbourhood"),
    "مناطق": PLURAL_TYPE_KINDS,
    "ناحيه": ("admin3",),
    "مدينه": ("community", "admin2", "admin3", "foreign"),
    "مدينتي": ("community",),
    "بلده": ("community", "admin3"),
    "بلدات": PLURAL_TYPE_KINDS,
    "بلدتي": ("community",),
    "قريه": ("community",),
    "قري": PLURAL_TYPE_KINDS,
    "قريتي": ("community",),
    "مزرعه": ("community",),
    "مزارع": PLURAL_TYPE_KINDS,
    "حي": ("neighbourhood", "community"),
    "احياء": PLURAL_TYPE_KINDS,
    "حيي": ("neighbourhood",),
    "مخيم": ("community", "informal", "neighbourhood"),
    "جبل": ("informal", "community"),
    "سهل": ("informal",),
    "قضاء": ("admin2",),
    "مركز": ("community", "admin2", "admin3"),
}
# Countryside nouns: ريف X (and the dual ريفي X, plural ارياف X).
COUNTRYSIDE_AR = frozenset({"ريف", "ريفي", "ارياف"})
# "بادية X" (the desert of X) is used like ريف X.
DESERT_AR = frozenset({"باديه"})
DIRECTIONS_AR = frozenset(
    {
        "الشرقي",
        "الغربي",
        "الشمالي",
        "الجنوبي",
        "الشمالي الشرقي",
        "الشمالي الغربي",
        "الجنوبي الشرقي",
        "الجنوبي الغربي",
    }
)

# A name followed by one of these words is part of an organisation's name
# ("قوات سوريا الديمقراطية", Syrian Democratic Forces), not a place.
NOT_A_PLACE_AFTER = frozenset({"الديمقراطيه", "democratic"})

# English context words (text is lower-cased by the normaliser).
EN_BEFORE_TYPE = {
    "town": ("community",),
    "village": ("community",),
    "villages": ("community",),
    "city": ("community", "foreign"),
    "district": ("admin2", "admin3", "neighbourhood"),
    "camp": ("community", "informal"),
    "neighbourhood": ("neighbourhood",),
    "neighborhood": ("neighbourhood",),
    "province": ("admin1",),
    "governorate": ("admin1",),
    "subdistrict": ("admin3",),
}
EN_AFTER_TYPE = EN_BEFORE_TYPE
EN_AFTER_PROVINCE = frozenset({"province", "governorate", "provinces", "governorates"})
EN_AFTER_COUNTRYSIDE = frozenset({"countryside", "countrysides", "suburbs", "outskirts", "desert", "badia"})
EN_BEFORE_COUNTRYSIDE = frozenset({"rural", "countryside of", "outskirts of", "suburbs of", "desert of"})


def strip_glued(word: str, table: dict | frozenset) -> str | None:
    """``word`` without a glued prefix (و ف ب ل ك, with or without ال) if the rest is in ``table``."""
    if word in table:
        return word
    for k in (1, 2, 3, 4):
        head, rest = word[:k], word[k:]
        if rest in table and (head in BARE_PREFIXES or head in AL_PREFIXES):
            return rest
    return None


def _glued_table() -> dict[str, tuple[str, str]]:
    """Every glued form of the context nouns -> (category, bare noun), for O(1) lookup."""
    table: dict[str, tuple[str, str]] = {}
    heads = sorted(BARE_PREFIXES | AL_PREFIXES, key=len)
    for cat, words in (("type", AR_TYPE_NOUNS), ("countryside", COUNTRYSIDE_AR | DESERT_AR)):
        for w in words:
            for h in heads:
                table.setdefault(h + w, (cat, w))
    return table


# The word before a name, as written ("بريف", "وبمدينه", "قريه") -> what it says.
AR_PREV: dict[str, tuple[str, str]] = _glued_table()
