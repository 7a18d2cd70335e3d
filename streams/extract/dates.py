"""Resolve the event date of a sentence against the article's publication date.

Relative expressions only (أمس، أول أمس، الليلة الماضية، yesterday, on Monday):
absolute dates in the text are rare for single incidents and often refer to
something else (the start of a campaign). Unknown: the publication date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["event_date", "publication_date"]

_AR_DAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
_EN_DAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_AR_BEFORE_YESTERDAY = re.compile(r"\bاول امس\b|\bاول من امس\b")
_AR_YESTERDAY = re.compile(r"\bامس\b|\bالليله الماضيه\b|\bليله امس\b|\bالبارحه\b")
_AR_DAY = re.compile(r"\b(?:يوم )?(الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد)\b")
_EN_YESTERDAY = re.compile(r"\byesterday\b|\blast night\b")
_EN_DAY = re.compile(r"\b(?:on |last |on last )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def publication_date(published_at: object) -> date | None:
    """The date part of ``published_at`` (RFC 3339), or None."""
    if not isinstance(published_at, str):
        return None
    m = _DATE.match(published_at)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def event_date(text: str, pub: date | None, lang: str) -> str | None:
    """Event date (ISO) for normalised sentence ``text`` published on ``pub``."""
    if pub is None:
        return None
    if lang == "ar":
        if _AR_BEFORE_YESTERDAY.search(text):
            return (pub - timedelta(days=2)).isoformat()
        day = _AR_DAY.search(text)
        if day:
            return _last(pub, _AR_DAYS[day.group(1)]).isoformat()
        if _AR_YESTERDAY.search(text):
            return (pub - timedelta(days=1)).isoformat()
    else:
        day = _EN_DAY.search(text)
        if day:
            return _last(pub, _EN_DAYS[day.group(1)]).isoformat()
        if _EN_YESTERDAY.search(text):
            return (pub - timedelta(days=1)).isoformat()
    return pub.isoformat()


def _last(pub: date, weekday: int) -> date:
    """The latest ``weekday`` on or before ``pub``."""
    return pub - timedelta(days=(pub.weekday() - weekday) % 7)
