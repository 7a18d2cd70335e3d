"""Micro-batches for the stateful agents, committed in an order that survives crashes.

The dedup and aggregate agents read events in small batches (``take_events``:
up to :data:`BATCH_MAX` events, or what arrived within :data:`BATCH_WITHIN`
seconds). Inside a batch their table writes stay in the :class:`ReadCache` and
their outputs are coalesced to the last version per key. A batch then ends in
this order (:func:`run_stateful`, :meth:`Journal.commit`):

1. the outputs are sent and **delivered** (producer flush, every delivery future
   checked; sent again otherwise): nothing in the state can claim an output that
   the broker does not have;
2. one **journal** record per partition, holding every key the batch changed in
   that partition, is written to the table, then the keys themselves, and the
   changelog is delivered (flush);
3. only then does Faust acknowledge the batch's events.

A crash before (2) leaves the state as it was: the batch is replayed and the
deterministic cores produce the same outputs, with the same versions. A crash
during (2) can leave the changelog torn (a key of the batch written, another
not) or the local RocksDB store ahead of the changelog; the journal repairs
both: the first time a worker processes a partition after an assignment, it
re-applies that partition's latest journal (:meth:`Journal.repair`). Replaying
the batch's events then finds them seen and re-emits the current versions,
which are harmless upserts. The fault-injection tests in
``tests/reliability/`` kill workers and brokers to check all this.

Faust picks a table write's changelog partition from the event being
processed (a context variable of the stream); writes are made in the context
of the event that changed the key, so every key keeps the changelog partition
of the governorate it belongs to.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from faust.serializers.codecs import get_codec
from faust.stores.base import SerializedStore
from faust.streams import _current_event
from mode import want_seconds
from mode.utils.aiter import aiter
from mode.utils.futures import notify

from ..state import ReadCache

__all__ = [
    "BATCH_MAX", "BATCH_WITHIN", "DRAIN_TIMEOUT", "JOURNAL_PREFIX", "DeliveryFailed", "Journal", "batches",
    "deliver", "drain_buffer", "run_stateful", "send_outputs", "until_delivered",
]

log = logging.getLogger("hasila.batching")

#: Most events in one batch, by default (``HASILA_BATCH_MAX``). Bounds the journal record:
#: about 1 KB per changed key; on the benchmark stream the largest journal of a 500-event batch
#: was ~1 MB, the changelog takes 16 MB.
#: 500 rather than 200: one worker went from ~470 to ~600 articles/s with the direct producer
#: path (docs/benchmarks/pipeline.md); 1,000 measured within noise of 500.
BATCH_MAX = 500
#: Longest wait for a batch to fill, in seconds, by default (``HASILA_BATCH_WAIT_MS``): the
#: latency a quiet stream pays, against the per-batch cost (two broker round trips, a journal).
BATCH_WITHIN = 0.05
#: Table key of a partition's journal: ``~journal|<partition>``.
JOURNAL_PREFIX = "~journal|"


async def batches(stream: Any, max_: int = BATCH_MAX, within: float = BATCH_WITHIN) -> AsyncIterator[list]:
    """Faust's ``Stream.take_events``, except that a batch is acknowledged only once it was processed.

    ``take_events`` acknowledges a batch's events in a ``finally`` clause, so a batch whose
    processing raised, or was cancelled by a shutdown, is committed as if it had been
    processed: its records are lost. Here the events are acknowledged only when the loop
    asks for the next batch; a batch abandoned by an exception or a cancellation stays
    unacknowledged, so its offsets are not committed and it is delivered again after the
    restart. The buffering is Faust's own (faust-streaming 0.15), unchanged.
    """
    buffer: list = []
    events: list = []
    buffer_full = asyncio.Event()
    buffer_consumed = asyncio.Event()
    timeout = want_seconds(within) if within else None
    enable_acks = stream.enable_acks
    consuming: asyncio.Future | None = None
    channel_it = aiter(stream.channel)

    async def add_to_buffer(value: Any) -> Any:
        nonlocal consuming
        if consuming is not None:
            try:
                await consuming
            finally:
                consuming = None
        buffer.append(value)
        event = stream.current_event
        if event is None:
            raise RuntimeError("batch buffer found current_event is None")
        events.append(event)
        if len(buffer) >= max_:
            buffer_full.set()
            buffer_consumed.clear()
            await stream.wait(buffer_consumed)
        return value

    stream.enable_acks = False
    stream.add_processor(add_to_buffer)
    stream._enable_passive(channel_it)
    try:
        while not stream.should_stop:
            await stream.wait_for_stopped(buffer_full, timeout=timeout)
            if not buffer:
                continue
            consuming = stream.loop.create_future()
            batch = list(events)
            buffer.clear()
            events.clear()
            try:
                yield batch
                for event in batch:  # reached only when the batch was processed
                    await stream.ack(event)
            finally:
                notify(consuming)
                buffer_full.clear()
                buffer_consumed.set()
    finally:
        stream.enable_acks = enable_acks
        stream._processors.remove(add_to_buffer)


#: Longest wait for Faust's producer buffer to hand its records to aiokafka before the attempt
#: is retried (the records stay queued; a broker that is away only makes this slower).
DRAIN_TIMEOUT = 30.0


async def drain_buffer(producer: Any, timeout: float = DRAIN_TIMEOUT) -> None:
    """Wait until Faust's producer buffer has handed every queued record to aiokafka.

    Table writes are queued in Faust's ``ProducerBuffer`` and sent, in order, by its background
    task. Faust's own ``flush`` is not enough before acknowledging a batch: it returns as soon
    as 0.1 s pass without a record sent (a slow broker), and when the queue is empty while the
    background task still holds the last record it took; both would let a batch be acknowledged
    with table changes not yet in the producer. It is also slow: one ``asyncio.wait_for``, a new
    task and timer, per wake-up. Here the buffer counts as drained only when its queue is empty
    *and* the background task is back waiting for the next record; waking costs one event wait,
    with one deadline for the whole drain. A threaded producer buffer is left to Faust.
    """
    buffer = getattr(producer, "buffer", None)
    pending = getattr(buffer, "pending", None)
    sent = getattr(buffer, "message_sent", None)
    app = getattr(buffer, "app", None)
    if pending is None or sent is None or (app is not None and app.conf.producer_threaded):
        return
    getters = getattr(pending, "_getters", None)  # asyncio.Queue: the tasks waiting in get()

    def idle() -> bool:
        return pending.empty() and (getters is None or len(getters) > 0)

    async with asyncio.timeout(timeout):
        while not idle():
            sent.clear()  # no await between the check and the clear: the next set() wakes us
            await sent.wait()


class DeliveryFailed(Exception):
    """Records sent were not delivered (aiokafka gave up on them): the caller sends them again."""

    def __init__(self, what: str, failed: int, first: BaseException | None) -> None:
        super().__init__(f"{failed} {what} record(s) not delivered: {first!r}")
        self.failed = failed


async def deliver(producer: Any, what: str = "outputs", sent: Sequence[Any] = ()) -> None:
    """Wait until everything sent so far is on the broker, however long the broker is away.

    First Faust's producer buffer is drained into aiokafka (:func:`drain_buffer`), then
    aiokafka's flush waits for the broker's acknowledgements. A failed attempt is retried
    (the records are still queued): giving up would end the batch with its outputs or state
    undelivered. aiokafka's flush returns once every batch has *ended*, delivered or failed
    (after its own retries, e.g. a broker away for longer than the request timeout), so the
    delivery futures in ``sent`` are checked too: :class:`DeliveryFailed` if any failed, and the
    caller sends those records again (all of Hasila's records are idempotent upserts).
    """
    delay = 0.5
    while True:
        try:
            await drain_buffer(producer)
            _expedite(producer)
            await producer.flush()
            failed = [fut for fut in sent if not fut.done() or fut.cancelled() or fut.exception()]
            if failed:
                first = failed[0]
                reason = first.exception() if first.done() and not first.cancelled() else None
                raise DeliveryFailed(what, len(failed), reason)
            return
        except (asyncio.CancelledError, DeliveryFailed):
            raise
        except Exception as exc:
            log.warning("could not deliver %s (%r); retrying in %.1f s", what, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def _expedite(producer: Any) -> None:
    """Make the records sent so far leave now instead of after the producer's linger.

    aiokafka's ``flush`` only waits: a batch still lingering (``producer_linger_ms``) is
    sent when the linger ends, so every flush cost up to a linger on top of the round trip,
    twice per stateful batch. This closes the open batches and wakes the sender, as
    aiokafka's own ``flush_for_commit`` does (aiokafka 0.14 internals; skipped if absent).
    """
    accumulator = getattr(getattr(producer, "_producer", None), "_message_accumulator", None)
    try:
        for tp_batches in accumulator._batches.values():
            for batch in tp_batches:
                batch._builder.close()
        waiter = accumulator._waiter_future
        if not waiter.done():
            waiter.set_result(None)
    except AttributeError:
        return


def _refresh_metadata(table: Any) -> None:
    """Ask the consumer to re-read the cluster metadata now (a refused table write is retried).

    Faust refuses a table write (``PartitionsMismatch``, "changelog has 0 partitions") when
    the consumer subscribed before the changelog topic existed: its metadata snapshot then
    says 0 partitions until the next periodic refresh, 5 minutes later (aiokafka's
    ``metadata_max_age_ms``). Retrying alone stalled a soak's aggregate agent that long.
    """
    client = getattr(getattr(getattr(getattr(table, "app", None), "consumer", None), "_consumer", None),
                     "_client", None)
    if client is not None:
        try:
            client.force_metadata_update()
        except Exception as exc:  # diagnostics only: the retry goes on regardless
            log.debug("metadata refresh failed: %r", exc)


def _in_context_of(event: Any) -> None:
    _current_event.set(weakref.ref(event))


class Journal:
    """Crash-safe ends of batches for one agent's table (see the module doc)."""

    def __init__(self, cache: ReadCache, table: MutableMapping[str, Any], producer: Any) -> None:
        self.cache = cache
        self.table = table
        self.producer = producer
        self._repaired: set[int] = set()
        self._generation = cache.generation
        # A Faust table: write its store and changelog directly (see _write); a plain mapping
        # (unit tests) is written as a mapping.
        self._changelog = getattr(table, "changelog_topic", None)
        self._sent: list[Any] = []
        if self._changelog is not None:
            # The codecs Faust's send_changelog uses (same bytes; tests/test_state.py checks it).
            self._dump_key = get_codec(table.key_serializer).dumps
            self._dump_value = get_codec(table.value_serializer).dumps
        # A serializing store (RocksDB) takes the same bytes: write them, instead of encoding the
        # key and value a second time (and decoding a value only to see that it exists).
        self._raw_store = None
        store = getattr(table, "data", None) if self._changelog is not None else None
        if isinstance(store, SerializedStore):
            sample_key, sample_value = "~probe|ك", {"v": [1, "ب", None]}
            if (store._encode_key(sample_key) == self._dump_key(sample_key)
                    and store._encode_value(sample_value) == self._dump_value(sample_value)):
                self._raw_store = store

    async def _write(self, key: str, value: Any, force: bool = False) -> None:
        """Write one key (None = delete) to the table's store and send its changelog record.

        A delete of a key the store does not hold sends no tombstone (dedup deletes many keys it
        never wrote), unless ``force``: a retry, or a journal repair, cannot tell from the store
        whether the changelog got the tombstone the first time.

        The same store write and changelog record as ``table[key] = value`` (Faust's
        ``on_key_set``), without Faust's per-record path: ``on_key_set`` queues each record in
        the producer buffer, a background task sends it, and every ``flush`` then wakes once per
        queued record (``ProducerBuffer.flush_atmost``). That path cost more than the dedup core
        itself (profile in docs/benchmarks/pipeline.md). Here the record is handed straight to
        the producer, in order, and :meth:`commit` records the persisted offsets after the
        flush. ``partition_for_key`` still checks the changelog's partitions (it raises
        ``PartitionsMismatch`` right after start, which the callers retry).
        """
        table = self.table
        topic = self._changelog
        if topic is None:
            if value is None:
                if force or table.get(key) is not None:
                    table.pop(key, None)
            else:
                table[key] = value
            return
        partition = table.partition_for_key(key)
        raw_key = self._dump_key(key)
        raw_store = self._raw_store
        if value is None:
            if raw_store is not None:
                if raw_store._get(raw_key) is None:
                    if not force:
                        return
                else:
                    raw_store._del(raw_key)
            else:
                store = table.data
                if store.get(key) is None:
                    if not force:
                        return
                else:
                    del store[key]
            raw_value = None
        else:
            raw_value = self._dump_value(value)
            if raw_store is not None:
                raw_store._set(raw_key, raw_value)
            else:
                table.data[key] = value
        self._sent.append(await self.producer.send(
            topic.get_topic_name(), raw_key, raw_value, partition, None, None))

    def _persisted(self) -> None:
        """After a delivered flush: tell the store the changelog offsets it now holds.

        What Faust's ``_on_changelog_sent`` does per record (RocksDB keeps the offset, so that a
        restart reads the changelog only from there); once per partition here.
        """
        sent, self._sent = self._sent, []
        last: dict[Any, int] = {}
        for fut in sent:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                meta = fut.result()
                tp = meta.topic_partition
                if meta.offset > last.get(tp, -1):
                    last[tp] = meta.offset
        for tp, offset in last.items():
            self.table.data.set_persisted_offset(tp, offset)

    async def repair(self, events: Sequence[Any]) -> int:
        """Re-apply the latest journal of each partition first seen since the last assignment.

        Returns how many keys were rewritten. Retried whole, like :meth:`commit`, when the
        table cannot be written yet or the rewrites were not delivered.
        """
        if self.cache.generation != self._generation:  # partitions moved: check them again
            self._generation = self.cache.generation
            self._repaired.clear()
        todo: dict[int, Any] = {}
        for event in events:
            partition = event.message.partition
            if partition not in self._repaired and partition not in todo:
                todo[partition] = event
        if not todo:
            return 0
        delay = 0.2
        while True:
            try:
                self._sent = []
                rewritten = 0
                for partition, event in todo.items():
                    _in_context_of(event)
                    journal = self.table.get(f"{JOURNAL_PREFIX}{partition}")
                    for key, value in (journal or {}).get("writes", {}).items():
                        await self._write(key, value, force=True)
                        rewritten += 1
                if rewritten:
                    await self._deliver_sent()
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("could not re-apply the journals of partitions %s (%r); retrying in %.1f s",
                            sorted(todo), exc, delay)
                _refresh_metadata(self.table)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self._repaired.update(todo)
        if rewritten:
            self.cache.clear()  # the rewritten keys may be cached with older values
            self._generation = self.cache.generation  # our own clear is not a partition move
        return rewritten

    async def _deliver_sent(self) -> None:
        """Deliver the changelog records sent so far; on a failed delivery, raise (the caller rewrites)."""
        await deliver(self.producer, "changelog", self._sent)
        self._persisted()

    async def commit(self, dirty: dict[str, tuple[Any, Any]]) -> int:
        """Journal and write a batch's changed keys (``ReadCache.take_dirty``), and deliver them.

        Call it only once the batch's outputs are delivered. Returns how many keys were written.
        """
        if not dirty:
            return 0
        by_partition: dict[int, tuple[Any, dict[str, Any]]] = {}
        for key, (owner, value) in dirty.items():
            partition = owner.message.partition
            entry = by_partition.setdefault(partition, (owner, {}))
            entry[1][key] = value
        delay = 0.2
        retry = False
        while True:
            # Idempotent, so retried whole: right after start Faust may not know the changelog
            # topic's partitions yet (PartitionsMismatch), a delivery may fail, and a crash here
            # would strand the batch.
            try:
                self._sent = []
                for partition, (owner, writes) in by_partition.items():
                    _in_context_of(owner)
                    await self._write(f"{JOURNAL_PREFIX}{partition}", {"writes": writes})
                for key, (owner, value) in dirty.items():
                    _in_context_of(owner)
                    await self._write(key, value, force=retry)
                await self._deliver_sent()
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("could not write the table (%r); retrying in %.1f s", exc, delay)
                retry = True
                _refresh_metadata(self.table)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        return len(dirty)


async def until_delivered(attempt: Callable[[], Awaitable[list]], producer: Any, what: str,
                          again: str = "sending them again") -> None:
    """Run ``attempt`` (it sends records and returns their delivery futures) until all are delivered.

    Whatever goes wrong (a send refused while the broker is away, a delivery that failed after
    aiokafka's own retries), the whole attempt is made again after a pause: every record Hasila
    sends is an upsert or a dead letter, and a batch must not end with one missing.
    """
    delay = 0.5
    while True:
        try:
            await deliver(producer, what, await attempt())
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("could not deliver %s (%r); %s in %.1f s", what, exc, again, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


async def send_outputs(sends: Sequence[Callable[[], Awaitable[Any]]], producer: Any, what: str) -> None:
    """Call each of ``sends`` (each sends one record and returns its future) until all are delivered."""

    async def attempt() -> list:
        return [await send() for send in sends]

    await until_delivered(attempt, producer, what)


async def run_stateful(
    rt: Any,
    stream: Any,
    *,
    table: str,
    stage: str,
    error_code: str,
    step: Any,
    emit: Any,
    output_key: Any,
) -> None:
    """The loop of a stateful agent: read a batch, run ``step`` per event, then commit it.

    ``step(event) -> list[record]`` decodes and processes one event against the table
    (through ``rt.caches[table]``); a :class:`HasilaError` or any other exception
    dead-letters that event (``error_code`` for the unexpected ones) and the batch goes
    on. Records are coalesced to the last one per ``output_key(record)``.

    The batch then ends: its outputs and dead letters are sent and delivered (sent again until
    they are), then its changed keys are journalled, written and delivered
    (:meth:`Journal.commit`), and only then are its events acknowledged.

    Overlapping a batch's end with the next batch's processing was measured and not kept
    (docs/benchmarks/pipeline.md): the worker is CPU-bound since the direct producer path, so the
    overlap only shrank the batches (more commits, more changelog records per article).

    Every event is processed with Faust's current event set to it, because the RocksDB
    store reads a key from the database of the current event's partition.
    """
    from ..errors import HasilaError

    cache = rt.caches[table]
    producer = rt.app.producer
    journal = Journal(cache, rt.tables[table], producer)
    log_stage = logging.getLogger(f"hasila.{stage}")

    async for events in batches(stream, rt.settings.batch_max, rt.settings.batch_wait_ms / 1000):
        await journal.repair(events)
        cache.begin()
        latest: dict[str, Any] = {}
        dead: list[Callable[[], Awaitable[Any]]] = []
        for event in events:
            started = time.perf_counter()
            cache.owner = event
            _in_context_of(event)
            try:
                records = step(event)
            except HasilaError as exc:
                dead.append(functools.partial(rt.deadletter, stage, exc, event))
                continue
            except Exception as exc:  # a bug in a core must not stop the stream
                log_stage.exception("%s failed at %s[%s]@%s", stage, event.message.topic,
                                    event.message.partition, event.message.offset)
                dead.append(functools.partial(rt.deadletter, stage,
                                              HasilaError(error_code, repr(exc)[:500]), event))
                continue
            for record in records:
                key = output_key(record)
                latest.pop(key, None)
                latest[key] = record
            rt.metrics.stage_seconds(stage, time.perf_counter() - started)
        sends = dead + [functools.partial(emit, record) for record in latest.values()]
        await send_outputs(sends, producer, stage)
        await journal.commit(cache.take_dirty())
