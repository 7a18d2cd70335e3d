"""Event-date buckets of the region aggregates.

Buckets follow the date the violence happened (``event_date``), not the date a
report arrived: a late report of last week's shelling must land in last week.
An incident without an event date only counts in the ``all`` bucket, because
inventing a date would put its dead on the wrong day.
"""

from __future__ import annotations

from datetime import date

__all__ = ["ALL", "buckets_for", "day_bucket", "week_bucket"]

ALL = "all"


def day_bucket(d: date) -> str:
    """``day:YYYY-MM-DD`` for ``d``."""
    return f"day:{d.isoformat()}"


def week_bucket(d: date) -> str:
    """``week:YYYY-Www`` for the ISO week of ``d`` (ISO year, which differs near New Year)."""
    iso = d.isocalendar()
    return f"week:{iso.year:04d}-W{iso.week:02d}"


def buckets_for(event_date: str | None) -> list[str]:
    """Every bucket an incident dated ``event_date`` (``YYYY-MM-DD`` or None) counts in.

    Raises ``ValueError`` for a date that is not a real calendar date.
    """
    if event_date is None:
        return [ALL]
    d = date.fromisoformat(event_date)
    return [day_bucket(d), week_bucket(d), ALL]
