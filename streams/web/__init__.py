"""HTTP views served by the worker's own Faust web server (aiohttp).

``/health`` answers readiness probes, ``/metrics`` is the Prometheus scrape
target (Hasila's metrics and Faust's own sensors in one registry); the
read-only JSON API (``/api/...``) and the live page (``/``) are registered by
:func:`streams.web.api.register_api`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from faust import web
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

if TYPE_CHECKING:
    from ..app import Runtime

__all__ = ["register_views"]


def register_views(rt: Runtime) -> None:
    """Register /health and /metrics (and the API, where present) on ``rt.app``."""
    app = rt.app
    if rt.settings.faust_sensors:
        # Faust's sensors (messages, commit latency, rebalances) in Hasila's registry, served on
        # /metrics with ours. Off by default: they label every message and table operation.
        setup_prometheus_sensors(app, pattern="/faust-metrics", registry=rt.registry,
                                 name_prefix="hasila_faust")

    @app.page("/health")
    async def health(self: web.View, request: web.Request) -> web.Response:
        ready = app.rebalancing is False and app.consumer is not None
        return self.json(
            {"status": "ok" if ready else "starting", "app": app.conf.id}, status=200 if ready else 503
        )

    @app.page("/metrics")
    async def metrics(self: web.View, request: web.Request) -> web.Response:
        # aiohttp refuses a content type that carries a charset; pass it as a header instead.
        return self.bytes(generate_latest(rt.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

    from .api import register_api

    register_api(rt)
