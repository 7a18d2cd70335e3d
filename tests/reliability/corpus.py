"""A few thousand synthetic articles for the fault-injection runs: first reports, syndicated copies, toll updates.

Why: the crash, broker-restart and rebalance runs must compare a disturbed
stream with the undisturbed batch result on input that exercises every part
of dedup state (merging reports of one event, copies of one article, counts
that rise), not only fresh incidents. The first reports come from the
benchmark generator (``bench/synthetic.py``, sentences written for it; places
and tolls drawn from UCDP GED, CC BY 4.0); the copies and the toll updates
below are sentences written for this file. Every event falls within four
weeks, well inside the dedup horizon, so the result does not depend on
arrival order (see ``streams/dedup/core.py``).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic import GOVERNORATES, articles_for_event, make_events  # noqa: E402

COPY_SOURCES = ("وكالة الشام برس", "نشرة الساحل", "Desert Dispatch", "Orontes Daily")

_AR_UPDATE_TITLES = ("ارتفاع حصيلة الضحايا في {place}", "حصيلة جديدة لضحايا {place}")
_AR_UPDATES = (
    "ارتفعت حصيلة ضحايا القصف على {place} إلى {k} قتيلاً{inj}.",
    "ارتفع عدد القتلى جراء الغارة الجوية على {place} إلى {k} قتيلاً{inj} وفق حصيلة جديدة.",
)
_EN_UPDATES = (
    "Rescuers said {k} civilians were killed in the air strike on {gov} province, up from an earlier count.",
    "At least {k} people have now been killed in the shelling of {gov} province, medics said.",
)

_EN_FOLLOW_UPS = (
    "Shops stayed closed in the town of {town} in {gov} province after the attack, residents said.",
    "An uneasy calm returned to the town of {town} in {gov} province after the shelling, residents said.",
)


def make_corpus(n_events: int = 600, seed: int = 11, days: int = 28) -> list[dict]:
    """Articles (schema article.v1) in a roughly chronological, locally shuffled order.

    Events come from :func:`bench.synthetic.make_events` with their days
    folded into ``days`` days (November 2024), so several events share a governorate and day
    (dedup then has to keep them apart or merge them, as it would for real).
    """
    rng = random.Random(seed)
    events = make_events(n_events, seed=seed, start="2024-11-01", spacing=1)
    articles: list[dict] = []
    for ev in events:
        day_index = (int(ev.day.replace("-", "")) + rng.randrange(days)) % days
        day = f"2024-11-{day_index + 1:02d}"
        ev = type(ev)(ev.event_id, ev.adm1, ev.town_en, day, ev.killed, ev.injured)
        reports = articles_for_event(ev, rng.choice((1, 2, 2, 3, 4)), rng)
        articles.extend(reports)
        # Syndicated copies: the same text under another source, id and url.
        for r, original in enumerate(reports):
            if rng.random() < 0.35:
                copy = dict(
                    original,
                    id=f"{original['id']}-copy{r}",
                    source=rng.choice(COPY_SOURCES),
                    url=f"https://mirror.example/{original['id']}/{r}",
                )
                articles.append(copy)
        # A toll update later the same day: more killed than first reported.
        if rng.random() < 0.4:
            articles.append(_update(ev, rng))
        # A follow-up with no toll (an incident reference): a source, never a casualty.
        if ev.town_en and rng.random() < 0.2:
            articles.append(_follow_up(ev, rng))
    # Roughly chronological, shuffled within windows, as a feed would deliver them.
    articles.sort(key=lambda a: a["published_at"])
    window = 40
    for start in range(0, len(articles), window):
        chunk = articles[start : start + window]
        rng.shuffle(chunk)
        articles[start : start + window] = chunk
    return articles


def _update(ev, rng: random.Random) -> dict:
    _, gov_ar, gov_en = GOVERNORATES[ev.adm1]
    k = ev.killed + rng.randint(1, 6)
    english = rng.random() < 0.3
    if english:
        title = f"Death toll rises in {gov_en}"
        body = rng.choice(_EN_UPDATES).format(k=k, gov=gov_en)
    else:
        place = rng.choice((f"ريف {gov_ar}", f"مدينة {gov_ar}"))
        inj = f" و{ev.injured + 2} جريحاً" if ev.injured else ""
        title = rng.choice(_AR_UPDATE_TITLES).format(place=place)
        body = rng.choice(_AR_UPDATES).format(place=place, k=k, inj=inj)
    return {
        "id": f"{ev.event_id}-update",
        "source": rng.choice(COPY_SOURCES),
        "url": f"https://news.example/{ev.event_id}/update",
        "published_at": f"{ev.day}T23:{rng.randint(0, 59):02d}:00Z",
        "language": "en" if english else "ar",
        "title": title,
        "body": body,
    }


def _follow_up(ev, rng: random.Random) -> dict:
    _, _, gov_en = GOVERNORATES[ev.adm1]
    body = rng.choice(_EN_FOLLOW_UPS).format(town=ev.town_en, gov=gov_en)
    return {
        "id": f"{ev.event_id}-followup",
        "source": rng.choice(COPY_SOURCES),
        "url": f"https://news.example/{ev.event_id}/followup",
        "published_at": f"{ev.day}T22:{rng.randint(0, 59):02d}:00Z",
        "language": "en",
        "title": f"Tension in {ev.town_en}",
        "body": body,
    }


def corpus_lines(n_events: int = 600, seed: int = 11) -> list[bytes]:
    """The corpus as raw input records (one JSON document each)."""
    return [orjson.dumps(a) for a in make_corpus(n_events, seed)]
