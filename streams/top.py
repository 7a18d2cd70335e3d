"""``hasila top``: a live per-governorate table read from ``casualties.aggregates``.

The aggregates topic is compacted and every record is an upsert, so reading
it from the beginning (no consumer group, nothing committed) and keeping the
highest version per key *is* the current state: this is exactly what any
downstream consumer does.
"""

from __future__ import annotations

import asyncio
import sys
import time

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from .config import Settings
from .kafka import client_kwargs
from .topology import AGGREGATES, topic_name

__all__ = ["render_table", "run_top", "upsert"]


def upsert(state: dict[str, dict], record: dict) -> bool:
    """Keep ``record`` when it is newer than what ``state`` holds for its key; True if it changed."""
    key = record.get("key")
    if not isinstance(key, str):
        return False
    current = state.get(key)
    if current is not None and current.get("version", 0) >= record.get("version", 0):
        return False
    state[key] = record
    return True


def _name(pcode: str) -> str:
    try:
        from .places import default_gazetteer

        return default_gazetteer().name(pcode, lang="en") or pcode
    except Exception:  # names are decoration; never fail the table for them
        return pcode


def render_table(state: dict[str, dict], bucket: str = "all") -> str:
    """The governorate rows of one bucket, most killed first, as fixed-width text."""
    rows = [r for r in state.values() if r.get("level") in ("admin1", "none") and r.get("bucket") == bucket]
    rows.sort(key=lambda r: (-r["killed"], -r["injured"], r["region"]))
    head = f"{'region':<24}{'killed':>8}{'injured':>9}{'incidents':>11}{'unquant.':>10}"
    lines = [f"Hasila: casualties by governorate, bucket {bucket}", head, "-" * len(head)]
    for r in rows:
        label = f"{_name(r['region'])} ({r['region']})" if r["region"] != "none" else "(no place)"
        lines.append(f"{label[:23]:<24}{r['killed']:>8}{r['injured']:>9}{r['incidents']:>11}"
                     f"{r['unquantified']:>10}")
    total_k = sum(r["killed"] for r in rows)
    total_i = sum(r["injured"] for r in rows)
    lines.append("-" * len(head))
    lines.append(f"{'total':<24}{total_k:>8}{total_i:>9}")
    return "\n".join(lines)


async def run_top(settings: Settings, *, bucket: str = "all", duration: float = 0.0,
                  once: bool = False, refresh: float = 1.0) -> dict[str, dict]:
    """Follow the aggregates topic and redraw the table; returns the final state."""
    topic = topic_name(settings.topic_prefix, AGGREGATES)
    consumer = AIOKafkaConsumer(**client_kwargs(settings), group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    state: dict[str, dict] = {}
    try:
        partitions = consumer.partitions_for_topic(topic)
        for _ in range(50):
            if partitions:
                break
            await asyncio.sleep(0.2)
            await consumer._client.force_metadata_update()  # topic may be created by the worker
            partitions = consumer.partitions_for_topic(topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions or [])]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps) if tps else {}
        started = time.monotonic()
        last_draw = 0.0
        interactive = sys.stdout.isatty() and not once
        while True:
            batch = await consumer.getmany(timeout_ms=int(refresh * 500), max_records=5000)
            for records in batch.values():
                for msg in records:
                    try:
                        upsert(state, orjson.loads(msg.value))
                    except orjson.JSONDecodeError:
                        continue
            if once:
                positions = {tp: await consumer.position(tp) for tp in tps}
                if all(positions[tp] >= end[tp] for tp in tps):
                    print(render_table(state, bucket))
                    return state
            now = time.monotonic()
            if not once and now - last_draw >= refresh:
                last_draw = now
                table = render_table(state, bucket)
                if interactive:
                    sys.stdout.write("\x1b[2J\x1b[H" + table + "\n")
                else:
                    sys.stdout.write(table + "\n\n")
                sys.stdout.flush()
            if duration and now - started >= duration:
                return state
    finally:
        await consumer.stop()
