"""Settings of the deduplicator (a frozen dataclass: one place, validated)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DedupConfig"]


@dataclass(frozen=True)
class DedupConfig:
    """How mentions are grouped into incidents and how long incidents are kept.

    Args:
        date_window_days: two reports can be of one event when their event dates
            are at most this many days apart (default 1: one day either side).
        horizon_days: incidents whose latest event date is older than this
            (relative to the ``now_date`` given to ``expire``) are dropped.
        dup_min_bands: LSH bands (of 32) two articles must share to be near
            duplicates; 5 bands is a Jaccard similarity of shingles of about 0.4.
        evidence_chars: evidence sentences kept per source, to bound state size.
    """

    date_window_days: int = 1
    horizon_days: int = 30
    dup_min_bands: int = 5
    evidence_chars: int = 300

    def __post_init__(self) -> None:
        if self.date_window_days < 0:
            raise ValueError("date_window_days must be >= 0")
        if self.horizon_days < 1:
            raise ValueError("horizon_days must be >= 1")
        if not 1 <= self.dup_min_bands <= 32:
            raise ValueError("dup_min_bands must be in 1..32")
