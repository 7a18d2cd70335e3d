"""Sending articles to ``articles.raw`` from a JSONL file, with a progress bar."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterable

import orjson
from aiokafka import AIOKafkaProducer

from .config import Settings
from .kafka import client_kwargs, ensure_topics
from .topology import ARTICLES_RAW, topic_name

__all__ = ["article_key", "produce_file", "produce_records"]


def article_key(raw: bytes) -> bytes | None:
    """The article id as the record key, or ``None`` when the line is not a JSON object with an id.

    Bad lines are still sent (unkeyed): the worker dead-letters them with a reason.
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"].encode("utf-8")[:1024]
    return None


def _progress(done: int, total: int | None, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-6)
    if total:
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "·" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {done}/{total} articles  {rate:,.0f}/s ")
    else:
        sys.stderr.write(f"\r{done} articles  {rate:,.0f}/s ")
    sys.stderr.flush()


async def produce_records(settings: Settings, records: Iterable[bytes], *, total: int | None = None,
                          rate: float = 0.0, progress: bool = False) -> int:
    """Send raw article records; returns how many were sent (all acknowledged by the broker)."""
    await ensure_topics(settings)
    producer = AIOKafkaProducer(**client_kwargs(settings), linger_ms=10, max_batch_size=256 * 1024,
                                max_request_size=8 * 1024 * 1024, acks="all")
    await producer.start()
    topic = topic_name(settings.topic_prefix, ARTICLES_RAW)
    sent = 0
    started = time.perf_counter()
    pending = []
    try:
        for raw in records:
            pending.append(await producer.send(topic, raw, key=article_key(raw)))
            sent += 1
            if rate > 0:
                delay = started + sent / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            if progress and (sent % 50 == 0 or rate > 0):
                _progress(sent, total, started)
            if len(pending) >= 1000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    if progress:
        _progress(sent, total, started)
        sys.stderr.write("\n")
    return sent


async def produce_file(settings: Settings, path: str, *, rate: float = 0.0, progress: bool = True) -> int:
    """Send every non-blank line of a JSONL file (``-`` for stdin) as one article."""
    if path == "-":
        lines = [line.rstrip(b"\r\n") for line in sys.stdin.buffer]
    else:
        with open(path, "rb") as fh:
            lines = [line.rstrip(b"\r\n") for line in fh]
    lines = [line for line in lines if line.strip()]
    return await produce_records(settings, lines, total=len(lines), rate=rate, progress=progress)
