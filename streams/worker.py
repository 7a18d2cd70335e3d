"""Running a worker process: create the topics, build the app, hand over to Faust."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os

from .config import Settings
from .kafka import ensure_topics

__all__ = ["run_worker"]

log = logging.getLogger("hasila")


def _worker_class() -> type:
    from faust import Worker

    class HasilaWorker(Worker):
        """Faust's worker without the terminal spinner.

        At log levels of WARN and above Faust keeps a progress spinner and sets the root
        logger to DEBUG so that it spins on every record: every aiokafka and Faust debug
        message is then formatted, which cost a tenth of the worker's time.
        """

        def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
            self.spinner = None

    return HasilaWorker


def run_worker(settings: Settings) -> int:
    """Create missing topics, then run the Faust worker until SIGTERM/SIGINT."""
    from .app import create_runtime

    loop = asyncio.new_event_loop()
    try:
        created = loop.run_until_complete(ensure_topics(settings))
    finally:
        loop.close()
    if created:
        log.info("created topics: %s", ", ".join(created))
    rt = create_runtime(settings)
    _debug_hooks(rt)
    worker = _worker_class()(rt.app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
    return 0


def _debug_hooks(rt: object) -> None:
    """Opt-in diagnostics for benchmarks, off unless their environment variable is set.

    * ``HASILA_PROFILE=<file>``: cProfile the event-loop thread; stats written at exit
      (``python -m pstats <file>``). Where the worker's CPU goes, per function.
    * ``HASILA_TRACEMALLOC=<file>``: every ``HASILA_TRACEMALLOC_EVERY`` seconds (default 60),
      append to ``<file>`` the traced Python heap and the top growth by line since the
      first snapshot. Separates Python-heap growth from native memory (RocksDB, malloc).
    * ``HASILA_MALLOC_TRIM=<seconds>``: call glibc ``malloc_trim(0)`` that often, returning
      freed heap pages to the OS (a diagnostic for fragmentation; see docs/benchmarks/pipeline.md).
    * ``HASILA_DEBUG_PAUSE=<topic>@<seconds>``: fault injection for the stall watchdog's test.
      Once the worker has committed input of the logical ``<topic>`` (``casualties.mentions``),
      wait ``<seconds>``, then pause fetching from its partitions the way Faust leaves a stalled
      worker's (out of the fetcher's active set, in its paused set). The watchdog
      (``HASILA_STALL_SECONDS``) must then end the worker with status 75.
    """
    app = rt.app  # type: ignore[attr-defined]
    profile_to = os.environ.get("HASILA_PROFILE")
    if profile_to:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
        atexit.register(lambda: (prof.disable(), prof.dump_stats(profile_to)))
    trace_to = os.environ.get("HASILA_TRACEMALLOC")
    if trace_to:
        import time
        import tracemalloc

        tracemalloc.start(int(os.environ.get("HASILA_TRACEMALLOC_FRAMES", "1")))
        every = float(os.environ.get("HASILA_TRACEMALLOC_EVERY", "60"))
        first: list = []
        started = time.monotonic()

        @app.timer(every)
        async def tracemalloc_report() -> None:
            snap = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)])
            current, peak = tracemalloc.get_traced_memory()
            lines = [f"== t={time.monotonic() - started:.0f}s traced={current / 1e6:.1f} MB "
                     f"peak={peak / 1e6:.1f} MB"]
            if not first:
                first.append(snap)
                stats = snap.statistics("lineno")[:25]
                lines += [f"  {s}" for s in stats]
            else:
                stats = snap.compare_to(first[0], "lineno")[:25]
                lines += [f"  {s}" for s in stats]
            with open(trace_to, "a", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")
    pause = os.environ.get("HASILA_DEBUG_PAUSE")
    if pause:
        _pause_hook(rt, pause)
    trim_every = os.environ.get("HASILA_MALLOC_TRIM")
    if trim_every:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")

        @app.timer(float(trim_every))
        async def malloc_trim() -> None:
            libc.malloc_trim(0)


def _pause_hook(rt: object, spec: str) -> None:
    """``HASILA_DEBUG_PAUSE=<topic>@<seconds>``: see :func:`_debug_hooks`."""
    from .topology import TOPICS, topic_name

    logical, _, after = spec.partition("@")
    if logical not in TOPICS or not after:
        raise ValueError(f"HASILA_DEBUG_PAUSE={spec!r}: use <logical topic>@<seconds>")
    delay = float(after)
    app = rt.app  # type: ignore[attr-defined]
    name = topic_name(rt.settings.topic_prefix, TOPICS[logical])  # type: ignore[attr-defined]

    @app.task
    async def debug_pause() -> None:
        consumer = app.consumer
        while True:
            await asyncio.sleep(0.5)
            committed = getattr(consumer, "_committed_offset", {})
            try:
                if any(tp.topic == name and committed.get(tp) for tp in consumer.assignment()):
                    break
            except Exception:  # consumer not started yet: an escaping exception stops the app
                continue
        await asyncio.sleep(delay)
        tps = {tp for tp in consumer.assignment() if tp.topic == name}
        consumer.pause_partitions(tps)
        log.warning("HASILA_DEBUG_PAUSE: paused %s", sorted(f"{tp.topic}[{tp.partition}]" for tp in tps))
