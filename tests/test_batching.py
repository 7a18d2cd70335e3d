"""A batch may be acknowledged only once everything it sent is delivered.

drain_buffer: Faust's producer buffer handed every record on; deliver / send_outputs: every
delivery future succeeded, or the records are sent again; Journal.commit: the journal, then the keys.

The buffer here has the shape of Faust's ``ProducerBuffer`` (an asyncio queue of pending records,
a ``message_sent`` event set after each record is sent, one background task sending them in
order); the background task takes its time over each record, as it does when the broker is slow.
"""

from __future__ import annotations

import asyncio
import functools
from types import SimpleNamespace

import pytest

from streams.agents.batching import DeliveryFailed, Journal, deliver, drain_buffer, send_outputs
from streams.state import ReadCache


class SlowBuffer:
    def __init__(self, per_record: float) -> None:
        self.pending: asyncio.Queue = asyncio.Queue()
        self.message_sent = asyncio.Event()
        self.app = SimpleNamespace(conf=SimpleNamespace(producer_threaded=False))
        self.sent: list[int] = []
        self.per_record = per_record
        self.task = asyncio.ensure_future(self._handle_pending())

    async def _handle_pending(self) -> None:  # Faust's loop: take one, send it, signal
        while True:
            record = await self.pending.get()
            await asyncio.sleep(self.per_record)
            self.sent.append(record)
            self.message_sent.set()


async def test_waits_for_every_queued_record_and_the_one_in_flight():
    buffer = SlowBuffer(per_record=0.15)  # longer than the 0.1 s after which Faust's flush gives up
    producer = SimpleNamespace(buffer=buffer)
    await asyncio.sleep(0)  # the background task waits for records
    for i in range(3):
        buffer.pending.put_nowait(i)
    await asyncio.sleep(0.01)  # the first record is in flight: the queue holds two
    await drain_buffer(producer, timeout=5)
    assert buffer.sent == [0, 1, 2]
    buffer.task.cancel()


async def test_returns_at_once_when_nothing_is_queued():
    buffer = SlowBuffer(per_record=0.0)
    await asyncio.sleep(0)
    await asyncio.wait_for(drain_buffer(SimpleNamespace(buffer=buffer), timeout=5), 0.5)
    buffer.task.cancel()


async def test_a_stuck_buffer_times_out_instead_of_passing():
    buffer = SlowBuffer(per_record=10.0)
    await asyncio.sleep(0)
    buffer.pending.put_nowait(1)
    with pytest.raises(TimeoutError):
        await drain_buffer(SimpleNamespace(buffer=buffer), timeout=0.3)
    assert buffer.sent == []
    buffer.task.cancel()


class FlakyProducer:
    """aiokafka's contract: ``send`` returns a delivery future, ``flush`` returns once every batch
    ended, delivered or failed; the first ``failures`` flushes fail what they carry."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.in_flight: list[tuple[asyncio.Future, bytes]] = []
        self.delivered: list[bytes] = []

    async def send(self, value: bytes) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.in_flight.append((fut, value))
        return fut

    async def flush(self) -> None:
        batch, self.in_flight = self.in_flight, []
        failing = self.failures > 0
        self.failures -= 1
        for fut, value in batch:
            if failing:
                fut.set_exception(TimeoutError("batch expired"))
            else:
                fut.set_result(None)
                self.delivered.append(value)


async def test_deliver_reports_records_the_flush_did_not_deliver():
    producer = FlakyProducer(failures=1)
    sent = [await producer.send(b"a"), await producer.send(b"b")]
    with pytest.raises(DeliveryFailed) as info:
        await deliver(producer, "outputs", sent)
    assert info.value.failed == 2 and "batch expired" in str(info.value)
    sent = [await producer.send(b"a")]
    await deliver(producer, "outputs", sent)
    assert producer.delivered == [b"a"]


async def test_send_outputs_sends_everything_again_until_delivered(monkeypatch):
    monkeypatch.setattr(asyncio, "sleep", _no_sleep)
    producer = FlakyProducer(failures=2)
    sends = [functools.partial(producer.send, value) for value in (b"x", b"y", b"z")]
    await send_outputs(sends, producer, "incidents")
    assert producer.delivered == [b"x", b"y", b"z"]


async def test_commit_writes_the_journal_then_the_keys():
    table: dict = {"gone": 1}
    cache = ReadCache(table)
    owner = _Event(partition=3)
    cache.begin()
    cache.owner = owner
    cache.set("k", {"v": 1})
    cache.delete("gone")
    written = await Journal(cache, table, producer=FlakyProducer(failures=0)).commit(cache.take_dirty())
    assert written == 2
    assert table == {"~journal|3": {"writes": {"k": {"v": 1}, "gone": None}}, "k": {"v": 1}}


class _RefusesOnce(dict):
    """A table refusing its first write, as Faust does right after start (PartitionsMismatch)."""

    refused = False

    def __setitem__(self, key, value):
        if not self.refused:
            self.refused = True
            raise RuntimeError("changelog has 0 partitions")
        super().__setitem__(key, value)


async def test_repair_reapplies_the_latest_journal_once_retrying_a_refused_write(monkeypatch):
    monkeypatch.setattr(asyncio, "sleep", _no_sleep)
    table = _RefusesOnce({"~journal|1": {"writes": {"k": 2, "gone": None}}, "k": 1, "gone": 1})
    cache = ReadCache(table)
    assert cache.get("k") == 1  # cached before the repair
    journal = Journal(cache, table, producer=FlakyProducer(failures=0))
    event = _Event(partition=1)
    assert await journal.repair([event, event]) == 2
    assert table.refused and table["k"] == 2 and "gone" not in table
    assert cache.get("k") == 2  # the cache was dropped
    assert await journal.repair([event]) == 0  # once per partition and assignment


class _Event:  # Faust's current event is held by a weak reference
    def __init__(self, partition: int) -> None:
        self.message = SimpleNamespace(partition=partition)


_real_sleep = asyncio.sleep


async def _no_sleep(delay: float) -> None:
    await _real_sleep(0)
