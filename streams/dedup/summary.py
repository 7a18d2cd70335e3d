"""An incident record computed from the set of its member mentions (pure).

Because every field is a function of the member set (never of arrival order),
the stream, a replay and ``hasila batch`` produce the same incidents.

Counts follow Iraq Body Count / UCDP: keep the range of what sources say.

* Each article contributes one figure: the sum of its mentions in the incident
  (an article that reports "one civilian here, another there" reports two).
* ``count_min``: the lowest figure (a source's lower bound when it has one).
* ``count_max``: the highest, or null when any source is open-ended
  ("at least 10", "dozens", unquantified).
* ``count_best``: if some source reports a toll *update* ("the toll rose
  to ...", ارتفاع حصيلة), the figure of the latest such update by
  publication time (an undated update when it is higher: tolls rise).
  Otherwise the figure most independent sources agree on
  (copies of one article vote once); with no single most-supported figure,
  the lower median of the independent figures -- conservative, not extreme.
  Null when no source gives a number.

Victim classes are kept apart inside an incident: ``count_best`` is the best
civilian figure plus the best combatant figure (each chosen as above), or the
best figure with unknown victims when that is higher (it may cover both).
``count_min`` / ``count_max`` always bracket ``count_best``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

__all__ = ["UNKNOWN_TIME", "article_figure", "best_count", "summarize"]

#: ``first_seen`` / ``updated_at`` of an incident none of whose reports has a
#: publication or event date: a fixed sentinel (never the wall clock, so batch,
#: stream and replays agree) that sorts before every real timestamp.
UNKNOWN_TIME = "1970-01-01T00:00:00Z"


def article_figure(members: list[dict]) -> tuple[int | None, int | None, int | None]:
    """(count, count_min, count_max) of one article's mentions in one incident."""
    n = lo = hi = None
    open_ended = False
    for m in members:
        c = m["n"]
        if c is not None:
            n = c if n is None else n + c
        low = m["lo"] if m["lo"] is not None else c
        if low is not None:
            lo = low if lo is None else lo + low
        if m["hi"] is None:
            open_ended = True
        else:
            hi = m["hi"] if hi is None else hi + m["hi"]
    return n, lo, None if open_ended else hi


def best_count(figures: list[dict]) -> int | None:
    """``count_best`` from per-article figures (see the module docstring).

    Each figure: ``{"n", "pub", "upd", "canon"}`` -- count, publication time,
    update language, and the article id of the copy group it belongs to.
    """
    numbered = [f for f in figures if f["n"] is not None]
    if not numbered:
        return None
    updates = [f for f in numbered if f["upd"] and f["pub"]]
    undated = [f["n"] for f in numbered if f["upd"] and not f["pub"]]
    if updates or undated:
        # tolls rise: an undated update is later than the dated ones it exceeds
        latest = max(updates, key=lambda f: (f["pub"], f["n"]))["n"] if updates else None
        return max(undated) if undated and (latest is None or max(undated) > latest) else latest
    if len(numbered) == 1:
        return numbered[0]["n"]
    by_group: dict[str, list[int]] = defaultdict(list)
    for f in numbered:
        by_group[f["canon"]].append(f["n"])
    independent = sorted(
        ns[0] if len(ns) == 1 else min(Counter(ns).items(), key=lambda kv: (-kv[1], kv[0]))[0]
        for ns in by_group.values()
    )
    support = Counter(independent).most_common()
    if len(support) == 1 or support[0][1] > support[1][1]:
        return support[0][0]
    return independent[(len(independent) - 1) // 2]


def _total_best(per_class: dict[str, int | None]) -> int | None:
    """Civilians and combatants are counted apart and added; a figure with
    unknown victims may cover both, so it competes with their sum."""
    known = [per_class.get(v) for v in ("civilian", "combatant")]
    total = sum(x for x in known if x is not None) if any(x is not None for x in known) else None
    candidates = [x for x in (total, per_class.get("unknown")) if x is not None]
    return max(candidates) if candidates else None


def _mode(values: list[str]) -> str | None:
    if not values:
        return None
    return min(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))[0]


def summarize(incident_id: str, members: list[dict], canon: dict[str, str | None], version: int) -> dict:
    """The incident record (schemas/incident.v1.json) for a member set.

    Args:
        incident_id: the id (derived from the members by the caller).
        members: compact mention records (streams.dedup.relations.compact).
        canon: article id -> the article id it duplicates (None for originals).
        version: version number to stamp.
    """
    members = sorted(members, key=lambda m: m["id"])
    top = max(m["rank"] for m in members)
    anchor = next(m for m in members if m["rank"] == top)
    victims = {m["v"] for m in members} - {"unknown"}
    by_article: dict[str, list[dict]] = defaultdict(list)
    for m in members:
        by_article[m["art"]].append(m)
    sources = []
    by_class: dict[str, list[dict]] = defaultdict(list)
    for aid in sorted(by_article):
        ms = by_article[aid]
        n, lo, hi = article_figure(ms)
        first = ms[0]
        sources.append(
            {
                "article_id": aid,
                "mention_id": first["id"],
                "source": first["src"],
                "url": first["url"],
                "published_at": first["pub"],
                "count": n,
                "count_min": lo,
                "count_max": hi,
                "evidence": first["ev"] or None,
                "duplicate_of": canon.get(aid),
            }
        )
        per_class: dict[str, dict] = {}
        for m in ms:
            f = per_class.get(m["v"])
            if f is None:
                f = per_class[m["v"]] = {
                    "n": None,
                    "pub": first["pub"],
                    "upd": False,
                    "canon": canon.get(aid) or aid,
                }
            if m["n"] is not None:
                f["n"] = m["n"] if f["n"] is None else f["n"] + m["n"]
            f["upd"] = f["upd"] or m["upd"]
        for victim, f in per_class.items():
            by_class[victim].append(f)
    best = _total_best({v: best_count(f) for v, f in by_class.items()})
    lows = [s["count_min"] if s["count_min"] is not None else s["count"] for s in sources]
    lows = [x for x in lows if x is not None]
    open_ended = any(s["count_max"] is None for s in sources)
    highs = [s["count_max"] for s in sources if s["count_max"] is not None]
    if best is not None:
        highs.append(best)
    times = sorted(m["pub"] or m["d"] for m in members if m["pub"] or m["d"])
    return {
        "schema_version": 1,
        "incident_id": incident_id,
        "version": version,
        "status": "active",
        "merged_into": None,
        "kind": anchor["k"],
        "region": anchor["reg"],
        "event_date": _mode([m["d"] for m in members if m["d"]]),
        "count_best": best,
        "count_min": min([*lows, best]) if best is not None else (min(lows) if lows else None),
        "count_max": None if open_ended or not highs else max(highs),
        "victim": victims.pop() if len(victims) == 1 else "unknown",
        "group": _mode([m["g"] for m in members if m["g"]]),
        "article_ids": sorted(by_article),
        "mention_ids": [m["id"] for m in members],
        "sources": sources,
        "first_seen": times[0] if times else UNKNOWN_TIME,
        "updated_at": times[-1] if times else UNKNOWN_TIME,
    }
