"""Resolve the event date of a sentence against the article's publication date.

Relative expressions only (أمس، أول أمس، الليلة الماضية، yesterday, on Monday):
absolute dates in the text are rare for single incidents and often refer to
something else (the start of a campaign). Unknown: the publication date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

__all__ = ["day_key", "event_date", "mask_report_days", "publication_date"]

_AR_DAYS: Final = (
    {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
)
_AR_WEEKDAYS: Final = tuple(_AR_DAYS)
_EN_DAYS: Final = (
    {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
)
_AR_BEFORE_YESTERDAY: Final = re.compile(r"\bاول امس\b|\bاول من امس\b")
_AR_YESTERDAY: Final = re.compile(r"\bامس\b|\bالليله الماضيه\b|\bليله امس\b|\bالبارحه\b")
_AR_TODAY: Final = re.compile(r"\b(?:صباح |مساء |ظهر |فجر )?اليوم\b")
_AR_DAY: Final = re.compile(r"\b(?:يوم )?(الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد)\b")
_EN_YESTERDAY: Final = re.compile(r"\byesterday\b|\blast night\b")
_EN_DAY: Final = (
    re.compile(r"\b(?:on |last |on last )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
)
_DATE: Final = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# A day named right after a reporting verb dates the report, not the event:
# "وقال المرصد في بيان أمس إن ..." , "أرقام أصدرها أمس الخميس", "the Observatory said on Monday".
# The words between verb and day may not open the reported clause (إن، بأن، أنه).
_AR_DAYWORD: Final = r"(?:امس|اليوم|الليله|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد)"
_AR_REPORT_DAY: Final = re.compile(
    r"\b[وف]?(?:قال|قالت|يقول|تقول|افاد|افادت|ذكر|ذكرت|اعلن|اعلنت|اكد|اكدت|اوضح|اوضحت|اشار|اشارت|"
    r"نشر|نشرت|اصدر|اصدرت|اصدرها|اصدره|صرح|صرحت|وثق|وثقت)\b"
    r"(?:\s+(?!(?:ان|بان|انه|بانه|انها|عن|الي|ب?مقتل|ب?اصابه)\b)\S+){0,8}?"
    r"\s+(?:(?:يوم|مساء|صباح|ظهر|ليل)\s+)?(" + _AR_DAYWORD + r"(?:\s+" + _AR_DAYWORD + r")?)\b"
)
_EN_REPORT_DAY: Final = re.compile(
    r"\b(?:said|says|reported|announced|stated|added|told \w+|confirmed)"
    r"(?: in (?:a|its) (?:statement|report|bulletin))?(?: on)?\s+"
    r"(yesterday|today|(?:last )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
)


# Every day expression above contains one of these words (the English ones end in "day" or
# "night"): a sentence with none of them names no day, and its date is the default.
_AR_DAY_WORDS: Final = ("امس", "اليوم", "الليله", "البارحه", *_AR_DAYS)
_EN_DAY_WORDS: Final = ("day", "night")


def _names_no_day(text: str, lang: str) -> bool:
    """True when ``text`` cannot hold a day expression (a few substring tests, no regex)."""
    for w in _AR_DAY_WORDS if lang == "ar" else _EN_DAY_WORDS:  # noqa: SIM110 (a loop: no generator in a hot path)
        if w in text:
            return False
    return True


# Every reporting verb of _AR_REPORT_DAY / _EN_REPORT_DAY holds one of these: a sentence with
# none of them reports nothing, and the regex (which has no literal to skip ahead to) is not run.
_AR_REPORT_CORES: Final = (
    ("قال", "قول", "افاد", "ذكر", "اعلن", "اكد", "اوضح", "اشار", "نشر", "اصدر", "صرح", "وثق")
)
_EN_REPORT_CORES: Final = ("said", "says", "reported", "announced", "stated", "added", "told", "confirmed")
# Words every match of a day regex holds (the same pre-check for each regex on its own).
_AR_YESTERDAY_WORDS: Final = ("امس", "الليله الماضيه", "البارحه")
_EN_YESTERDAY_WORDS: Final = ("yesterday", "last night")


def _holds(text: str, words: tuple[str, ...]) -> bool:
    """One of ``words`` occurs in ``text`` (a necessary condition of the regex it guards)."""
    for w in words:  # noqa: SIM110 (a loop: no generator in a hot path)
        if w in text:
            return True
    return False


# The longest text a day regex holds before its weekday name ("on last ", "يوم "): every
# match starts at most this far before a weekday name, so the leftmost match is found by
# a search from that far before the first weekday name in the text (instead of from 0).
_EN_DAY_LEAD: Final = len("on last ")
_AR_DAY_LEAD: Final = len("يوم ")
_EN_WEEKDAYS: Final = tuple(_EN_DAYS)


def _day_search(rx: re.Pattern[str], text: str, weekdays: tuple[str, ...], lead: int) -> re.Match[str] | None:
    """``rx.search(text)`` for a day regex (``_EN_DAY``, ``_AR_DAY``): the same leftmost match,
    searched from ``lead`` characters before the first weekday name (None without one)."""
    first = -1
    for w in weekdays:
        i = text.find(w)
        if i >= 0 and (first < 0 or i < first):
            first = i
    if first < 0:
        return None
    return rx.search(text, first - lead if first > lead else 0)


def mask_report_days(text: str, lang: str) -> str:
    """``text`` with the days that date a report (not an event) blanked, same length."""
    cores: tuple[str, ...]
    if lang == "ar":
        rx, cores = _AR_REPORT_DAY, _AR_REPORT_CORES
    else:
        rx, cores = _EN_REPORT_DAY, _EN_REPORT_CORES
    if _names_no_day(text, lang) or not _holds(text, cores) or not rx.search(text):
        return text
    return rx.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + " " * (m.end(1) - m.start(1)), text)


def day_key(text: str, lang: str, masked: bool = False) -> str:
    """The day a sentence speaks of, relative to publication ("-1", "wd3", "0"): lets two
    statements be compared by day even when the publication date is unknown; "" when the
    sentence names no day."""
    if not masked:
        text = mask_report_days(text, lang)
    if _names_no_day(text, lang):
        return ""
    # each regex only where one of its words occurs (they have no literal to skip ahead to)
    if lang == "ar":
        if "اول " in text and _AR_BEFORE_YESTERDAY.search(text):
            return "-2"
        if "اليوم" in text and _AR_TODAY.search(text):  # "اليوم الخميس": the weekday names today
            return "0"
        if _holds(text, _AR_YESTERDAY_WORDS) and _AR_YESTERDAY.search(text):  # "أمس السبت"
            return "-1"
        day = _day_search(_AR_DAY, text, _AR_WEEKDAYS, _AR_DAY_LEAD)
        if day:
            return f"wd{_AR_DAYS[day.group(1)]}"
    else:
        day = _day_search(_EN_DAY, text, _EN_WEEKDAYS, _EN_DAY_LEAD)
        if day:
            return f"wd{_EN_DAYS[day.group(1)]}"
        if _holds(text, _EN_YESTERDAY_WORDS) and _EN_YESTERDAY.search(text):
            return "-1"
    return ""


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


def event_date(text: str, pub: date | None, lang: str, masked: bool = False) -> str | None:
    """Event date (ISO) for normalised sentence ``text`` published on ``pub`` (``masked``: the
    report days are already blanked)."""
    if pub is None:
        return None
    if not masked:
        text = mask_report_days(text, lang)
    if _names_no_day(text, lang):
        return pub.isoformat()
    if lang == "ar":
        if "اول " in text and _AR_BEFORE_YESTERDAY.search(text):
            return (pub - timedelta(days=2)).isoformat()
        day = _day_search(_AR_DAY, text, _AR_WEEKDAYS, _AR_DAY_LEAD)
        if day:
            return _last(pub, _AR_DAYS[day.group(1)]).isoformat()
        if _holds(text, _AR_YESTERDAY_WORDS) and _AR_YESTERDAY.search(text):
            return (pub - timedelta(days=1)).isoformat()
    else:
        day = _day_search(_EN_DAY, text, _EN_WEEKDAYS, _EN_DAY_LEAD)
        if day:
            return _last(pub, _EN_DAYS[day.group(1)]).isoformat()
        if _holds(text, _EN_YESTERDAY_WORDS) and _EN_YESTERDAY.search(text):
            return (pub - timedelta(days=1)).isoformat()
    return pub.isoformat()


def _last(pub: date, weekday: int) -> date:
    """The latest ``weekday`` on or before ``pub``."""
    return pub - timedelta(days=(pub.weekday() - weekday) % 7)
