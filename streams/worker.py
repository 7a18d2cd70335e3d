"""Running a worker process: create the topics, build the app, hand over to Faust."""

from __future__ import annotations

import asyncio
import logging

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
    worker = _worker_class()(rt.app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()
    return 0
