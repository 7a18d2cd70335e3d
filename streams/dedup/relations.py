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

A mention with no date at all (no event date, no publication date) relates
only to its own copies: it cannot be placed in time, and matching it to every
report of the same town in any year merges unrelated events.

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
        "upd": bool(_UPDATE.search(normalize_text(evidence + " " + title))),
        "l1": [],
        "lc": [],
    }


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
    if da is None or db is None or abs(da - db) > window:
        return 0  # a report with no date at all cannot be placed in time
    if not _nested(a["ch"], b["ch"]):
        return 0
    return LINK if a["ch"] == b["ch"] else NEST
