"""Agent ``aggregate``: casualties.incidents → casualties.aggregates (upserts by region and bucket)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from ..codecs import loads, validate
from ..errors import HasilaError
from ..pipeline import RegionalAggregation
from ..state import PrefixedStore
from ..topology import AGGREGATE_STATE, AGGREGATES, INCIDENTS
from .batching import Journal, batches

if TYPE_CHECKING:
    from ..app import Runtime

log = logging.getLogger("hasila.aggregate")


def register_aggregate(rt: Runtime) -> None:
    """Define the aggregate agent on ``rt.app``; its state is the ``aggregate-state`` table."""
    metrics = rt.metrics

    @rt.app.agent(rt.topic(INCIDENTS.name), name="aggregate")
    async def aggregate(stream):
        cache = rt.caches[AGGREGATE_STATE.name]
        journal = Journal(cache, rt.tables[AGGREGATE_STATE.name], rt.app.producer)
        aggregation = RegionalAggregation(lambda key: PrefixedStore(cache, f"{key}|"))
        async for events in batches(stream):
            journal.repair(events)
            cache.begin()
            latest: dict[str, dict] = {}  # the last version of each aggregate the batch changed
            for event in events:
                started = time.perf_counter()
                cache.owner = event
                try:
                    incident = loads(event.message.value)
                    validate("incident.v1.json", incident, code="E106")
                    aggregator = aggregation.core(incident)
                    previous_best = aggregator.previous_best(incident["incident_id"])
                    changed = aggregator.apply(incident)
                    for record in changed:
                        validate("aggregate.v1.json", record)
                except HasilaError as exc:
                    await rt.deadletter("aggregate", exc, event)
                    continue
                except Exception as exc:
                    log.exception("aggregation failed at offset %s", event.message.offset)
                    await rt.deadletter("aggregate", HasilaError("E401", repr(exc)[:500]), event)
                    continue
                metrics.observe_incident(incident, previous_best)
                for record in changed:
                    latest.pop(record["key"], None)
                    latest[record["key"]] = record
                metrics.stage_seconds("aggregate", time.perf_counter() - started)
            for record in latest.values():
                await rt.send(AGGREGATES.name, record["key"], record)
                metrics.observe_aggregate(record)
            await journal.commit()
