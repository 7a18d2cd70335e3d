"""Agent ``dedup``: casualties.mentions + casualties.references → casualties.incidents.

Both inputs are keyed by governorate with the same partition count, so partition p
of each holds the same governorates and lands on the worker that owns partition p
of the ``dedup-state`` table (Faust assigns co-partitioned topics together).
Incidents are upserts partitioned by governorate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..codecs import loads, validate
from ..dedup import DedupConfig
from ..pipeline import RegionalDedup
from ..state import PrefixedStore
from ..topology import DEDUP_STATE, INCIDENTS, MENTIONS, REFERENCES, region_key, topic_name
from .batching import run_stateful

if TYPE_CHECKING:
    from ..app import Runtime


def register_dedup(rt: Runtime) -> None:
    """Define the dedup agent on ``rt.app``; its state is the ``dedup-state`` table."""
    config = DedupConfig(
        date_window_days=rt.settings.dedup_window_days,
        horizon_days=rt.settings.dedup_horizon_days,
    )
    cache = rt.caches[DEDUP_STATE.name]
    dedup_core = RegionalDedup(lambda key: PrefixedStore(cache, f"{key}|"), config)

    references_topic = topic_name(rt.settings.topic_prefix, REFERENCES)

    def step(event: Any) -> list[dict]:
        record = loads(event.message.value)
        if event.message.topic == references_topic:
            validate("reference.v1.json", record, code="E106")
            changed = dedup_core.process_reference(record)
        else:
            validate("mention.v1.json", record, code="E106")
            changed = dedup_core.process(record)
        for incident in changed:
            validate("incident.v1.json", incident)
        return changed

    async def emit(incident: dict) -> Any:
        key = region_key(incident["region"]["admin1"])
        sent = await rt.send(INCIDENTS.name, incident["incident_id"], incident, partition_key=key)
        rt.metrics.incident_out(incident)
        return sent

    source = rt.app.topic(
        topic_name(rt.settings.topic_prefix, MENTIONS),
        references_topic,
        key_serializer="raw",
        value_serializer="raw",
        partitions=rt.settings.partitions,
    )

    @rt.app.agent(source, name="dedup")
    async def dedup(stream):
        await run_stateful(rt, stream, table=DEDUP_STATE.name, stage="dedup", error_code="E301",
                           step=step, emit=emit, output_key=lambda incident: incident["incident_id"])
