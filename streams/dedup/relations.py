"""Pairwise relations between two casualty mentions (pure functions).

A mention is reduced to a compact record (:func:`compact`) that is all dedup
keeps in state. Two mentions of the same kind in the same governorate can be:

* **linked** -- the same place (same p-code chain) and event dates within the
  window, or copies of one another (near-duplicate articles with the same
  figure). Linked mentions always end in one incident.
* **nested** -- dates within the window and one place containing the other
  (a town and its district or governorate). A nested report is *attached* to
  the single best matching more precise incident instead of linking
  everything it is compatible with, so a vague "3 killed in Daraa" cannot
  bridge two separate town incidents into one.

A mention with no date at all (no event date, no publication date) cannot be
placed in time: matching it to every report of the same town in any year
merges unrelated events. It is linked to its own copies, and *nested* under a
dated report only when the other evidence is strong and specific, as a
careful human coder would match it (:func:`undated_match`): the same precise
place (same exact p-code chain, and not two different named neighbourhoods),
the same kind, compatible victims and compatible figures (both given, and
overlapping or one a toll update of the other). The deduplicator then attaches it only when
exactly one incident qualifies; with two or more it stays apart (ambiguous).

Groups must be compatible (when both are named, their words must overlap).
Victim classes (civilian / combatant) do *not* separate incidents -- one
attack kills both -- but are counted apart inside the incident
(streams.dedup.summary), so a report of the civilians and another of the
fighters add up instead of competing.
"""

from __future__ import annotations

import re
from datetime import date

from streams.text.normalize import normalize_text

__all__ = [
    "LINK",
    "NEST",
    "compact",
    "mention_date",
    "place_chain",
    "relation",
    "undated_match",
]

LINK = 1
NEST = 2

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_WORD = re.compile(r"\w+")
_GROUP_STOP = {
    "قوات", "قوه", "عناصر", "عنصر", "مليشيا", "ميليشيا", "مليشيات", "ميليشيات", "مجموعات",
    "مجموعه", "فصائل", "فصيل", "من", "في", "سوري", "سوريه", "السوري", "السوريه", "التابعه",
    "التابع", "لل", "forces", "force", "the", "of", "and", "al", "syrian", "members", "fighters",
    "pro", "government", "group", "groups", "militia", "militias",
}  # fmt: skip
_QUARTER = re.compile(r"(?:^|\s)(?:حي|حاره|الحي|neighbou?rhood(?: of)?|district of)\s+(?:ال)?(\w+)")
_UPDATE = re.compile(
    r"ارتفع|ارتفاع|ترتفع|يرتفع|حصيله (?:جديده|محدثه)|"
    r"\b(?:rose|risen|rises|rising|climbed|climbs|increased|jumped)\b|\b(?:updated|new) (?:death )?toll"
)


def mention_date(mention: dict) -> str | None:
    """Event date, else the article's publication date (the ANNOTATION.md rule), else None."""
    d = mention.get("event_date")
    if d and _DATE.match(d):
        return d[:10]
    pub = (mention.get("article") or {}).get("published_at")
    if pub and _DATE.match(pub):
        return pub[:10]
    return None


def place_chain(region: dict | None) -> list[str | None]:
    """``[admin1, admin2, admin3, exact p-code]``: comparing chains compares containment."""
    region = region or {}
    exact = region.get("pcode") if region.get("precision") == "exact" else None
    return [region.get("admin1"), region.get("admin2"), region.get("admin3"), exact]


def _group_tokens(group: str | None) -> list[str]:
    if not group:
        return []
    out = set()
    for w in _WORD.findall(normalize_text(group)):
        if w.startswith("وال") and len(w) > 5:
            w = w[1:]
        if w.startswith("ال") and len(w) > 4:
            w = w[2:]
        if w not in _GROUP_STOP and len(w) > 1:
            out.add(w)
    return sorted(out)


def compact(mention: dict, partition: str, evidence_chars: int = 300) -> dict:
    """The small JSON record dedup keeps for one mention."""
    art = mention.get("article") or {}
    chain = place_chain(mention.get("region"))
    level = max((i + 1 for i, c in enumerate(chain) if c), default=0)
    d = mention_date(mention)
    evidence = (mention.get("evidence") or {}).get("text") or ""
    title = art.get("title") or ""
    return {
        "id": mention["mention_id"],
        "p": partition,
        "art": mention["article_id"],
        "k": mention["kind"],
        "d": d,
        "dn": date.fromisoformat(d).toordinal() if d else None,
        "ch": chain,
        "rank": 2 * level + (1 if d else 0),
        "reg": mention.get("region"),
        "v": mention.get("victim") or "unknown",
        "g": mention.get("group"),
        "gt": _group_tokens(mention.get("group")),
        "n": mention.get("count"),
        "lo": mention.get("count_min"),
        "hi": mention.get("count_max"),
        "pub": art.get("published_at"),
        "src": art.get("source"),
        "url": art.get("url"),
        "ev": evidence[:evidence_chars],
        "q": quarter((mention.get("region") or {}).get("place")),
        "upd": bool(_UPDATE.search(normalize_text(evidence + " " + title))),
        "lc": [],
    }


def quarter(place: str | None) -> str | None:
    """The neighbourhood a place string names ("حي طي" -> "طي"), normalised, or None.

    Neighbourhoods are resolved to their city's p-code, so two reports of one
    city can still be told apart by the quarter they name.
    """
    if not place:
        return None
    m = _QUARTER.search(normalize_text(place))
    return m.group(1) if m else None


def _interval(m: dict) -> tuple[int, float]:
    """The range of a figure: exact ``n``, a lower bound, or unknown (0..inf)."""
    lo = m["lo"] if m["lo"] is not None else (m["n"] if m["n"] is not None else 0)
    if m["hi"] is not None:
        return lo, m["hi"]
    return (lo, m["n"]) if m["n"] is not None and m["lo"] is None else (lo, float("inf"))


def _figures_compatible(a: dict, b: dict) -> bool:
    """Both reports give a figure, and the figures overlap or one is a toll
    update at least as high as the other. An unquantified report ("others were
    wounded") contradicts nothing but is no evidence either: no match."""
    if a["n"] is None or b["n"] is None:  # unquantified ("at least one"): no figure given
        return False
    alo, ahi = _interval(a)
    blo, bhi = _interval(b)
    if alo <= bhi and blo <= ahi:
        return True
    return (a["upd"] and alo >= blo) or (b["upd"] and blo >= alo)


def undated_match(a: dict, b: dict) -> bool:
    """An undated and a dated report that a careful coder would call one event.

    Both exact and at the same p-code chain, not naming two different
    neighbourhoods, victims compatible (equal or one unknown), figures
    compatible. Kind and groups are checked by :func:`relation`.
    """
    if (a["dn"] is None) == (b["dn"] is None):
        return False
    if a["ch"][3] is None or a["ch"] != b["ch"]:
        return False
    if a.get("q") and b.get("q") and a["q"] != b["q"]:
        return False
    if a["v"] != b["v"] and "unknown" not in (a["v"], b["v"]):
        return False
    return _figures_compatible(a, b)


def _nested(a: list, b: list) -> bool:
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def relation(a: dict, b: dict, window: int, duplicates: bool = False) -> int:
    """LINK, NEST or 0 between two compact records of the same partition and kind.

    Args:
        a, b: compact records (see :func:`compact`).
        window: the date window in days.
        duplicates: the two articles are exact or near-duplicate copies.
    """
    if a["k"] != b["k"]:
        return 0
    ga, gb = a["gt"], b["gt"]
    if ga and gb and not set(ga).intersection(gb):
        return 0
    if duplicates and a["n"] == b["n"] and a["lo"] == b["lo"] and a["hi"] == b["hi"]:
        return LINK
    da, db = a["dn"], b["dn"]
    if da is None or db is None:
        # a report with no date at all: only strong, specific evidence places it
        return NEST if undated_match(a, b) else 0
    if abs(da - db) > window:
        return 0
    if not _nested(a["ch"], b["ch"]):
        return 0
    return LINK if a["ch"] == b["ch"] else NEST
