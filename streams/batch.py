"""Offline analysis of a corpus with the stream's own core, no Kafka.

``hasila batch FILE.jsonl --out DIR`` reads articles, runs the same steps the
agents run (decode → extract → dedup → aggregate) and writes what the output
topics would hold once compacted:

* ``mentions.jsonl``: every mention, as on ``casualties.mentions``;
* ``references.jsonl``: every incident reference, as on ``casualties.references``;
* ``incidents.jsonl``: the latest version of every incident still standing
  (merged ones are left out: they live on in the incident that absorbed them);
* ``aggregates.jsonl``: the latest version of every region/bucket total;
* ``deadletter.jsonl``: the records that failed, with their reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .codecs import decode_article, dumps, validate
from .config import Settings
from .dedup import DedupConfig
from .errors import HasilaError, deadletter_record, input_stage
from .pipeline import RegionalAggregation, RegionalDedup, analyse_article
from .topology import ARTICLES_RAW

__all__ = ["BatchResult", "run_batch", "write_batch"]


@dataclass
class BatchResult:
    """Everything a batch run produced, in output order."""

    mentions: list[dict] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    incidents: dict[str, dict] = field(default_factory=dict)
    aggregates: dict[str, dict] = field(default_factory=dict)
    deadletters: list[dict] = field(default_factory=list)

    @property
    def standing_incidents(self) -> list[dict]:
        """Latest version of each incident that was not merged into another, by id."""
        return [i for _, i in sorted(self.incidents.items()) if i["status"] != "merged"]


def run_batch(raw_records: Iterable[bytes | str], settings: Settings | None = None) -> BatchResult:
    """Run the whole pipeline over raw article records (JSON text, one per record)."""
    settings = settings or Settings()
    result = BatchResult()
    dedup_stores: dict[str, dict] = {}
    agg_stores: dict[str, dict] = {}
    config = DedupConfig(
        date_window_days=settings.dedup_window_days, horizon_days=settings.dedup_horizon_days
    )
    # One state per governorate, as the stream's partitions have (see streams.pipeline).
    dedup = RegionalDedup(lambda key: dedup_stores.setdefault(key, {}), config)
    aggregation = RegionalAggregation(lambda key: agg_stores.setdefault(key, {}))
    for offset, raw in enumerate(raw_records):
        try:
            article = decode_article(
                raw, max_bytes=settings.max_article_bytes, max_body_chars=settings.max_body_chars
            )
        except HasilaError as exc:
            result.deadletters.append(
                deadletter_record(stage=input_stage(exc.code), error=exc,
                                  topic=ARTICLES_RAW.name, original=raw, offset=offset,
                                  keep_bytes=settings.deadletter_keep_bytes)
            )
            continue
        mentions, references = analyse_article(article)
        for mention in mentions:
            validate("mention.v1.json", mention, code="E202")
            result.mentions.append(mention)
        for reference in references:
            validate("reference.v1.json", reference, code="E203")
            result.references.append(reference)
        changes = [dedup.process(m) for m in mentions] + [dedup.process_reference(r) for r in references]
        for changed in changes:
            for incident in changed:
                validate("incident.v1.json", incident)
                result.incidents[incident["incident_id"]] = incident
                for agg in aggregation.core(incident).apply(incident):
                    validate("aggregate.v1.json", agg)
                    result.aggregates[agg["key"]] = agg
    return result


def write_batch(result: BatchResult, out_dir: Path) -> dict[str, int]:
    """Write the four JSONL files of a batch run; returns the line count of each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "mentions.jsonl": result.mentions,
        "references.jsonl": result.references,
        "incidents.jsonl": result.standing_incidents,
        "aggregates.jsonl": [a for _, a in sorted(result.aggregates.items())],
        "deadletter.jsonl": result.deadletters,
    }
    counts = {}
    for name, rows in files.items():
        with (out_dir / name).open("wb") as fh:
            for row in rows:
                fh.write(dumps(row) + b"\n")
        counts[name] = len(rows)
    return counts
