"""Deduplication: one incident per event, however many articles report it.

Pure core (no Faust/Kafka imports): :mod:`.fingerprint` (article keys, used by
the extract stage) and :class:`Deduplicator` (mentions -> incident versions).
"""

from streams.dedup.fingerprint import article_fingerprint

__all__ = ["article_fingerprint"]
