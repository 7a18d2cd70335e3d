"""Name variants: how one gazetteer name can be written in the press.

Shared by the build script (OCHA/OpenSyria names) and the loader (curated
TSV lists), so both produce matcher keys the same way.  Every key is in the
form of :func:`streams.text.normalize.normalize_text` output, because the
matcher runs on normalised article text.

Arabic keys are stored *without* a leading definite article; whether the
name carries ال is a separate flag, because the matcher accepts the article
as part of the glued prefix (``بالقامشلي`` = ب + ال + قامشلي, ``للقامشلي``).
"""

from __future__ import annotations

import re
import unicodedata

from streams.text.normalize import normalize_text

__all__ = [
    "ARABIC_TYPE_WORDS",
    "ENGLISH_TYPE_WORDS",
    "arabic_key",
    "english_variants",
    "is_arabic",
    "split_compound",
    "strip_arabic_type",
    "strip_english_type",
]

_AR_LETTER = re.compile(r"[\u0621-\u064a]")
# Administrative / settlement nouns that OCHA and OpenSyria put in front of a
# name ("مركز الباب", "ناحية ...", "محافظة درعا"); the press uses them as
# context words, so they are context for the matcher, not part of the key.
ARABIC_TYPE_WORDS = (
    "محافظه",
    "منطقه",
    "ناحيه",
    "مركز",
    "مدينه",
    "بلده",
    "قريه",
    "مزرعه",
    "حي",
    "مخيم",
    "قضاء",
)
ENGLISH_TYPE_WORDS = (
    "governorate",
    "province",
    "district",
    "subdistrict",
    "sub-district",
    "nahiya",
    "city",
    "town",
    "village",
    "camp",
)
_EN_ARTICLES = (
    "al",
    "el",
    "ar",
    "as",
    "ad",
    "ash",
    "ez",
    "az",
    "an",
    "at",
    "adh",
    "ath",
    "es",
    "ed",
    "er",
    "en",
)
_EN_ART_RE = re.compile(r"\b(?:" + "|".join(_EN_ARTICLES) + r")[- ](?=[a-z])")
_HEAD_GROUPS = (
    ("tall", "tal", "tell", "tel"),
    ("kafr", "kfar", "kafar", "kefr", "kafer", "kfr"),
    ("khirbat", "khirbet", "kherbet", "khirbit", "khirbeh", "kherbeh"),
    ("dayr", "deir", "dair", "deyr"),
    ("ayn", "ain", "ein", "ayin"),
    ("umm", "um", "om", "oum"),
    ("abu", "abou", "abo"),
    ("bayt", "beit", "beyt", "bait"),
    ("jabal", "jebel", "jabel", "jbel"),
    ("marj", "merj"),
    ("qasr", "kasr"),
    ("mazraat", "mazraet", "mazraa", "mazraa't"),
    ("jisr", "jesr"),
    ("bir", "beer", "bi'r"),
    ("hayy", "hay", "hai"),
    ("shaykh", "sheikh", "shaikh", "sheik", "shiekh"),
    ("qalat", "qalaat", "qal'at"),
)
_HEAD_VARIANTS = {h: g for g in _HEAD_GROUPS for h in g}
_TA_MARBUTA = {"iyeh": ("iyah", "iya"), "yeh": ("yah", "ya"), "eh": ("ah", "a"), "ah": ("eh", "a")}
_SPLIT_RE = re.compile(r"\s*(?:_|/|\s-\s|\(|\)|,|،)\s*")


def is_arabic(name: str) -> bool:
    """True when the name is written in Arabic script."""
    return bool(_AR_LETTER.search(name))


def split_compound(name: str) -> list[str]:
    """Split OCHA compound names into alternatives.

    ``معارة النعسان_معارة الحاسك`` and ``جداع كبيرة / الكرمة`` list two names
    of one place; ``X - Y`` and ``X (Y)`` often add the parent unit as a
    disambiguator, which the caller removes by comparing with the parents.
    """
    parts = [p.strip(" -") for p in _SPLIT_RE.split(name)]
    return [p for p in parts if p]


def strip_arabic_type(norm: str) -> str:
    """Drop a leading type noun ("ناحيه مركز X" -> "X") from a normalised name."""
    changed = True
    while changed:
        changed = False
        for w in ARABIC_TYPE_WORDS:
            if norm.startswith(w + " ") and len(norm) > len(w) + 2:
                norm = norm[len(w) + 1 :]
                changed = True
    return norm


def arabic_key(name: str) -> tuple[str, bool] | None:
    """Matcher key and has-article flag for an Arabic name, or None if unusable.

    ``"القامشلي"`` -> ``("قامشلي", True)``.  The article is only stripped when
    what is left is at least two letters (``الل`` of ``اللاذقيه`` is kept as
    ``لاذقيه``).
    """
    norm = " ".join(normalize_text(name).split())
    norm = strip_arabic_type(norm)
    if not norm or not is_arabic(norm):
        return None
    if norm.startswith("ال") and len(norm) >= 5 and norm[2] != " ":
        return norm[2:], True
    return norm, False


def _ascii_fold(s: str) -> str:
    """Drop Latin diacritics (Ḩ -> H) and normalise quotes as the text normaliser does."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return normalize_text(s)


def strip_english_type(norm: str) -> str:
    """Drop type words around a normalised English name ("idlib governorate" -> "idlib")."""
    for prefix in ("nahiyat markaz ", "nahiyat ", "markaz ", "governorate of ", "mantiqat "):
        if norm.startswith(prefix):
            norm = norm[len(prefix) :]
    for w in ENGLISH_TYPE_WORDS:
        if norm.endswith(" " + w):
            norm = norm[: -len(w) - 1]
    return norm.strip()


def english_variants(name: str) -> set[str]:
    """Spelling variants of an English name as they appear in normalised text.

    Covers article forms (``Deir ez-Zor`` / ``Deir ez Zor`` / ``Deir Zor``,
    ``Al-Qamishli`` / ``Qamishli``), hyphen/space alternation and apostrophes
    (``Dar'a`` / ``Dara``).
    """
    base = _ascii_fold(name).strip()
    base = re.sub(r"\s+", " ", base)
    base = strip_english_type(base)
    if not base or is_arabic(base) or not re.search(r"[a-z]", base):
        return set()
    forms = {base}
    # leading article: with and without, hyphen or space, al/el
    m = re.match(r"^(" + "|".join(_EN_ARTICLES) + r")[- ](.+)$", base)
    if m:
        rest = m.group(2)
        forms |= {f"{m.group(1)}-{rest}", f"{m.group(1)} {rest}", f"al-{rest}", f"al {rest}", f"el-{rest}"}
        # without the article only when what is left is distinctive: "Qamishli",
        # not "Bab" (al-Bab), which also starts Bab al-Hawa, Bab al-Khayr ...
        if len(rest.replace(" ", "")) >= 5:
            forms.add(rest)
    out: set[str] = set()
    for f in forms:
        out.add(f)
        out.add(f.replace("-", " "))
        # inner articles: "deir ez-zor" -> "deir ez zor", "deir al-zor", "deir el-zor"
        inner = _EN_ART_RE.sub(lambda mm: mm.group(0)[:-1] + " ", f)
        out.add(inner)
        for art in ("al-", "al ", "el-"):
            out.add(f[:1] + _EN_ART_RE.sub(art, f[1:]))
        if "'" in f:
            out.add(f.replace("'", ""))
    # Generic first words have many spellings: Tall / Tal / Tell / Tel Abyad,
    # Kafr / Kfar Nabl, Khirbat / Khirbet, Dayr / Deir, Ayn / Ain, Umm / Um ...
    for o in list(out):
        head, _, rest = o.partition(" ")
        if rest and head in _HEAD_VARIANTS:
            out.update(f"{h} {rest}" for h in _HEAD_VARIANTS[head])
    # Final ta marbuta: OCHA writes -eh, the press -ah or -a ("Hasakeh" / "Hasakah" / "Hasaka",
    # "Salamiyeh" / "Salamiyah"); English keys get the other endings too.
    for o in list(out):
        for end, alts in _TA_MARBUTA.items():
            if o.endswith(end) and len(o) > len(end) + 2:
                out.update(o[: -len(end)] + a for a in alts)
                break
    return {" ".join(o.split()) for o in out if len(o.replace(" ", "")) >= 3}
