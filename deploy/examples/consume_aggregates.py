"""Rebuild Hasila's current per-region totals from the compacted aggregates topic alone.

Reads ``<prefix>casualties.aggregates`` from the beginning with a plain aiokafka
consumer (no consumer group, no committed offsets), keeps the latest version of
every ``<pcode>|<bucket>`` key (``streams.aggregate.view.rebuild`` logic), stops
at the end of the topic and prints the table::

    python deploy/examples/consume_aggregates.py --bootstrap localhost:29092
    python deploy/examples/consume_aggregates.py --level admin2 --bucket week:2024-W11 --json

Configuration: ``--bootstrap`` (default ``$HASILA_BROKER`` or localhost:9092) and
``--topic`` (default ``$HASILA_TOPIC_PREFIX`` + ``casualties.aggregates``).
Only aiokafka and orjson are needed (the rebuild logic is inlined so the script
runs without Hasila installed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition


def apply_record(table: dict[str, dict[str, Any]], record: Any) -> None:
    """Keep ``record`` if it is at least as new as the stored version of its key."""
    if not isinstance(record, dict) or "key" not in record:
        return
    current = table.get(record["key"])
    if current is None or record.get("version", 0) >= current.get("version", 0):
        table[record["key"]] = record


async def rebuild_from_topic(bootstrap: str, topic: str) -> dict[str, dict[str, Any]]:
    """Read every partition of ``topic`` from the start to its current end."""
    # Subscribing without a group assigns every partition of the topic to us.
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    table: dict[str, dict[str, Any]] = {}
    try:
        tps: list[TopicPartition] = []
        for _ in range(40):  # metadata of a just-created topic can take a moment
            tps = sorted(consumer.assignment())
            if tps:
                break
            await consumer.getmany(timeout_ms=250)
        if not tps:
            raise SystemExit(f"topic {topic!r} not found on {bootstrap}")
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if end[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, messages in batch.items():
                for msg in messages:
                    # a null value is a tombstone: the key was deleted
                    if msg.value is None:
                        key = msg.key.decode() if msg.key else None
                        table.pop(key, None)
                    else:
                        apply_record(table, orjson.loads(msg.value))
                    if msg.offset + 1 >= end[tp]:
                        remaining.discard(tp)
            for tp in list(remaining):
                if await consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return table


def main() -> int:
    prefix = os.environ.get("HASILA_TOPIC_PREFIX", "hasila.")
    broker = os.environ.get("HASILA_BROKER", "localhost:9092").removeprefix("kafka://")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bootstrap", default=broker, help="Kafka bootstrap servers")
    ap.add_argument("--topic", default=f"{prefix}casualties.aggregates")
    ap.add_argument("--level", default="admin1", choices=["admin1", "admin2", "none", "any"])
    ap.add_argument("--bucket", default="all", help="'all', 'day:YYYY-MM-DD' or 'week:YYYY-Www'")
    ap.add_argument("--json", action="store_true", help="print the records as JSON lines")
    args = ap.parse_args()

    table = asyncio.run(rebuild_from_topic(args.bootstrap, args.topic))
    rows = [
        r
        for r in table.values()
        if (args.level == "any" or r.get("level") == args.level) and r.get("bucket") == args.bucket
    ]
    rows.sort(key=lambda r: (-r.get("killed", 0), r.get("region", "")))
    if args.json:
        for r in rows:
            sys.stdout.buffer.write(orjson.dumps(r) + b"\n")
        return 0
    print(f"{len(table)} keys in {args.topic}; level={args.level} bucket={args.bucket}")
    print(f"{'region':<8} {'killed':>7} {'injured':>8} {'incidents':>9} {'unquant.':>8}  updated_at")
    for r in rows:
        print(
            f"{r['region']:<8} {r['killed']:>7} {r['injured']:>8} {r['incidents']:>9} "
            f"{r['unquantified']:>8}  {r['updated_at']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
