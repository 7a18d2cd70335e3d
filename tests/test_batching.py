"""drain_buffer: a batch may be acknowledged only once Faust's producer buffer handed every record on.

The buffer here has the shape of Faust's ``ProducerBuffer`` (an asyncio queue of pending records,
a ``message_sent`` event set after each record is sent, one background task sending them in
order); the background task takes its time over each record, as it does when the broker is slow.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from streams.agents.batching import drain_buffer


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
