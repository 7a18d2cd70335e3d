"""The gazetteer: load the committed data, find place names in one pass, resolve them.

Matching works on normalised text (:mod:`streams.text.normalize`) with one
Aho-Corasick automaton holding every name (Arabic keys without the article,
English keys lower-cased in several spellings).  A hit is kept when

* Arabic: the letters glued in front of it are a conjunction/preposition,
  optionally with the article (و ف ب ل ك, وب فب ول فل, بال, لل ...), and a name
  that carries ال in the gazetteer has it in the text;
* English: it stands between non-letters and the original text is capitalised
  there ("Idlib", "al-Bab"), which keeps ordinary words out;
* and it is not followed by another letter.

Overlaps go to the leftmost, then longest hit.  Resolution then picks one
unit per hit, jointly for the article (:mod:`streams.places.resolve`).
"""

from __future__ import annotations

import gc
import gzip
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import ahocorasick

from streams.places import lexicon as lx
from streams.places.model import NO_REGION, PlaceMention, Region, Unit
from streams.places.names import arabic_key, english_variants, is_arabic
from streams.places.resolve import Hit, resolve_hits, resolve_regions
from streams.text.normalize import Normalized, normalize, normalize_text

__all__ = ["Gazetteer", "default_gazetteer"]

_ADMIN1: Final = tuple(f"SY{i:02d}" for i in range(1, 15))
_PRECISION_OF_KIND: Final = {"admin1": "governorate", "admin2": "district", "admin3": "subdistrict"}
# What the letters glued in front of an Arabic name say: (written with the article, how many
# letters of the prefix belong to the name: the ال of بالقامشلي, the second ل of للقامشلي).
_GLUED: Final[dict[str, tuple[int, int]]] = {p: (0, 0) for p in lx.BARE_PREFIXES}
_GLUED.update((p, (1, 1 if p.endswith("لل") else 2)) for p in lx.AL_PREFIXES if p not in lx.BARE_PREFIXES)
_NO_WEAK: Final[frozenset[str]] = frozenset()
_EN_ARTICLE_SURFACE: Final = (
    "al-",
    "al ",
    "el-",
    "ar-",
    "as-",
    "ad-",
    "ash-",
    "ez-",
    "an-",
    "at-",
    "az-",
    "as ",
    "ar ",
)


# Characters of normalised text, most frequent first (a space; Arabic letters as normalising
# leaves them: ة→ه, ى→ي, أ/إ/آ→ا; English letters; digits and punctuation).
_TEXT_ORDER: Final = (
    " اليمونرتبهعدفقسكحجشطصزخضثذغظءئ" + "etaoinshrdlcumwfgypbvkjxqz" + ".,،\n0123456789-()\"':"
)
# A key that opens with a space and goes on with a character normalised text does not hold
# in practice; its candidates are empty, so a match of it (a NUL in the text) gives no hit.
_SPACE_KEY: Final = " \x00"


def _automaton(words: list[tuple[str, int]], cands: list, klen: list[int], kar: list[bool]) -> Any:
    """The Aho-Corasick automaton of ``words`` ((key, index) pairs), built for a fast scan.

    pyahocorasick finds a node's child by a linear search of its children in the order they
    were added, and the root has a child per first letter of a key (57): every space, digit
    or mark of the text (none opens a key) was compared with all of them. So the keys are
    added in the order of their letters' frequency in text (the common child is found first
    at every node), after one key that gives the root a space as its first child (a space
    then costs one comparison). Same matches in the same order: which occurrences of the
    real keys an automaton reports, and in which order, does not depend on the order keys
    were added in, and the extra key's matches give no hit (``test_fast_paths``). About a
    quarter cheaper a scan over Arabic text, a tenth over English.
    """
    rank = {c: i for i, c in enumerate(_TEXT_ORDER)}
    last = len(rank)
    auto = ahocorasick.Automaton()
    sentinel = len(cands)
    cands.append(())
    klen.append(len(_SPACE_KEY))
    kar.append(False)
    auto.add_word(_SPACE_KEY, sentinel)
    for key, ki in sorted(words, key=lambda w: [rank.get(c, last) for c in w[0]]):
        auto.add_word(key, ki)
    auto.make_automaton()
    return auto


@dataclass(frozen=True, slots=True)
class Candidate:
    """One unit a key can stand for, with the conditions under which it may."""

    unit: Unit
    has_al: bool  # the name carries the article: the text must too
    needs_type: bool  # common word: only after a type noun or in a countryside phrase
    strict: bool  # no article may be added in the text (سوريه, not السوريه)


def _data_path(name: str) -> Path:
    return Path(str(resources.files("streams.places") / "data" / name))


def _read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in _data_path(name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


def _arabic_variants(key: str) -> set[str]:
    """Spacing and hamza variants of an Arabic key.

    ``كفر نبوده`` / ``كفرنبوده`` and ``تل هواش`` / ``تلهواش`` are both written;
    a final hamza is often dropped (``السويداء`` / ``السويدا``, ``طيء`` / ``طي``).
    """
    out = {key}
    for head in ("كفر", "تل", "بيت"):
        if key.startswith(head + " ") and len(key) > len(head) + 3:
            out.add(head + key[len(head) + 1 :])
    if key.startswith("كفر") and len(key) > 5 and key[3] != " ":
        out.add("كفر " + key[3:])
    if key.endswith("ء") and len(key) > 3:
        out.add(key[:-1])
    return out


class Gazetteer:
    """Places of Syria (OCHA admin 1-3, communities, neighbourhoods) plus curated extras."""

    def __init__(self, units: Iterable[Unit], keys: dict[str, list[Candidate]]) -> None:
        self.units: dict[str, Unit] = {u.pcode: u for u in units}
        self._cands: list[tuple[Candidate, ...]] = []
        self._klen: list[int] = []
        self._kar: list[bool] = []
        words: list[tuple[str, int]] = []
        for key, cands in keys.items():
            if len(key.replace(" ", "")) < 3:
                continue
            words.append((key, len(self._cands)))
            self._cands.append(tuple(cands))
            self._klen.append(len(key))
            self._kar.append(is_arabic(key))
        self._auto = _automaton(words, self._cands, self._klen, self._kar)
        # Memo tables of resolution (see resolve.py): what a key's candidates
        # give in a context, and the Region of a (unit, countryside, surface).
        self._memo: dict = {}
        self._regions: dict = {}
        # Candidates of key i as written without (2i) and with (2i + 1) the article.
        self._by_article: dict[int, list[Candidate]] = {}

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Load the committed data file and the curated TSV lists from the package."""
        path = path or _data_path("gazetteer.json.gz")
        with gzip.open(path, "rb") as fh:
            data = json.loads(fh.read())
        stop_rows = _read_tsv("stopwords.tsv")
        stop = {normalize_text(r[0]).strip() for r in stop_rows}
        # Generic nouns (الريف، المنطقة ...) are never places, even after a type noun.
        block = {normalize_text(r[0]).strip() for r in stop_rows if len(r) > 3 and r[3].strip() == "never"}
        # A name that is itself a type noun ("قريه", "مدرسه") is never a bare place.
        block |= set(lx.AR_TYPE_NOUNS) | {"ال" + w for w in lx.AR_TYPE_NOUNS}
        stop |= block | set(lx.EN_BEFORE_TYPE)
        units: list[Unit] = []
        keys: dict[str, list[Candidate]] = {}

        seen: set[tuple[str, str]] = set()

        def add_key(key: str, c: Candidate) -> None:
            if (key, c.unit.pcode) not in seen:
                seen.add((key, c.unit.pcode))
                keys.setdefault(key, []).append(c)

        def add_ar(
            unit: Unit, key: str, has_al: bool, needs_type: bool = False, strict: bool = False
        ) -> None:
            # the text may add the article to a name without it: check both forms
            if key in block or "ال" + key in block:
                return
            nt = needs_type or key in stop or "ال" + key in stop
            for v in _arabic_variants(key):
                add_key(v, Candidate(unit, has_al, nt, strict))

        def add_en(unit: Unit, key: str, needs_type: bool = False) -> None:
            add_key(key, Candidate(unit, False, needs_type or key in stop, False))

        for d in data["units"]:
            u = Unit(
                pcode=d["p"],
                kind=d["k"],
                ar=d["ar"],
                en=d["en"],
                admin1=d.get("a1"),
                admin2=d.get("a2"),
                admin3=d.get("a3"),
                lat=d.get("lat"),
                lon=d.get("lon"),
                seat=d.get("seat", 0),
                pop=d.get("pop", 0),
                parent=d.get("up"),
                precision=_PRECISION_OF_KIND.get(d["k"], "exact"),
            )
            units.append(u)
            for key, al in d["ka"]:
                add_ar(u, key, bool(al))
            for key in d["ke"]:
                add_en(u, key)
        by_code = {u.pcode: u for u in units}

        for pcode, lang, name, *_ in _read_tsv("aliases.tsv"):
            u = by_code[pcode]
            if lang == "ar":
                k = arabic_key(name)
                if k:
                    add_ar(u, *k)
            else:
                for v in english_variants(name):
                    add_en(u, v)

        for i, (kind, container, needs, names_ar, names_en, *_) in enumerate(_read_tsv("extra_places.tsv")):
            c = by_code.get(container)
            first_ar = names_ar.split("|")[0]
            if container == "SY":
                u = Unit(
                    f"X{i:03d}",
                    kind,
                    first_ar,
                    names_en.split("|")[0],
                    None,
                    None,
                    None,
                    34.8,
                    38.99,
                    precision="country",
                )
            else:
                assert c is not None, container
                u = Unit(
                    f"X{i:03d}",
                    kind,
                    first_ar,
                    names_en.split("|")[0],
                    c.admin1,
                    c.admin2,
                    c.admin3,
                    c.lat,
                    c.lon,
                    parent=c.pcode,
                    precision=c.precision,
                )
            units.append(u)
            for n in filter(None, names_ar.split("|")):
                k = arabic_key(n)
                if k and len(k[0]) < 3:  # "حي طي": keep the type noun in the key
                    k = (" ".join(normalize_text(n).split()), False)
                if k:
                    add_ar(u, *k, needs_type=needs == "1" and len(k[0]) >= 3 and " " not in k[0])
            for n in filter(None, names_en.split("|")):
                for v in english_variants(n):
                    add_en(u, v, needs_type=needs == "1")

        for code, level, lat, lon, names_ar, names_en, *_ in _read_tsv("foreign.tsv"):
            country = level == "country"
            kind = "country" if code == "SY" else "foreign"
            u = Unit(
                code,
                kind,
                names_ar.split("|")[0],
                names_en.split("|")[0],
                None if country else code,
                None,
                None,
                float(lat),
                float(lon),
                precision="country" if country else "governorate",
            )
            units.append(u)
            for n in filter(None, names_ar.split("|")):
                k = arabic_key(n)
                if k:
                    add_ar(u, *k, strict=True)
            for n in filter(None, names_en.split("|")):
                for v in english_variants(n):
                    add_en(u, v)
        return cls(units, keys)

    # ------------------------------------------------------------------ lookups
    def admin1_codes(self) -> tuple[str, ...]:
        """The 14 governorate p-codes SY01..SY14 (closed label set for metrics)."""
        return _ADMIN1

    def name(self, pcode: str, lang: str = "ar") -> str | None:
        """Display name of a unit in Arabic or English, or None if unknown."""
        u = self.units.get(pcode)
        if u is None:
            return None
        return u.en if lang == "en" else u.ar

    def region_for_pcode(self, pcode: str) -> Region | None:
        """The Region of a p-code (admin1/2/3, C-/N-code, ISO code), or None."""
        u = self.units.get(pcode)
        return None if u is None else self.region_of(u)

    def region_of(self, u: Unit, place: str | None = None) -> Region:
        """Region record of one unit (informal regions report their container)."""
        place = place if place is not None else u.ar
        if u.kind in ("informal",) or (u.kind == "neighbourhood" and u.pcode.startswith("X")):
            if u.parent is None:
                return Region(None, None, None, "SY", "country", place, u.lat, u.lon)
            c = self.units[u.parent]
            return Region(c.admin1, c.admin2, c.admin3, c.pcode, c.precision, place, c.lat, c.lon)
        if u.kind in ("foreign", "country"):
            return Region(u.admin1, None, None, u.pcode, u.precision, place, u.lat, u.lon)
        return Region(u.admin1, u.admin2, u.admin3, u.pcode, u.precision, place, u.lat, u.lon)

    # ------------------------------------------------------------------ matching
    def _raw_hits(self, nt: Normalized) -> list[Hit]:
        """Every acceptable name occurrence (boundaries, prefixes, case) with its context."""
        text = nt.text
        n = len(text)
        orig = nt.original
        hits: list[Hit] = []
        klen, kar, cands_of = self._klen, self._kar, self._cands
        by_article = self._by_article
        glued_of = _GLUED.get
        direct = len(nt._norm_at) == 1  # nothing deleted: same offsets in both texts
        for end_idx, ki in self._auto.iter(text):
            end = end_idx + 1
            if end < n and text[end].isalnum():
                continue
            start = end - klen[ki]
            if kar[ki]:
                p = start
                if p and text[p - 1].isalpha():  # letters glued in front: at most 4
                    p -= 1
                    lim = start - 4
                    while p > 0 and text[p - 1].isalpha():
                        p -= 1
                        if p < lim:
                            break
                    if p < lim:
                        continue
                    glued = glued_of(text[p:start])
                    if glued is None:
                        continue
                    key = ki + ki + glued[0]
                    name_start = start - glued[1]
                else:
                    key = ki + ki  # "" is a bare prefix
                    name_start = start
                cands = by_article.get(key)
                if cands is None:
                    article = key & 1 == 1
                    cands = by_article[key] = [
                        c
                        for c in cands_of[ki]
                        if (c.has_al == article) or (article and not c.has_al and not c.strict)
                    ]
            else:
                if start > 0 and text[start - 1].isalnum():
                    continue
                o = start if direct else nt.to_original(start)
                surf = orig[o : o + 6]
                if not surf[:1].isupper():
                    low = surf.lower()
                    art = next((a for a in _EN_ARTICLE_SURFACE if low.startswith(a)), None)
                    if art is None or not surf[len(art) : len(art) + 1].isupper():
                        continue
                p = name_start = start
                key = ki + ki
                cands = by_article.get(key)
                if cands is None:
                    cands = by_article[key] = list(cands_of[ki])
            if cands:
                # Hit(name_start, end, p, cands, key=key) with every field given by position
                # (a third cheaper than the keywords and defaults; test_fast_paths checks it)
                hits.append(Hit(name_start, end, p, cands, (), False, -1, -1, None, _NO_WEAK, False, [], key))
        return hits

    def find_places(
        self,
        nt: Normalized | str,
        lang: str = "ar",
        context: Sequence[PlaceMention] = (),
        spans: Sequence[tuple[int, int]] | None = None,
    ) -> list[PlaceMention]:
        """All place mentions of an article, resolved jointly, sorted by start, non-overlapping.

        ``context`` adds places already resolved elsewhere in the same article
        (e.g. when resolving a single sentence or a gold place string).
        ``spans`` (normalised ``(start, end)`` pairs, e.g. the casualty
        sentences) limits the *output* to mentions overlapping one of them;
        every name of the article still takes part in the joint resolution,
        so each mention returned is the same as without ``spans``.  Only the
        final per-mention scoring is saved, so the gain is modest.
        """
        if isinstance(nt, str):
            nt = normalize(nt)
        hits = self._raw_hits(nt)
        return resolve_hits(self, nt, hits, lang, context, spans)

    def find_regions(
        self, nt: Normalized, lang: str = "ar", context: Sequence[PlaceMention] = ()
    ) -> list[tuple[int, int, Region]]:
        """``(start, end, region)`` of each mention :meth:`find_places` gives, in the same order.

        Casualty extraction reads only spans and regions: this skips building the
        mention objects and their confidence (same resolution, same regions).
        """
        return resolve_regions(self, nt, self._raw_hits(nt), context)

    def resolve(self, text: str, context: Sequence[PlaceMention] = (), lang: str = "ar") -> Region:
        """Resolve a short place phrase ("حي طي، القامشلي") to one Region (NO_REGION if none).

        Picks the most specific mention; a countryside phrase gives its unit.
        A phrase naming several governorates side by side ("محافظات حماة
        وحلب", "Idlib, Hama and Aleppo provinces") has no single governorate
        and gives ``NO_REGION`` (ANNOTATION.md section 4).
        """
        ms = self.find_places(normalize(text), lang=lang, context=context)
        ms = [m for m in ms if m.kind != "country"] or ms
        if not ms:
            return NO_REGION
        admin1s = {m.region.admin1 for m in ms} - {None}
        alts = {m.region.admin1_alt for m in ms} - {None}
        if len(admin1s) > 1 and not (alts & admin1s):
            return NO_REGION
        order = {"exact": 0, "subdistrict": 1, "district": 2, "governorate": 3, "country": 4, "none": 5}
        best = min(ms, key=lambda m: (order[m.region.precision], -m.score))
        return best.region


_DEFAULT: Gazetteer | None = None
_LOCK: Final = threading.Lock()


def default_gazetteer() -> Gazetteer:
    """The packaged gazetteer, loaded once per process (thread-safe).

    Once loaded, the objects alive in the process are moved out of the cyclic garbage
    collector's reach (``gc.freeze``): the gazetteer's ~86,000 objects live as long as the
    process, and every full collection walked them all (12-30 ms pauses, the slowest
    articles of the extraction benchmark). Freed by reference counting as before; only a
    reference cycle among objects alive at load time would now stay.
    """
    global _DEFAULT
    if _DEFAULT is None:
        with _LOCK:
            if _DEFAULT is None:
                _DEFAULT = Gazetteer.load()
                gc.freeze()
    return _DEFAULT
