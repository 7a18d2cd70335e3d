"""Agent ``dedup``: casualties.mentions → casualties.incidents (upserts, partitioned by governorate)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from ..codecs import loads, validate
from ..dedup import DedupConfig
from ..errors import HasilaError
from ..pipeline import RegionalDedup
from ..state import PrefixedStore
from ..topology import DEDUP_STATE, INCIDENTS, MENTIONS, region_key
from .batching import Journal, batches

if TYPE_CHECKING:
    from ..app import Runtime

log = logging.getLogger("hasila.dedup")


def register_dedup(rt: Runtime) -> None:
    """Define the dedup agent on ``rt.app``; its state is the ``dedup-state`` table."""
    config = DedupConfig(
        date_window_days=rt.settings.dedup_window_days,
        horizon_days=rt.settings.dedup_horizon_days,
    )
    metrics = rt.metrics

    @rt.app.agent(rt.topic(MENTIONS.name), name="dedup")
    async def dedup(stream):
        cache = rt.caches[DEDUP_STATE.name]
        journal = Journal(cache, rt.tables[DEDUP_STATE.name], rt.app.producer)
        dedup_core = RegionalDedup(lambda key: PrefixedStore(cache, f"{key}|"), config)
        async for events in batches(stream):
            journal.repair(events)
            cache.begin()
            latest: dict[str, dict] = {}  # the last version of each incident the batch changed
            for event in events:
                started = time.perf_counter()
                cache.owner = event
                try:
                    mention = loads(event.message.value)
                    validate("mention.v1.json", mention, code="E106")
                    changed = dedup_core.process(mention)
                    for incident in changed:
                        validate("incident.v1.json", incident)
                except HasilaError as exc:
                    await rt.deadletter("dedup", exc, event)
                    continue
                except Exception as exc:
                    log.exception("dedup failed at offset %s", event.message.offset)
                    await rt.deadletter("dedup", HasilaError("E301", repr(exc)[:500]), event)
                    continue
                for incident in changed:
                    latest.pop(incident["incident_id"], None)
                    latest[incident["incident_id"]] = incident
                metrics.stage_seconds("dedup", time.perf_counter() - started)
            for incident in latest.values():
                key = region_key(incident["region"]["admin1"])
                await rt.send(INCIDENTS.name, incident["incident_id"], incident, partition_key=key)
                metrics.incident_out(incident)
            await journal.commit()
