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
        index_bands: how many LSH band positions (the first ones) are indexed
            to find copy candidates. Each indexed band is one store key written
            per article and deleted at expiry (a changelog record each in the
            stream). Candidates are still confirmed on all 32 bands, so this
            only trades recall at the borderline: two articles sharing k bands
            are missed with probability C(32-N, k) / C(32, k) -- with the
            default 16, 2.2% at exactly 5 shared bands (Jaccard ~0.4), under
            0.1% from 8; 28 or more guarantees every pair with 5 shared bands
            is found. Exact copies are always found (text hash, URL key).
    """

    date_window_days: int = 1
    horizon_days: int = 30
    dup_min_bands: int = 5
    evidence_chars: int = 300
    index_bands: int = 16

    def __post_init__(self) -> None:
        if self.date_window_days < 0:
            raise ValueError("date_window_days must be >= 0")
        if self.horizon_days < 1:
            raise ValueError("horizon_days must be >= 1")
        if not 1 <= self.dup_min_bands <= 32:
            raise ValueError("dup_min_bands must be in 1..32")
        if not 1 <= self.index_bands <= 32:
            raise ValueError("index_bands must be in 1..32")
