"""Composition root: the Faust app, its topics and tables, wired from Settings.

Nothing here computes anything about casualties. :func:`create_runtime`
builds a :class:`Runtime` that holds the app and every named topic and
table of :mod:`streams.topology`; the agents (:mod:`streams.agents`) and the
web views (:mod:`streams.web`) register themselves on it.

Topic values are raw bytes (``value_serializer="raw"``): :mod:`streams.codecs`
owns their encoding and validation, so a bad record reaches the agent as
bytes and can be dead-lettered instead of blowing up inside Faust's decoder.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

import faust
from prometheus_client import CollectorRegistry

from .codecs import dumps
from .config import Settings
from .consumer import HasilaApp
from .errors import HasilaError, deadletter_record
from .kafka import INPUT_MAX_MESSAGE_BYTES, faust_credentials, partition_for
from .metrics import HasilaMetrics, build_metrics
from .state import ReadCache
from .topology import (
    AGGREGATE_STATE,
    DEADLETTER,
    DEDUP_STATE,
    TOPICS,
    topic_name,
)
from .watchdog import StallWatch

__all__ = ["ROCKSDB_OPTIONS", "Runtime", "create_runtime"]

#: RocksDB sizes per partition database. Faust's defaults (64 MB write buffers x 3 and a 2 GB
#: block cache per database) let a worker with 2 tables x N partitions grow by hundreds of MB;
#: Hasila's state is small (dedup is bounded by its horizon) and hot keys are served by the
#: read caches (streams/state.py), so small buffers suffice: at most ~9 MB per database.
ROCKSDB_OPTIONS = {
    "write_buffer_size": 2 * 1024 * 1024,
    "max_write_buffer_number": 2,
    "target_file_size_base": 8 * 1024 * 1024,
    "block_cache_size": 4 * 1024 * 1024,
    "block_cache_compressed_size": 1024 * 1024,
}

log = logging.getLogger("hasila")


@dataclass
class Runtime:
    """The running pieces of one worker: app, topics, tables, metrics."""

    settings: Settings
    app: faust.App
    topics: dict[str, Any]
    tables: dict[str, Any]
    metrics: HasilaMetrics
    registry: CollectorRegistry
    caches: dict[str, ReadCache] = field(default_factory=dict)
    started_at: float = field(default_factory=time.time)

    def topic(self, logical_name: str) -> Any:
        """The Faust topic of a logical name from :data:`streams.topology.TOPICS`."""
        return self.topics[logical_name]

    async def send(self, logical_name: str, key: str | None, value: dict, *,
                   partition_key: str | None = None) -> asyncio.Future:
        """Send a record and return its delivery future; ``partition_key`` pins the partition.

        The record goes straight to the producer (Faust's ``Producer.send``, which hands it to
        aiokafka and returns its delivery future): Hasila's topics carry raw bytes, so Faust's
        ``Topic.send`` path (a future message, codec lookups, send sensors, a done-callback)
        only added per-record cost. The agents' flushes (``batching.deliver``) wait for delivery
        and check the futures. With ``HASILA_FAUST_SENSORS`` on, Faust's path is kept so its send
        sensors count them.
        """
        partition = None
        if partition_key is not None:
            partition = partition_for(partition_key, self.settings.partitions)
        raw_key = key.encode("utf-8") if key is not None else None
        if self.settings.faust_sensors:
            return await self.topics[logical_name].send(key=raw_key, value=dumps(value), partition=partition)
        return await self.app.producer.send(self.topics[logical_name].get_topic_name(), raw_key,
                                            dumps(value), partition, None, None)

    async def deadletter(self, stage: str, error: HasilaError, event: Any,
                         article_id: str | None = None) -> asyncio.Future:
        """Send the event's original bytes to the dead-letter topic with the reason, and count it."""
        message = event.message
        record = deadletter_record(
            stage=stage,
            error=error,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
            original=message.value,
            article_id=article_id,
            keep_bytes=self.settings.deadletter_keep_bytes,
        )
        log.warning("dead letter %s[%s]@%s %s", message.topic, message.partition,
                    message.offset, str(error)[:300])
        self.metrics.deadletter(stage, error.code)
        return await self.send(DEADLETTER.name, record["key"], record)


def create_runtime(settings: Settings, registry: CollectorRegistry | None = None) -> Runtime:
    """Build the app with all topics, tables, agents and web views registered."""
    registry = registry or CollectorRegistry()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = HasilaApp(
        settings.app_id,
        version=1,
        broker=settings.faust_broker,
        broker_credentials=faust_credentials(settings),
        store=settings.store,
        datadir=str(settings.data_dir),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication,
        topic_allow_declare=True,
        key_serializer="json",  # tables; Hasila's own topics are raw bytes (see below)
        value_serializer="json",
        web_enabled=True,
        web_bind=settings.web_bind,
        web_port=settings.web_port,
        web_host=settings.web_bind if settings.web_bind != "0.0.0.0" else "127.0.0.1",
        consumer_max_fetch_size=8 * 1024 * 1024,
        broker_session_timeout=10.0,
        broker_heartbeat_interval=3.0,
        stream_wait_empty=True,  # a rebalance waits for the batch in flight (see agents/batching.py)
        producer_linger_ms=20,
        producer_max_batch_size=256 * 1024,
        producer_max_request_size=INPUT_MAX_MESSAGE_BYTES,
        table_cleanup_interval=60.0,
        # No standby copies of other workers' partitions: in the rebalance fault-injection run a
        # survivor whose moved partitions came from its standby copy lost input effects; with
        # recovery reading the changelog instead, 9 of 9 runs matched (docs/reliability.md,
        # "Open"). Failover reads the changelog: slower, but exact.
        table_standby_replicas=0,
        autodiscover=False,
    )
    topics = {
        name: app.topic(
            topic_name(settings.topic_prefix, spec),
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.partitions,
        )
        for name, spec in TOPICS.items()
    }
    tables = {
        spec.name: app.Table(
            spec.name,
            default=None,
            key_type=str,
            partitions=settings.partitions,
            help=spec.description,
            # A batch's journal record holds every key the batch changed (streams/agents/batching.py).
            extra_topic_configs={"max.message.bytes": str(INPUT_MAX_MESSAGE_BYTES)},
            options=ROCKSDB_OPTIONS if settings.store.startswith("rocksdb") else None,
        )
        for spec in (DEDUP_STATE, AGGREGATE_STATE)
    }
    metrics = build_metrics(registry)
    caches = {name: ReadCache(table) for name, table in tables.items()}
    runtime = Runtime(settings, app, topics, tables, metrics, registry, caches)

    async def _drop_caches(sender: Any = None, *args: Any, **kwargs: Any) -> None:
        # Partitions moved or a table recovered from its changelog: cached values may be stale.
        for cache in caches.values():
            cache.clear()

    app.on_partitions_revoked.connect(_drop_caches)
    app.on_partitions_assigned.connect(_drop_caches)
    app.on_rebalance_complete.connect(_drop_caches)

    from .agents import register_agents
    from .web import register_views

    register_agents(runtime)
    register_views(runtime)
    _register_lag_timer(runtime)
    _register_watchdog(runtime)
    _register_gauge_refresh(runtime)
    return runtime


def _timer(rt: Runtime, interval: float) -> Any:
    """``app.timer`` for Hasila's housekeeping: an exception is logged, never raised.

    An exception that escapes a Faust timer crashes the whole app (the worker stops); the
    lag gauge or the stall watchdog must never take processing down with it.
    """
    def register(fun: Any) -> Any:
        @functools.wraps(fun)
        async def guarded() -> None:
            try:
                await fun()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s failed (%r); next try in %.0f s", fun.__name__, exc, interval)

        return rt.app.timer(interval)(guarded)

    return register


def _register_gauge_refresh(rt: Runtime, interval: float = 15.0) -> None:
    """Keep the per-governorate gauges equal to the table state of the governorates this worker owns.

    Aggregates update the gauges as they happen; this timer also fills them after a restart (the
    table recovered, no new incident yet) and drops them for governorates whose partition moved
    to another worker, so that ``sum by (admin1)`` over workers counts each governorate once.
    """
    from .places import default_gazetteer

    incidents_topic = topic_name(rt.settings.topic_prefix, TOPICS["casualties.incidents"])
    region_keys = [*default_gazetteer().admin1_codes(), "none"]

    @_timer(rt, interval)
    async def refresh_region_gauges() -> None:
        consumer = rt.app.consumer
        if consumer is None or rt.app.rebalancing:
            return
        owned = {tp.partition for tp in consumer.assignment() if tp.topic == incidents_topic}
        table = rt.tables[AGGREGATE_STATE.name]
        for key in region_keys:
            if partition_for(key, rt.settings.partitions) in owned:
                record = table.get(f"{key}|a|{key}|all")
                if record is not None:
                    rt.metrics.observe_aggregate(record)
            else:
                rt.metrics.forget_region(key)


def _own_partitions(rt: Runtime) -> set[Any]:
    """This worker's partitions of Hasila's own topics (not the tables' changelogs)."""
    consumer = rt.app.consumer
    if consumer is None:
        return set()
    own = {topic_name(rt.settings.topic_prefix, spec) for spec in TOPICS.values()}
    return {tp for tp in consumer.assignment() if tp.topic in own}


def _register_lag_timer(rt: Runtime, interval: float = 5.0) -> None:
    """Every few seconds, publish how far this worker's partitions are behind their high watermark.

    Behind means from the committed offset, as Kafka's own tools count consumer lag: records
    fetched but not yet processed (up to a fetch buffer's worth) are still waiting, and a
    worker stalled with a full buffer must not look caught up to ``HasilaPartitionStuck``.
    The fetch position stands in for a partition with no committed offset yet.

    Only Hasila's own topics count: the assignment also holds the tables' changelog partitions,
    which the worker reads only while recovering, so their "lag" grew with every table write
    (the soak saw a gauge of 200,000 with an external lag of 200).
    """
    @_timer(rt, interval)
    async def consumer_lag() -> None:
        consumer = rt.app.consumer
        assigned = _own_partitions(rt)
        if not assigned:
            return
        highwaters = await consumer.highwaters(*assigned)
        committed = getattr(consumer, "_committed_offset", {})
        for tp in assigned:
            position = committed.get(tp)
            if position is None:
                position = await consumer.position(tp)
            high = highwaters.get(tp)
            if position is None or high is None:
                continue
            rt.metrics.set_lag(tp.topic.removeprefix(rt.settings.topic_prefix), tp.partition,
                               max(0, high - position))


#: Exit status of a worker the watchdog stopped (EX_TEMPFAIL): "restart me".
STALL_EXIT_STATUS = 75


def worker_state(app: Any, tps: Any = ()) -> dict[str, Any]:
    """What Faust's consumer thinks of its partitions and flow, for the stall report.

    Reads Faust internals defensively (faust-streaming 0.15): this is a diagnostic, and
    a missing attribute must not hide the stall it reports.
    """
    consumer = app.consumer
    wanted = {_label(tp) for tp in tps}

    def pick(name: str) -> Any:
        value = getattr(consumer, name, None)
        if value is None:
            return None
        return sorted(_label(tp) for tp in value if not wanted or _label(tp) in wanted)

    recovery = getattr(app.tables, "recovery", None)
    producer_buffer = getattr(getattr(app, "producer", None), "buffer", None)
    pending = getattr(producer_buffer, "pending", None)
    return {
        "rebalancing": getattr(app, "rebalancing", None),
        "in_recovery": getattr(app, "in_recovery", None),
        "flow_active": getattr(consumer, "flow_active", None),
        "flow_control_active": app.flow_control.is_active(),
        "assignment": _safe(lambda: len(consumer.assignment())),
        "active": pick("_active_partitions"),
        "paused": pick("_paused_partitions"),
        "buffered": pick("_buffered_partitions"),
        "unacked": len(getattr(consumer, "_unacked_messages", ()) or ()),
        "unacked_sample": _safe(lambda: sorted(
            f"{m.tp.topic}[{m.tp.partition}]@{m.offset} refs={m.refcount} acked={m.acked}"
            for m in list(consumer._unacked_messages))[:12]),
        "recovery_active_remaining": _safe(recovery.active_remaining_total) if recovery else None,
        "producer_pending": pending.qsize() if pending is not None else None,
        "fetcher": _safe(lambda: _fetcher_state(consumer, wanted)),
        "read_offset": _safe(lambda: {
            _label(tp): offset for tp, offset in consumer._read_offset.items()
            if not wanted or _label(tp) in wanted}),
        "channels": {
            str(getattr(channel, "topics", channel))[:80]: channel.queue.qsize()
            for channel in getattr(app.topics, "_topics", ())
            if getattr(channel, "queue", None) is not None
        },
    }


def _label(tp: Any) -> str:
    """``topic[partition]``: Faust's and aiokafka's partition tuples print differently."""
    return f"{tp.topic}[{tp.partition}]"


def _fetcher_state(consumer: Any, wanted: set[str]) -> dict[str, str]:
    """aiokafka's own view of each partition: position, reset, pause, records held.

    Faust's active set says a partition may be fetched; whether aiokafka has a position to
    fetch it from, or holds records for it that it will not hand out, is only visible here.
    """
    inner = consumer._thread._ensure_consumer()
    fetcher = inner._fetcher
    assignment = inner._subscription.subscription.assignment
    out = {}
    for tp in assignment.tps:
        if wanted and _label(tp) not in wanted:
            continue
        state = assignment.state_value(tp)
        held = fetcher._records.get(tp)
        out[_label(tp)] = (
            f"pos={state._position} valid={state.has_valid_position} "
            f"reset={state._reset_strategy} paused={state.paused} "
            f"held={type(held).__name__ if held is not None else None}")
    out["in_flight"] = str(sorted(getattr(fetcher, "_in_flight", ()) or ()))
    out["reassignment"] = str(inner._subscription.reassignment_in_progress)
    return out


def _safe(read: Any) -> Any:
    try:
        return read()
    except Exception as exc:  # a diagnostic: say what failed instead of failing
        return f"<{type(exc).__name__}>"


def _register_watchdog(rt: Runtime, interval: float = 5.0) -> None:
    """Every few seconds, look for partitions that have records waiting but stopped moving.

    The decision is :class:`streams.watchdog.StallWatch`; this shell feeds it the committed
    offsets and high watermarks of the worker's own input partitions, and on a stall logs
    the consumer's state (the evidence the open Faust stall still lacks), counts
    ``hasila_stalls_total`` and, with ``HASILA_STALL_ACTION=exit``, ends the process with
    status 75 so that its supervisor (Kubernetes, compose, ``hasila demo``) starts it again:
    at-least-once input and idempotent batches make that restart exact.
    """
    watch = StallWatch(after=float(rt.settings.stall_seconds))

    @_timer(rt, interval)
    async def stall_watchdog() -> None:
        consumer = rt.app.consumer
        if consumer is None:
            return
        assigned = _own_partitions(rt)
        try:
            highwaters = await consumer.highwaters(*assigned) if assigned else {}
        except Exception as exc:  # broker away: no sample, no verdict
            log.debug("watchdog: no high watermarks (%r)", exc)
            return
        committed = getattr(consumer, "_committed_offset", {})
        offsets = {tp: (committed.get(tp), highwaters.get(tp)) for tp in assigned}
        recovery = getattr(rt.app.tables, "recovery", None)
        progress = 0
        if recovery is not None:
            progress = sum(offset or 0 for counter in (recovery.active_offsets,
                                                        recovery.standby_offsets)
                           for offset in counter.values())
        now = time.monotonic()
        stalled = watch.observe(now, offsets, progress)
        if not stalled:
            return
        for tp in stalled:
            rt.metrics.stall(tp.topic.removeprefix(rt.settings.topic_prefix), tp.partition)
        log.error(
            "STALL: %d partition(s) have records waiting and no committed progress for %.0f s: "
            "%s; worker state: %s; action: %s\n%s",
            len(stalled), watch.stalled_for(now, stalled[0]),
            ", ".join(f"{tp.topic}[{tp.partition}] committed={offsets[tp][0]} high={offsets[tp][1]}"
                      for tp in stalled),
            worker_state(rt.app, stalled), rt.settings.stall_action,
            _safe(rt.app.agents.human_tracebacks),  # where each agent waits: the open question
        )
        if rt.settings.stall_action == "exit":
            for handler in logging.getLogger().handlers + log.handlers:
                handler.flush()
            os._exit(STALL_EXIT_STATUS)
        watch.observe(now, {}, progress)  # "log": report each stall once, then watch afresh
