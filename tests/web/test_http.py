"""The views over real HTTP (aiohttp test server on the app's router), with a hand-fed read model.

No Kafka: the Faust app is built but not started, so the follower task does
not run and the tests put records into its read model directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from streams.app import create_runtime
from streams.config import Settings
from streams.web import api

from .records import aggregate, incident

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runtime_and_follower(monkeypatch, tmp_path):
    captured = {}
    real = api.register_api

    def spy(rt):
        captured["follower"] = real(rt)
        return captured["follower"]

    monkeypatch.setattr(api, "register_api", spy)
    rt = create_runtime(Settings(store="memory://", data_dir=tmp_path, topic_prefix="webtest."))
    return rt, captured["follower"]


@pytest.fixture
async def client(runtime_and_follower):
    rt, follower = runtime_and_follower
    follower.model.apply_many(
        aggregates=[
            aggregate("SY07", "all", killed=4, injured=7, incidents=2),
            aggregate("SY07", "day:2025-04-02", killed=4, injured=7, incidents=2),
            aggregate("SY12", "all", killed=2),
            aggregate("SY12", "day:2025-04-02", killed=2),
        ],
        incidents=[incident("inc-1", admin1="SY07", count=4), incident("inc-2", admin1="SY12", count=2)],
    )
    async with TestClient(TestServer(rt.app.web.web_app)) as c:
        yield c


def served_routes(rt) -> set[str]:
    return {
        r.resource.canonical
        for r in rt.app.web.web_app.router.routes()
        if r.resource is not None and r.resource.canonical.startswith("/api/")
    }


def test_every_api_route_is_documented_and_every_documented_path_is_served(runtime_and_follower):
    rt, _ = runtime_and_follower
    spec = yaml.safe_load((ROOT / "docs" / "api" / "openapi.yaml").read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.1")
    assert served_routes(rt) == set(spec["paths"])
    assert set(api.ROUTES) == set(spec["paths"])
    for path, item in spec["paths"].items():
        assert set(item) == {"get"}, f"{path} documents methods other than GET"


async def test_regions_with_names_and_period(client):
    resp = await client.get("/api/regions")
    assert resp.status == 200 and resp.content_type == "application/json"
    body = await resp.json()
    assert [(r["region"], r["killed"]) for r in body["regions"]] == [("SY07", 4), ("SY12", 2)]
    assert body["regions"][0]["name_ar"] == "إدلب"
    body = await (await client.get("/api/regions?from=2025-04-03&to=2025-04-30")).json()
    assert all(r["killed"] == 0 for r in body["regions"])
    assert body["period"] == {"from": "2025-04-03", "to": "2025-04-30"}


async def test_incidents_list_and_one_incident(client):
    body = await (await client.get("/api/incidents?region=SY07&kind=killed")).json()
    assert body["total"] == 1
    item = body["incidents"][0]
    assert item["incident_id"] == "inc-1" and item["evidence"].startswith("قتل")
    assert item["sources"][0]["url"] == "https://example.org/a"
    full = await (await client.get("/api/incidents/inc-1")).json()
    assert full["sources"][0]["evidence"] == item["evidence"]
    assert full["region_name"]["en"]


async def test_history(client):
    body = await (await client.get("/api/regions/SY12/history")).json()
    assert body["days"] == [
        {"date": "2025-04-02", "killed": 2, "injured": 0, "incidents": 1, "unquantified": 0}
    ]
    assert (await client.get("/api/regions/SY03/history")).status == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/regions?from=yesterday",
        "/api/regions?from=2025-05-01&to=2025-04-01",
        "/api/regions?evil=1",
        "/api/incidents?limit=100000",
        "/api/incidents?kind=dead",
        "/api/incidents/inc-1?x=1",
        "/api/incidents/a%20b",
        "/api/regions/Idlib/history",
    ],
)
async def test_bad_parameters_get_400_with_a_json_message(client, url):
    resp = await client.get(url)
    assert resp.status == 400
    assert (await resp.json())["error"]


async def test_unknown_incident_is_404(client):
    resp = await client.get("/api/incidents/nope")
    assert resp.status == 404 and "nope" in (await resp.json())["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
async def test_the_api_is_read_only(client, method):
    for url in ("/api/regions", "/api/incidents", "/api/incidents/inc-1", "/"):
        resp = await client.request(method, url)
        assert resp.status == 405, (method, url)


async def test_page_and_static_files(client):
    page = await client.get("/")
    html = await page.text()
    assert page.status == 200 and "/static/app.js" in html
    assert "do not imply official endorsement or acceptance by the United Nations" in html
    assert "CC BY-IGO 3.0" in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    geo = await (await client.get("/static/syr_admin1.geojson")).json(content_type=None)
    assert sorted(f["properties"]["pcode"] for f in geo["features"]) == [f"SY{k:02d}" for k in range(1, 15)]
    assert (await client.get("/static/../readmodel.py")).status == 404
    assert (await client.get("/static/index.html")).status == 404
    yaml_doc = await client.get("/api/openapi.yaml")
    assert yaml_doc.status == 200 and "openapi: 3.1.0" in await yaml_doc.text()


async def test_a_cited_reference_is_listed_but_never_shown_as_the_evidence(runtime_and_follower):
    rt, follower = runtime_and_follower
    cited = {"article_id": "a-0-calm", "reference_id": "a-0-calm:ref:1", "source": "Other Wire",
             "url": None, "published_at": "2025-04-02", "count": None,
             "evidence": "عاد الهدوء الحذر إلى بلدة سرمين بعد القصف"}
    counted = {"article_id": "a-1", "mention_id": "m-1", "source": "Test Wire", "url": None,
               "published_at": "2025-04-02", "count": 7, "evidence": "أصيب سبعة مدنيين في قصف على سرمين"}
    follower.model.apply_many(
        aggregates=[aggregate("SY07", "all", injured=7, incidents=1)],
        incidents=[incident("inc-9", kind="injured", count=7, sources=[cited, counted])],
    )
    async with TestClient(TestServer(rt.app.web.web_app)) as client:
        body = await (await client.get("/api/incidents?region=SY07&kind=injured")).json()
    item = body["incidents"][0]
    assert item["evidence"] == counted["evidence"]
    assert [(s["article_id"], s["reference_id"], s["count"]) for s in item["sources"]] == [
        ("a-0-calm", "a-0-calm:ref:1", None), ("a-1", None, 7)]
