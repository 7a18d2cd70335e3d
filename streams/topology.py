"""The named topology: every topic, table and agent, declared once.

Like Kafka Streams' named topologies, every name here is a stable contract:
topic names are what consumers subscribe to, and table names together with
the app id and version form the changelog topics
(``{app_id}-{table}-changelog``). Renaming one is a migration, not a refactor;
``tests/test_topology.py`` keeps a snapshot of them.

::

    articles.raw ──extract──▶ casualties.mentions   (keyed by governorate)
                     │    └──────▶ casualties.references (same keys and partitions)
                     │                 │ both
                     ▼              dedup  [table dedup-state]
             articles.deadletter       ▼
                     ▲        casualties.incidents (compacted, keyed by incident id,
                     │                 │             partitioned by governorate)
                     └──────────── aggregate  [table aggregate-state]
                                       ▼
                              casualties.aggregates (compacted, keyed by region|bucket)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "AGENTS",
    "TABLES",
    "TOPICS",
    "AgentSpec",
    "TableSpec",
    "TopicSpec",
    "region_key",
    "topic_name",
]

_NAME = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A topic: its logical name, what its key is, its value schema and its cleanup policy."""

    name: str
    key: str
    schema: str | None
    compacted: bool
    description: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"topic name {self.name!r}: only [A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A Faust table: its name is part of the changelog topic's name."""

    name: str
    agent: str
    description: str


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """A processor: the topics it reads (co-partitioned when several) and the topics it may write."""

    name: str
    sources: tuple[str, ...]
    sinks: tuple[str, ...]
    description: str


ARTICLES_RAW = TopicSpec(
    "articles.raw", "article id", "article.v1.json", False,
    "News articles to analyse (input).",
)
MENTIONS = TopicSpec(
    "casualties.mentions", "governorate p-code of the mention (or 'none')", "mention.v1.json", False,
    "Casualty mentions extracted from articles, re-keyed by region for dedup.",
)
REFERENCES = TopicSpec(
    "casualties.references", "governorate p-code of the place", "reference.v1.json", False,
    "Incident references: an article names an event at an exact place without a toll "
    "(co-partitioned with mentions; dedup adds the article to the incident as a source).",
)
INCIDENTS = TopicSpec(
    "casualties.incidents", "incident id", "incident.v1.json", True,
    "Deduplicated incidents, upserts (latest version wins); partitioned by governorate.",
)
AGGREGATES = TopicSpec(
    "casualties.aggregates", "'<region p-code>|<bucket>'", "aggregate.v1.json", True,
    "Per-region, per-period totals, upserts (latest version wins).",
)
DEADLETTER = TopicSpec(
    "articles.deadletter", "original key (or null)", "deadletter.v1.json", False,
    "Records that failed decoding, validation or processing, with the stage and the reason.",
)

TOPICS: dict[str, TopicSpec] = {
    t.name: t for t in (ARTICLES_RAW, MENTIONS, REFERENCES, INCIDENTS, AGGREGATES, DEADLETTER)
}

DEDUP_STATE = TableSpec("dedup-state", "dedup", "Incidents and their members, per governorate.")
AGGREGATE_STATE = TableSpec(
    "aggregate-state", "aggregate",
    "Per-incident applied contribution and per-region-bucket totals.",
)
TABLES: dict[str, TableSpec] = {t.name: t for t in (DEDUP_STATE, AGGREGATE_STATE)}

AGENTS: dict[str, AgentSpec] = {
    a.name: a
    for a in (
        AgentSpec("extract", (ARTICLES_RAW.name,), (MENTIONS.name, REFERENCES.name, DEADLETTER.name),
                  "Decode and validate articles, extract casualty mentions and incident references."),
        AgentSpec("dedup", (MENTIONS.name, REFERENCES.name), (INCIDENTS.name, DEADLETTER.name),
                  "Cluster mentions into incidents, cite references, emit new incident versions."),
        AgentSpec("aggregate", (INCIDENTS.name,), (AGGREGATES.name, DEADLETTER.name),
                  "Apply incident version differences to region totals."),
    )
}


def topic_name(prefix: str, spec: TopicSpec) -> str:
    """The physical topic name of ``spec`` for a deployment's prefix."""
    return f"{prefix}{spec.name}"


def region_key(admin1: str | None) -> str:
    """Partition key of everything regional: the governorate p-code, or ``"none"``."""
    return admin1 or "none"
