"""Agent ``dedup``: casualties.mentions → casualties.incidents (upserts, partitioned by governorate)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..codecs import loads, validate
from ..dedup import DedupConfig
from ..pipeline import RegionalDedup
from ..state import PrefixedStore
from ..topology import DEDUP_STATE, INCIDENTS, MENTIONS, region_key
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

    def step(event: Any) -> list[dict]:
        mention = loads(event.message.value)
        validate("mention.v1.json", mention, code="E106")
        changed = dedup_core.process(mention)
        for incident in changed:
            validate("incident.v1.json", incident)
        return changed

    async def emit(incident: dict) -> None:
        key = region_key(incident["region"]["admin1"])
        await rt.send(INCIDENTS.name, incident["incident_id"], incident, partition_key=key)
        rt.metrics.incident_out(incident)

    @rt.app.agent(rt.topic(MENTIONS.name), name="dedup")
    async def dedup(stream):
        await run_stateful(rt, stream, table=DEDUP_STATE.name, stage="dedup", error_code="E301",
                           step=step, emit=emit, output_key=lambda incident: incident["incident_id"])
