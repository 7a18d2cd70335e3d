"""The read-only JSON API and the live page, as views on the worker's Faust web server.

Every answer comes from this worker's :class:`~streams.web.readmodel.ReadModel`
(fed by :class:`~streams.web.follower.Follower`), never from the Faust
tables, so any worker answers any query. The ``answer_*`` functions are pure
(query pairs in, ``(status, JSON body)`` out) so they can be tested without a
server; :func:`register_api` only wires them to routes. Views are registered
for GET (and HEAD) only: aiohttp answers 405 to any other method.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import orjson

from .params import (
    BadRequest,
    check_incident_id,
    check_pcode,
    parse_history,
    parse_incidents,
    parse_regions,
)
from .readmodel import DEFAULT_MAX_DAYS, DEFAULT_MAX_INCIDENTS, ReadModel

if TYPE_CHECKING:
    from ..app import Runtime

__all__ = [
    "ROUTES",
    "STATIC_FILES",
    "answer_history",
    "answer_incident",
    "answer_incidents",
    "answer_regions",
    "region_names",
    "register_api",
]

log = logging.getLogger("hasila.web")

Pairs = Iterable[tuple[str, str]]
Answer = tuple[int, dict[str, Any]]

# Every route this module serves (OpenAPI paths syntax); tests compare it with docs/api/openapi.yaml.
ROUTES = (
    "/api/regions",
    "/api/regions/{pcode}/history",
    "/api/incidents",
    "/api/incidents/{incident_id}",
    "/api/status",
    "/api/openapi.yaml",
)

# name -> content type; nothing else under /static/ is served.
STATIC_FILES = {
    "app.js": "application/javascript",
    "style.css": "text/css",
    "syr_admin1.geojson": "application/geo+json",
}

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


@lru_cache(maxsize=1)
def _geojson_names() -> dict[str, dict[str, str]]:
    """Governorate names from the shipped boundaries file (fallback when the gazetteer is absent)."""
    try:
        data = orjson.loads(resources.files(__package__).joinpath("static/syr_admin1.geojson").read_bytes())
        return {
            f["properties"]["pcode"]: {"en": f["properties"]["name_en"], "ar": f["properties"]["name_ar"]}
            for f in data["features"]
        }
    except Exception:  # names are decoration
        return {}


@lru_cache(maxsize=4096)
def region_names(pcode: str) -> dict[str, str]:
    """``{"en": ..., "ar": ...}`` for a p-code: the gazetteer, else the boundaries, else the p-code."""
    if pcode == "none":
        return {"en": "(no place)", "ar": "(بلا مكان)"}
    names = dict(_geojson_names().get(pcode, {}))
    try:
        from ..places import default_gazetteer

        gaz = default_gazetteer()
        for lang in ("en", "ar"):
            name = gaz.name(pcode, lang=lang)
            if name:
                names[lang] = name
    except Exception:  # the gazetteer is optional here: fall back to the p-code
        pass
    names.setdefault("en", pcode)
    names.setdefault("ar", names["en"])
    return names


def _named(row: dict) -> dict:
    names = region_names(row["region"])
    return {**row, "name_en": names["en"], "name_ar": names["ar"]}


def _summary(incident: dict) -> dict:
    """An incident without its long per-source lists: what a listing needs."""
    # the evidence shown is a casualty sentence, not a reference's (which gives no toll)
    sources = incident.get("sources") or ()
    first = next((s for s in sources if s.get("evidence") and not s.get("reference_id")), None)
    return {
        "incident_id": incident["incident_id"],
        "version": incident.get("version"),
        "status": incident.get("status"),
        "kind": incident.get("kind"),
        "event_date": incident.get("event_date"),
        "count_best": incident.get("count_best"),
        "count_min": incident.get("count_min"),
        "count_max": incident.get("count_max"),
        "victim": incident.get("victim"),
        "group": incident.get("group"),
        "region": incident.get("region"),
        "region_name": region_names(((incident.get("region") or {}).get("admin1")) or "none"),
        "evidence": first.get("evidence") if first else None,
        "sources": [
            {k: s.get(k) for k in ("article_id", "source", "url", "published_at", "count", "duplicate_of",
                                   "reference_id")}
            for s in (incident.get("sources") or ())[:20]
        ],
        "source_count": len(incident.get("sources") or ()),
        "updated_at": incident.get("updated_at"),
    }


def answer_regions(model: ReadModel, pairs: Pairs) -> Answer:
    """``GET /api/regions``: totals per region for the period."""
    query = parse_regions(pairs)
    rows = [_named(r) for r in model.regions(query.period.start, query.period.end, query.level)]
    unplaced = (
        model.region_totals("none", query.period.start, query.period.end) if query.level == "admin1" else None
    )
    return 200, {
        "period": query.period.as_dict(),
        "level": query.level,
        "regions": rows,
        "unplaced": unplaced,
    }


def answer_history(model: ReadModel, pcode: str, pairs: Pairs) -> Answer:
    """``GET /api/regions/{pcode}/history``: daily totals of one region."""
    check_pcode(pcode, "pcode")
    period = parse_history(pairs)
    if not model.has_region(pcode):
        return 404, {"error": f"no data for region {pcode}"}
    names = region_names(pcode)
    return 200, {
        "region": pcode,
        "name_en": names["en"],
        "name_ar": names["ar"],
        "period": period.as_dict(),
        "totals": model.region_totals(pcode, period.start, period.end),
        "days": model.history(pcode, period.start, period.end),
    }


def answer_incidents(model: ReadModel, pairs: Pairs) -> Answer:
    """``GET /api/incidents``: filtered incidents, most recent first."""
    q = parse_incidents(pairs)
    total, items = model.incidents(
        region=q.region,
        start=q.period.start,
        end=q.period.end,
        kind=q.kind,
        min_count=q.min_count,
        limit=q.limit,
    )
    return 200, {
        "total": total,
        "limit": q.limit,
        "period": q.period.as_dict(),
        "incidents": [_summary(i) for i in items],
    }


def answer_incident(model: ReadModel, incident_id: str, pairs: Pairs) -> Answer:
    """``GET /api/incidents/{incident_id}``: the whole incident record (sources, mentions, evidence)."""
    check_incident_id(incident_id)
    extra = [name for name, _ in pairs]
    if extra:
        raise BadRequest(f"unknown parameter {extra[0][:40]!r}; this route takes none")
    record = model.incident(incident_id)
    if record is None:
        return 404, {"error": f"no incident {incident_id}"}
    region = (record.get("region") or {}).get("admin1") or "none"
    return 200, {**record, "region_name": region_names(region)}


def _static(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def _openapi() -> bytes:
    """The OpenAPI document: ``docs/api/openapi.yaml`` in a checkout, else a packaged copy."""
    here = resources.files(__package__)
    for candidate in (
        here.joinpath("..", "..", "docs", "api", "openapi.yaml"),
        here.joinpath("openapi.yaml"),
    ):
        try:
            return candidate.read_bytes()
        except OSError:
            continue
    return b"openapi: 3.1.0\ninfo: {title: Hasila, version: '1'}\npaths: {}\n"


def register_api(rt: Runtime) -> Any:
    """Register the API, the page and the read-model follower on ``rt.app``; returns the follower."""
    from .follower import Follower

    app = rt.app
    region_names("SY01")  # load the gazetteer now, not on the first request
    max_incidents = int(os.environ.get("HASILA_WEB_MAX_INCIDENTS", DEFAULT_MAX_INCIDENTS))
    max_days = int(os.environ.get("HASILA_WEB_MAX_DAYS", DEFAULT_MAX_DAYS))
    follower = Follower(rt.settings, ReadModel(max_incidents, max_days))

    @app.task
    async def follow_outputs() -> None:
        await follower.run()

    def respond(view: Any, status: int, body: Any) -> Any:
        headers = {**_SECURITY_HEADERS, "Cache-Control": "no-store"}
        return view.bytes(orjson.dumps(body), content_type="application/json", status=status, headers=headers)

    def json_view(path: str, answer: Callable[..., Answer]) -> None:
        async def view(self: Any, request: Any, **match: str) -> Any:
            try:
                status, body = answer(follower.model, *match.values(), list(request.query.items()))
            except BadRequest as exc:
                status, body = 400, {"error": str(exc)}
            except Exception:
                log.exception("API error on %s", request.path)
                status, body = 500, {"error": "internal error"}
            return respond(self, status, body)

        view.__name__ = "api_" + path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
        app.page(path)(view)

    json_view("/api/regions", answer_regions)
    json_view("/api/regions/{pcode}/history", answer_history)
    json_view("/api/incidents", answer_incidents)
    json_view("/api/incidents/{incident_id}", answer_incident)

    @app.page("/api/status")
    async def api_status(self: Any, request: Any) -> Any:
        return respond(
            self,
            200,
            {
                "caught_up": follower.caught_up,
                "aggregates": follower.model.aggregate_count,
                "incidents": follower.model.incident_count,
                "max_incidents": follower.model.max_incidents,
                "history_from": follower.model.history_from or None,
                "last_update": follower.last_update,
                "errors": follower.errors,
            },
        )

    openapi = _openapi()

    @app.page("/api/openapi.yaml")
    async def api_openapi(self: Any, request: Any) -> Any:
        return self.bytes(openapi, content_type="application/yaml", headers=dict(_SECURITY_HEADERS))

    page = _static("index.html")

    @app.page("/")
    async def index(self: Any, request: Any) -> Any:
        return self.bytes(
            page, content_type="text/html", headers={**_SECURITY_HEADERS, "Cache-Control": "no-cache"}
        )

    assets = {name: (_static(name), ctype) for name, ctype in STATIC_FILES.items()}

    @app.page("/static/{name}")
    async def static(self: Any, request: Any, name: str) -> Any:
        found = assets.get(name)
        if found is None:
            return respond(self, 404, {"error": "not found"})
        body, ctype = found
        return self.bytes(
            body, content_type=ctype, headers={**_SECURITY_HEADERS, "Cache-Control": "public, max-age=300"}
        )

    return follower
