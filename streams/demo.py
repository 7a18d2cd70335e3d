"""``hasila demo``: the embedded default, end to end, on one machine.

Starts the local Kafka broker, one worker (a child process), replays the
bundled sample articles (written for Hasila, see ``streams/samples/``) at a
steady pace so the numbers visibly change, shows the live table and prints
where the metrics and the web API are.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from .config import Settings

__all__ = ["SAMPLES", "run_demo"]

SAMPLES = Path(__file__).parent / "samples" / "articles.jsonl"


def _wait_http(url: str, timeout: float) -> bool:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


async def _replay_and_watch(settings: Settings, duration: float, rate: float) -> None:
    from .produce import produce_records
    from .top import run_top

    lines = [line for line in SAMPLES.read_bytes().splitlines() if line.strip()]
    producer = asyncio.create_task(produce_records(settings, lines, rate=rate))
    await run_top(settings, duration=duration)
    await producer


def run_demo(settings: Settings, *, duration: float = 60.0, keep_running: bool = False,
             rate: float = 1.5) -> int:
    """Run the demo; returns a process exit code."""
    from .broker import BrokerError, LocalBroker

    port = int(os.environ.get("HASILA_KAFKA_PORT", "9092"))
    broker = LocalBroker(home=Path(os.environ.get("HASILA_KAFKA_HOME", ".hasila/kafka")), port=port)
    print(f"Starting Kafka on 127.0.0.1:{port} (first run downloads the jars with Maven) ...", flush=True)
    try:
        broker.start()
    except BrokerError as exc:
        print(f"hasila demo: {exc}", file=sys.stderr)
        return 2
    env = dict(os.environ, HASILA_BROKER=broker.bootstrap)
    settings = Settings.from_env(env)
    log_path = Path(".hasila/worker.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        worker = subprocess.Popen([sys.executable, "-m", "streams", "worker"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{settings.web_bind}:{settings.web_port}"
    try:
        print(f"Starting a worker (log: {log_path}) ...", flush=True)
        if not _wait_http(f"{base}/health", 90):
            print(f"hasila demo: the worker did not become ready; see {log_path}", file=sys.stderr)
            return 2
        print(f"Metrics: {base}/metrics\nWeb API: {base}/api/regions\nLive page: {base}/\n", flush=True)
        asyncio.run(_replay_and_watch(settings, duration, rate))
        print(f"\nMetrics: {base}/metrics   Web API: {base}/api/regions   Live page: {base}/")
    except KeyboardInterrupt:
        pass
    finally:
        if keep_running:
            print(f"Worker (pid {worker.pid}) and Kafka keep running; "
                  "stop them with `kill {worker.pid}` and `hasila broker stop`.")
        else:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
            broker.stop()
    return 0
