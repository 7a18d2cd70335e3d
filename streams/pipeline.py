"""The per-record steps shared by the stream and the offline batch command.

The agents in :mod:`streams.agents` and :func:`streams.batch.run_batch` both
call these functions and nothing else, which is what makes the offline
results equal to the stream's: the only difference between the two is who
moves the records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from .aggregate import Aggregator
from .dedup import DedupConfig, Deduplicator
from .dedup.fingerprint import article_fingerprint
from .extract import extract_article
from .extract.article import extract_with_analysis
from .extract.references import references_from
from .topology import region_key

__all__ = [
    "RegionalAggregation",
    "RegionalDedup",
    "analyse_article",
    "article_info",
    "mention_key",
    "mentions_for_article",
]

StoreFactory = Callable[[str], MutableMapping[str, Any]]


def article_info(article: Mapping[str, Any]) -> dict:
    """What dedup needs to know about a mention's article (its ``article`` field)."""
    return {
        "source": article.get("source"),
        "url": article.get("url"),
        "published_at": article.get("published_at"),
        "title": article.get("title"),
        "fingerprint": article_fingerprint(article.get("title"), article["body"], article.get("url")),
    }


def analyse_article(article: Mapping[str, Any]) -> tuple[list[dict], list[dict]]:
    """An article's casualty mentions and incident references, each carrying the article's
    info for dedup. References reuse what extraction computed (text, sentences, places)."""
    mentions, analysis = extract_with_analysis(article)
    references = references_from(analysis, mentions)
    if mentions or references:
        info = article_info(article)
        for record in (*mentions, *references):
            record["article"] = info
    return mentions, references


def mentions_for_article(article: Mapping[str, Any]) -> list[dict]:
    """Extract an article's casualty mentions, each carrying its article's info for dedup."""
    mentions = extract_article(article)
    if not mentions:
        return []
    info = article_info(article)
    for mention in mentions:
        mention["article"] = info
    return mentions


def mention_key(mention: Mapping[str, Any]) -> str:
    """The key a mention travels under: its governorate, so dedup state stays partition-local."""
    return region_key((mention.get("region") or {}).get("admin1"))


class RegionalDedup:
    """One :class:`Deduplicator` per governorate, each on its own store, with expiry on the data's clock.

    ``store_for(region_key)`` gives the state of one governorate: a dict in
    batch, a prefixed view of the Faust table in the stream. Incidents leave
    dedup memory once per new event day seen in a governorate.
    """

    def __init__(self, store_for: StoreFactory, config: DedupConfig) -> None:
        self._store_for = store_for
        self._config = config
        self._cores: dict[str, Deduplicator] = {}
        self._expired_through: dict[str, str] = {}

    def process(self, mention: Mapping[str, Any]) -> list[dict]:
        """New incident versions caused by ``mention`` (and by the expiry it triggers)."""
        key = mention_key(mention)
        core = self._cores.get(key)
        if core is None:
            core = self._cores[key] = Deduplicator(self._store_for(key), self._config)
        changed = core.process(dict(mention))
        day = mention.get("event_date")
        if day and day > self._expired_through.get(key, ""):
            self._expired_through[key] = day
            changed = changed + core.expire(day)
        return changed

    def process_reference(self, reference: Mapping[str, Any]) -> list[dict]:
        """New incident versions that list ``reference``'s article (references move no clock)."""
        key = mention_key(reference)
        core = self._cores.get(key)
        if core is None:
            core = self._cores[key] = Deduplicator(self._store_for(key), self._config)
        return core.process_reference(dict(reference))


class RegionalAggregation:
    """One :class:`Aggregator` per governorate, each on its own store."""

    def __init__(self, store_for: StoreFactory) -> None:
        self._store_for = store_for
        self._cores: dict[str, Aggregator] = {}

    def core(self, incident: Mapping[str, Any]) -> Aggregator:
        """The aggregator that owns ``incident``'s governorate."""
        key = region_key((incident.get("region") or {}).get("admin1"))
        core = self._cores.get(key)
        if core is None:
            core = self._cores[key] = Aggregator(self._store_for(key))
        return core
