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
import threading
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


class _SupervisedWorker:
    """The demo's worker child, started again when its stall watchdog ends it (status 75).

    What compose (``restart: unless-stopped``) and Kubernetes do for a deployed worker; any
    other exit is left alone, so a real failure stays visible.
    """

    def __init__(self, env: dict[str, str], log_path: Path, argv: list[str] | None = None) -> None:
        self.env, self.log_path = env, log_path
        self.argv = argv or [sys.executable, "-m", "streams", "worker"]
        self.restarts = 0
        self.proc = self._spawn()
        self.stopping = False
        threading.Thread(target=self._watch, name="hasila-demo-supervisor", daemon=True).start()

    def _spawn(self) -> subprocess.Popen:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def _watch(self) -> None:
        from .app import STALL_EXIT_STATUS

        while not self.stopping:
            status = self.proc.wait()
            if self.stopping or status != STALL_EXIT_STATUS:
                return
            print(f"\nhasila demo: the worker's watchdog found a stall (see {self.log_path}); "
                  "restarting it", file=sys.stderr, flush=True)
            self.proc = self._spawn()
            self.restarts += 1

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        self.stopping = True
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


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
    worker = _SupervisedWorker(env, log_path)
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
            worker.stop()
            broker.stop()
    return 0
