"""Deduplication: one incident per event, however many articles report it.

Pure core (no Faust/Kafka imports): :mod:`.fingerprint` (article keys, used by
the extract stage) and :class:`Deduplicator` (mentions -> incident versions).
See docs/dedup.md.
"""

from streams.dedup.config import DedupConfig
from streams.dedup.core import Deduplicator, partition_of
from streams.dedup.fingerprint import article_fingerprint

__all__ = ["DedupConfig", "Deduplicator", "article_fingerprint", "partition_of"]
