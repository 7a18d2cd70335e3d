"""Running a worker process: create the topics, build the app, hand over to Faust."""

from __future__ import annotations

import asyncio
import logging

from .config import Settings
from .kafka import ensure_topics

__all__ = ["run_worker"]

log = logging.getLogger("hasila")


def run_worker(settings: Settings) -> int:
    """Create missing topics, then run the Faust worker until SIGTERM/SIGINT."""
    from faust import Worker

    from .app import create_runtime

    loop = asyncio.new_event_loop()
    try:
        created = loop.run_until_complete(ensure_topics(settings))
    finally:
        loop.close()
    if created:
        log.info("created topics: %s", ", ".join(created))
    rt = create_runtime(settings)
    worker = Worker(rt.app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
    return 0
