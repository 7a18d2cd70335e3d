"""Every Prometheus metric Hasila exports, declared in one place.

The agents call the methods of :class:`HasilaMetrics`; nothing else creates a
metric. Every label value comes from a closed set (governorate p-codes, kinds,
victim categories, stages, statuses, error codes, topic names) and anything
outside it becomes ``"other"``: no label is ever taken from article text, so
the number of series is bounded (see docs/metrics.md for the count).

Casualty and incident *totals* are gauges, set from the aggregate records,
because corrections and merges lower them and a counter cannot go down.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = [
    "ADMIN1",
    "KINDS",
    "LANGUAGES",
    "MASS_CASUALTY_THRESHOLD",
    "STAGES",
    "STATUSES",
    "TOPICS",
    "VICTIMS",
    "HasilaMetrics",
    "build_metrics",
    "metric_names",
]

NAMESPACE = "hasila"
OTHER = "other"

#: Governorates of Syria (OCHA admin1 p-codes), "none" for unplaced, "other" for anything else.
ADMIN1: frozenset[str] = frozenset({f"SY{n:02d}" for n in range(1, 15)} | {"none", OTHER})
KINDS: frozenset[str] = frozenset({"killed", "injured", OTHER})
VICTIMS: frozenset[str] = frozenset({"civilian", "combatant", "unknown", OTHER})
LANGUAGES: frozenset[str] = frozenset({"ar", "en", OTHER})
STATUSES: frozenset[str] = frozenset({"active", "merged", "expired", OTHER})
#: Pipeline stages: the dead-letter stages of schemas/deadletter.v1.json.
STAGES: frozenset[str] = frozenset({"decode", "validate", "extract", "dedup", "aggregate", "produce", OTHER})
#: Logical topic names (streams/topology.py), without the deployment prefix.
TOPICS: frozenset[str] = frozenset(
    {
        "articles.raw",
        "casualties.mentions",
        "casualties.references",
        "casualties.incidents",
        "casualties.aggregates",
        "articles.deadletter",
        OTHER,
    }
)
MAX_PARTITIONS = 256
MASS_CASUALTY_THRESHOLD = 10
_CODE = re.compile(r"^E[0-9]{3}$")

#: Latency buckets (seconds): per-record work is milliseconds; batches and stalls reach seconds.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


def _closed(value: Any, allowed: frozenset[str]) -> str:
    return value if isinstance(value, str) and value in allowed else OTHER


def admin1_label(value: Any) -> str:
    """``SY01``..``SY14`` or ``none`` as they are; None → ``none``; anything else → ``other``."""
    if value is None:
        return "none"
    return _closed(value, ADMIN1)


def code_label(value: Any) -> str:
    """An error code ``E###`` as it is; anything else → ``other``."""
    return value if isinstance(value, str) and _CODE.match(value) else OTHER


def topic_label(value: Any) -> str:
    """The logical topic name (any deployment prefix dropped) if known, else ``other``."""
    if not isinstance(value, str):
        return OTHER
    for name in TOPICS:
        if name != OTHER and value.endswith(name):
            return name
    return OTHER


def partition_label(value: Any) -> str:
    """A partition number below :data:`MAX_PARTITIONS` as text, else ``other``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_PARTITIONS:
        return str(value)
    return OTHER


@dataclass
class HasilaMetrics:
    """Hasila's metrics in one registry; build with :func:`build_metrics`."""

    registry: CollectorRegistry
    articles_in: Counter
    mentions_out: Counter
    incidents_out: Counter
    deadletters: Counter
    processing_seconds: Histogram
    consumer_lag: Gauge
    casualties: Gauge
    incidents: Gauge
    mass_casualty_incidents: Counter
    last_article_timestamp: Gauge
    stalls: Counter
    worker_start_time: Gauge

    # -- pipeline ------------------------------------------------------------------
    def article_in(self, language: Any) -> None:
        """Count one article read (``language`` outside ar/en → ``other``)."""
        self.articles_in.labels(_closed(language, LANGUAGES)).inc()
        self.last_article_timestamp.set_to_current_time()

    def mention_out(self, kind: Any, n: int = 1) -> None:
        """Count ``n`` casualty mentions produced of ``kind``."""
        self.mentions_out.labels(_closed(kind, KINDS)).inc(n)

    def article_processed(
        self, article: Mapping[str, Any], mentions: Iterable[Mapping[str, Any]], seconds: float
    ) -> None:
        """One article fully through extraction: input count, mentions by kind, latency."""
        self.article_in(article.get("language"))
        for mention in mentions:
            self.mention_out(mention.get("kind"))
        self.stage_seconds("extract", seconds)

    def stage_seconds(self, stage: Any, seconds: float) -> None:
        """Observe the time one record spent in ``stage``."""
        self.processing_seconds.labels(_closed(stage, STAGES)).observe(max(0.0, seconds))

    def deadletter(self, stage: Any, code: Any) -> None:
        """Count one record sent to the dead-letter topic."""
        self.deadletters.labels(_closed(stage, STAGES), code_label(code)).inc()

    def set_lag(self, topic: Any, partition: Any, lag: int | float) -> None:
        """Set the consumer lag (messages behind the high watermark) of one partition."""
        self.consumer_lag.labels(topic_label(topic), partition_label(partition)).set(max(0, lag))

    def stall(self, topic: Any, partition: Any) -> None:
        """Count one stalled partition found by the watchdog (streams/watchdog.py)."""
        self.stalls.labels(topic_label(topic), partition_label(partition)).inc()

    # -- incidents -----------------------------------------------------------------
    def incident_out(self, incident: Mapping[str, Any]) -> None:
        """Count one incident version published by deduplication, by status."""
        self.incidents_out.labels(_closed(incident.get("status"), STATUSES)).inc()

    def observe_incident(self, incident: Mapping[str, Any], previous_best: int | None) -> bool:
        """Count the incident if this version takes it to ≥10 killed for the first time.

        ``previous_best`` is the killed count the incident contributed before
        this version (``Aggregator.previous_best``; 0 or None when new), read
        from persistent state, so a replay after a restart does not count the
        same incident twice. Returns True when it counted.
        """
        if incident.get("kind") != "killed" or incident.get("status") == "merged":
            return False
        best = incident.get("count_best")
        if not isinstance(best, int) or best < MASS_CASUALTY_THRESHOLD:
            return False
        if (previous_best or 0) >= MASS_CASUALTY_THRESHOLD:
            return False
        admin1 = (incident.get("region") or {}).get("admin1")
        self.mass_casualty_incidents.labels(admin1_label(admin1)).inc()
        return True

    # -- aggregates ----------------------------------------------------------------
    def observe_aggregate(self, record: Mapping[str, Any]) -> bool:
        """Set the casualty and incident gauges from a governorate's all-time aggregate.

        Records of other levels or buckets are ignored (False): the gauges are
        current totals per governorate, and Prometheus keeps their history.
        """
        level = record.get("level")
        if record.get("bucket") != "all" or level not in ("admin1", "none"):
            return False
        admin1 = admin1_label(record.get("region"))
        by_victim = record.get("by_victim") or {}
        for victim in ("civilian", "combatant", "unknown"):
            counts = by_victim.get(victim) or {}
            for kind in ("killed", "injured"):
                self.casualties.labels(admin1, kind, victim).set(counts.get(kind, 0))
        by_kind = record.get("incidents_by_kind")
        if isinstance(by_kind, Mapping):
            for kind in ("killed", "injured"):
                self.incidents.labels(admin1, kind).set(by_kind.get(kind, 0))
        return True

    def forget_region(self, admin1: Any) -> None:
        """Drop a governorate's gauges (call when its partition moves to another worker)."""
        label = admin1_label(admin1)
        for victim in ("civilian", "combatant", "unknown"):
            for kind in ("killed", "injured"):
                with contextlib.suppress(KeyError):
                    self.casualties.remove(label, kind, victim)
        for kind in ("killed", "injured"):
            with contextlib.suppress(KeyError):
                self.incidents.remove(label, kind)

    def touch(self, now: float | None = None) -> None:
        """Mark that an article was processed at ``now`` (default: the current time)."""
        self.last_article_timestamp.set(time.time() if now is None else now)


def build_metrics(registry: CollectorRegistry | None = None) -> HasilaMetrics:
    """Create every Hasila metric in ``registry`` (a fresh one when None).

    The mass-casualty counter starts at 0 for every governorate: Prometheus'
    ``increase()`` cannot see the first increment of a series that appears
    with the value 1, and the alert on it must fire on the first incident.
    """
    registry = registry if registry is not None else CollectorRegistry()
    kw = {"namespace": NAMESPACE, "registry": registry}
    metrics = HasilaMetrics(
        registry=registry,
        articles_in=Counter("articles_in", "Articles read, by language.", ["language"], **kw),
        mentions_out=Counter("mentions_out", "Casualty mentions produced, by kind.", ["kind"], **kw),
        incidents_out=Counter("incidents_out", "Incident versions published, by status.", ["status"], **kw),
        deadletters=Counter("deadletters", "Records sent to the dead-letter topic.", ["stage", "code"], **kw),
        processing_seconds=Histogram(
            "processing_seconds",
            "Time one record spends in a pipeline stage.",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            **kw,
        ),
        consumer_lag=Gauge(
            "consumer_lag",
            "Messages between the committed offset and the high watermark.",
            ["topic", "partition"],
            **kw,
        ),
        casualties=Gauge(
            "casualties",
            "Current casualty totals per governorate (all time; lowered by corrections).",
            ["admin1", "kind", "victim"],
            **kw,
        ),
        incidents=Gauge(
            "incidents",
            "Current number of incidents per governorate and kind (merges lower it).",
            ["admin1", "kind"],
            **kw,
        ),
        mass_casualty_incidents=Counter(
            "mass_casualty_incidents",
            "Incidents reaching 10 or more killed for the first time.",
            ["admin1"],
            **kw,
        ),
        last_article_timestamp=Gauge(
            "last_article_timestamp_seconds",
            "Unix time the last article was processed (wall clock of the worker).",
            **kw,
        ),
        stalls=Counter(
            "stalls",
            "Partitions found stalled: records waiting, committed offset frozen (HASILA_STALL_SECONDS).",
            ["topic", "partition"],
            **kw,
        ),
        worker_start_time=Gauge(
            "worker_start_time_seconds",
            "Unix time this worker process started: its changes count restarts (watchdog, crashes).",
            **kw,
        ),
    )
    metrics.worker_start_time.set_to_current_time()
    for admin1 in sorted(ADMIN1):
        metrics.mass_casualty_incidents.labels(admin1)
    return metrics


def metric_names(registry: CollectorRegistry | None = None) -> set[str]:
    """Every sample name Hasila exports (with ``_total``, ``_bucket``... suffixes)."""
    metrics = build_metrics(registry)
    names: set[str] = set()
    for collector in (
        metrics.articles_in,
        metrics.mentions_out,
        metrics.incidents_out,
        metrics.deadletters,
        metrics.processing_seconds,
        metrics.consumer_lag,
        metrics.casualties,
        metrics.incidents,
        metrics.mass_casualty_incidents,
        metrics.last_article_timestamp,
        metrics.stalls,
        metrics.worker_start_time,
    ):
        for family in collector.describe():
            names.add(family.name)
            if family.type == "counter":
                names.update({family.name + "_total", family.name + "_created"})
            elif family.type == "histogram":
                names.update(family.name + s for s in ("_bucket", "_sum", "_count", "_created"))
    return names
