"""The per-record steps shared by the stream and the offline batch command.

The agents in :mod:`streams.agents` and :func:`streams.batch.run_batch` both
call these functions and nothing else, which is what makes the offline
results equal to the stream's: the only difference between the two is who
moves the records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .dedup.fingerprint import article_fingerprint
from .extract import extract_article
from .topology import region_key

__all__ = ["article_info", "mention_key", "mentions_for_article"]


def article_info(article: Mapping[str, Any]) -> dict:
    """What dedup needs to know about a mention's article (its ``article`` field)."""
    return {
        "source": article.get("source"),
        "url": article.get("url"),
        "published_at": article.get("published_at"),
        "title": article.get("title"),
        "fingerprint": article_fingerprint(article.get("title"), article["body"], article.get("url")),
    }


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
