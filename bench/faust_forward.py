"""Baseline (b) of the pipeline benchmark: a Faust app whose one agent decodes JSON and forwards it.

Why: it measures what Faust itself costs per message on this machine and
broker, so the Hasila pipeline's throughput can be read as a ratio to it.
Configured like ``streams.app`` (raw bytes topics, linger 5 ms) from env:
BENCH_BROKER (host:port), BENCH_APP_ID, BENCH_IN, BENCH_OUT, BENCH_PARTITIONS,
BENCH_DATA_DIR, BENCH_WEB_PORT.

    python bench/faust_forward.py worker -l warning
"""

from __future__ import annotations

import os

import faust
import orjson

app = faust.App(
    os.environ.get("BENCH_APP_ID", "bench-forward"),
    broker=f"kafka://{os.environ.get('BENCH_BROKER', '127.0.0.1:9092')}",
    store="memory://",
    datadir=os.environ.get("BENCH_DATA_DIR", "/tmp/bench-forward"),
    topic_partitions=int(os.environ.get("BENCH_PARTITIONS", "4")),
    topic_allow_declare=True,
    web_enabled=True,
    web_bind="127.0.0.1",
    web_port=int(os.environ.get("BENCH_WEB_PORT", "6099")),
    consumer_max_fetch_size=8 * 1024 * 1024,
    stream_wait_empty=False,
    producer_linger_ms=5,
    autodiscover=False,
)
source = app.topic(os.environ.get("BENCH_IN", "bench.in"), key_serializer="raw", value_serializer="raw")
sink = app.topic(os.environ.get("BENCH_OUT", "bench.out"), key_serializer="raw", value_serializer="raw")


@app.agent(source)
async def forward(stream):
    """Decode each record (as Hasila's extract agent must) and send it on, unchanged."""
    async for event in stream.events():
        record = orjson.loads(event.message.value)
        await sink.send(key=event.message.key, value=orjson.dumps(record))


if __name__ == "__main__":
    app.main()
