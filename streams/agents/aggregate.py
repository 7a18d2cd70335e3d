"""Agent ``aggregate``: casualties.incidents → casualties.aggregates (upserts by region and bucket)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..codecs import loads, validate
from ..pipeline import RegionalAggregation
from ..state import PrefixedStore
from ..topology import AGGREGATE_STATE, AGGREGATES, INCIDENTS
from .batching import run_stateful

if TYPE_CHECKING:
    from ..app import Runtime


def register_aggregate(rt: Runtime) -> None:
    """Define the aggregate agent on ``rt.app``; its state is the ``aggregate-state`` table."""
    cache = rt.caches[AGGREGATE_STATE.name]
    aggregation = RegionalAggregation(lambda key: PrefixedStore(cache, f"{key}|"))

    def step(event: Any) -> list[dict]:
        incident = loads(event.message.value)
        validate("incident.v1.json", incident, code="E106")
        aggregator = aggregation.core(incident)
        previous_best = aggregator.previous_best(incident["incident_id"])
        changed = aggregator.apply(incident)
        for record in changed:
            validate("aggregate.v1.json", record)
        # Counted once per incident crossing the threshold, from the persisted previous toll.
        rt.metrics.observe_incident(incident, previous_best)
        return changed

    async def emit(record: dict) -> Any:
        sent = await rt.send(AGGREGATES.name, record["key"], record)
        rt.metrics.observe_aggregate(record)
        return sent

    @rt.app.agent(rt.topic(INCIDENTS.name), name="aggregate")
    async def aggregate(stream):
        await run_stateful(rt, stream, table=AGGREGATE_STATE.name, stage="aggregate", error_code="E401",
                           step=step, emit=emit, output_key=lambda record: record["key"])
