"""Synthetic casualty reports for benchmarks: realistic Arabic/English articles from our own templates.

Why: benchmarks need many articles that exercise the real extraction path
(numbers, triggers, places, dates) without copying any real article text.
Places, dates and tolls are drawn from UCDP GED events in Syria
(``/work/shared/data/ucdp_syria_events.csv``; Uppsala Conflict Data Program,
Georeferenced Event Dataset, licence CC BY 4.0 — credit: "UCDP GED, Sundberg &
Melander 2013; Davies, Pettersson & Öberg 2023"). Governorate Arabic names and
p-codes are OCHA facts (UN OCHA Syria via HDX, CC BY-IGO 3.0).

Every sentence below was written for this file. An *event* is one incident
(place, day, toll); it is reported by one or more *articles* (different
sources and languages, same facts), so dedup has real merging to do.

Latency needs a key that only one event touches: :func:`make_events` gives
each event a unique (governorate, day) pair, so its aggregate key
``"<admin1 p-code>|day:<date>"`` is updated first by that event alone.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import orjson

__all__ = [
    "GOVERNORATES",
    "Event",
    "articles_for_event",
    "load_ucdp",
    "make_articles",
    "make_events",
]

UCDP_CSV = Path("/work/shared/data/ucdp_syria_events.csv")

# UCDP adm1 name -> (p-code, Arabic name, English name as written in news).
GOVERNORATES: dict[str, tuple[str, str, str]] = {
    "Damascus governorate": ("SY01", "دمشق", "Damascus"),
    "Aleppo governorate": ("SY02", "حلب", "Aleppo"),
    "Rif Dimashq governorate": ("SY03", "ريف دمشق", "Rif Dimashq"),
    "Homs governorate": ("SY04", "حمص", "Homs"),
    "Hamah governorate": ("SY05", "حماة", "Hama"),
    "Latakia governorate": ("SY06", "اللاذقية", "Latakia"),
    "Idlib governorate": ("SY07", "إدلب", "Idlib"),
    "Al Hasakah governorate": ("SY08", "الحسكة", "Hasakah"),
    "Deir ez Zor governorate": ("SY09", "دير الزور", "Deir ez-Zor"),
    "Tartus governorate": ("SY10", "طرطوس", "Tartus"),
    "Ar Raqqah governorate": ("SY11", "الرقة", "Raqqa"),
    "Daraa governorate": ("SY12", "درعا", "Daraa"),
    "As Suwayda governorate": ("SY13", "السويداء", "Sweida"),
    "Quneitra governorate": ("SY14", "القنيطرة", "Quneitra"),
}

AR_NUMBERS = {
    2: "اثنان",
    3: "ثلاثة",
    4: "أربعة",
    5: "خمسة",
    6: "ستة",
    7: "سبعة",
    8: "ثمانية",
    9: "تسعة",
    10: "عشرة",
}
EN_NUMBERS = {
    2: "Two",
    3: "Three",
    4: "Four",
    5: "Five",
    6: "Six",
    7: "Seven",
    8: "Eight",
    9: "Nine",
    10: "Ten",
}
AR_SOURCES = ("وكالة الأنباء المحلية", "المرصد الميداني", "شبكة أخبار الشرق", "مراسل الجزيرة السورية")
EN_SOURCES = ("Levant Wire", "Syria Monitor Daily", "Northern Desk", "Regional Post")


@dataclass(frozen=True, slots=True)
class Event:
    """One incident: where, when and how many, from one UCDP row (date possibly shifted)."""

    event_id: str
    adm1: str  # UCDP governorate name (key of GOVERNORATES)
    town_en: str | None
    day: str  # YYYY-MM-DD
    killed: int
    injured: int

    @property
    def pcode(self) -> str:
        return GOVERNORATES[self.adm1][0]

    @property
    def day_key(self) -> str:
        """The aggregate key only this event updates first (with :func:`make_events`)."""
        return f"{self.pcode}|day:{self.day}"


def load_ucdp(path: Path = UCDP_CSV) -> list[dict]:
    """UCDP rows with a known governorate and at least two deaths (singular tolls read oddly)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["location_adm1_name"] not in GOVERNORATES:
                continue
            try:
                int(row["deaths_low"] or 0)
                high = int(row["deaths_high"] or 0)
            except ValueError:
                continue
            if high < 2:
                continue
            rows.append(row)
    return rows


def _town(row: dict) -> str | None:
    where = (row.get("location_where_name") or "").strip()
    for suffix in (" town", " village", " city"):
        if where.endswith(suffix):
            return where[: -len(suffix)]
    return None


def make_events(
    n: int, seed: int = 7, start: str = "2001-01-01", path: Path = UCDP_CSV, spacing: int = 4
) -> list[Event]:
    """``n`` events drawn from UCDP rows; each (governorate, day) pair is unique.

    Days run forward from ``start`` (far before any real report, so benchmark
    keys never collide with real data). Events of one governorate are ``spacing``
    days apart, beyond the dedup window, so distinct events stay distinct.
    """
    rng = random.Random(seed)
    rows = load_ucdp(path)
    rng.shuffle(rows)
    used: dict[str, date] = {}
    base = date.fromisoformat(start)
    events = []
    for i in range(n):
        row = rows[i % len(rows)]
        adm1 = row["location_adm1_name"]
        # Next free day for this governorate: unique (governorate, day), dates move forward.
        day = used.get(adm1, base)
        used[adm1] = day + timedelta(days=spacing)
        low, high = int(row["deaths_low"]), int(row["deaths_high"])
        killed = min(max(2, rng.randint(max(low, 2), max(high, 2))), 60)
        injured = rng.choice((0, 0, killed // 2, killed + rng.randint(1, 9)))
        events.append(Event(f"ev{i:06d}", adm1, _town(row), day.isoformat(), killed, injured))
    return events


def _ar_count(n: int, noun_plural: str) -> str:
    if n in AR_NUMBERS and n <= 10:
        return f"{AR_NUMBERS[n]} {noun_plural}"
    return f"{n} {'شخصاً' if noun_plural == 'أشخاص' else noun_plural.replace('مدنيين', 'مدنياً')}"


def _ar_body(ev: Event, rng: random.Random) -> tuple[str, str]:
    _, gov_ar, _ = GOVERNORATES[ev.adm1]
    k, w = ev.killed, ev.injured
    place = rng.choice((f"ريف {gov_ar}", f"مدينة {gov_ar}", f"محافظة {gov_ar}"))
    title = rng.choice((f"قتلى في قصف على {place}", f"انفجار يهز {place}", f"ضحايا مدنيون في {place}"))
    kill = rng.choice(
        (
            f"قُتل {_ar_count(k, 'مدنيين')}",
            f"لقي {_ar_count(k, 'أشخاص')} حتفهم",
            f"قضى {_ar_count(k, 'مدنيين')}",
        )
    )
    cause = rng.choice(
        (
            f"في قصف مدفعي استهدف {place} صباح اليوم",
            f"جراء غارة جوية على {place} اليوم",
            f"بانفجار سيارة مفخخة في {place} مساء اليوم",
        )
    )
    body = f"{kill} {cause}"
    if w:
        body += rng.choice((f"، وأصيب {w} آخرون", f"، كما أصيب {w} مدنيين آخرين"))
    body += "."
    body += rng.choice(
        (
            " وقالت مصادر محلية إن فرق الإسعاف نقلت المصابين إلى مشفى قريب.",
            " وأفاد ناشطون بأن الحصيلة مرشحة للارتفاع بسبب وجود حالات حرجة.",
            " ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى الآن.",
        )
    )
    return title, body


def _en_body(ev: Event, rng: random.Random) -> tuple[str, str]:
    _, _, gov_en = GOVERNORATES[ev.adm1]
    k, w = ev.killed, ev.injured
    where = f"the town of {ev.town_en} in {gov_en} province" if ev.town_en else f"{gov_en} province"
    title = rng.choice((f"Shelling kills civilians in {gov_en}", f"Blast in {gov_en} leaves dead"))
    count = EN_NUMBERS.get(k, str(k)) if k <= 10 else str(k)
    kill = rng.choice(
        (
            f"{count} civilians were killed in shelling on {where} today",
            f"An air strike on {where} killed {k} people today",
            f"{count} people died when a car bomb exploded in {where} today",
        )
    )
    body = kill
    if w:
        body += f", and {w} others were wounded"
    body += "."
    body += rng.choice(
        (
            " Local rescuers said the toll could rise.",
            " No group claimed responsibility for the attack.",
            " Residents said ambulances took the wounded to a field hospital.",
        )
    )
    return title, body


def articles_for_event(ev: Event, reports: int, rng: random.Random, english_share: float = 0.3) -> list[dict]:
    """``reports`` articles (schema article.v1) about one event, published on its day."""
    out = []
    for r in range(reports):
        english = rng.random() < english_share
        title, body = (_en_body if english else _ar_body)(ev, rng)
        source = rng.choice(EN_SOURCES if english else AR_SOURCES)
        out.append(
            {
                "id": f"{ev.event_id}-{r}",
                "source": source,
                "url": f"https://news.example/{ev.event_id}/{r}",
                "published_at": f"{ev.day}T{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}:00Z",
                "language": "en" if english else "ar",
                "title": title,
                "body": body,
            }
        )
    return out


def make_articles(
    n_events: int, seed: int = 7, max_reports: int = 3, english_share: float = 0.3
) -> tuple[list[Event], list[dict]]:
    """Events and their articles (1..max_reports each), in event order."""
    rng = random.Random(seed + 1)
    events = make_events(n_events, seed=seed)
    articles = []
    for ev in events:
        reports = rng.choice([1] * 3 + list(range(2, max_reports + 1)))
        articles.extend(articles_for_event(ev, reports, rng, english_share))
    return events, articles


def iter_jsonl(articles: list[dict]) -> Iterator[bytes]:
    """Articles as the raw records the input topic carries."""
    for a in articles:
        yield orjson.dumps(a)


if __name__ == "__main__":  # a quick look: python bench/synthetic.py
    evs, arts = make_articles(5)
    for a in arts:
        print(orjson.dumps(a, option=orjson.OPT_INDENT_2).decode())
