"""The API against a real worker on the real broker: the read model follows the output topics."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import orjson
import pytest

from tests.integration.fixtures import produce

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

ARTICLE = {
    "id": "api-en-1",
    "source": "Test Post",
    "url": "https://example.org/daraa",
    "published_at": "2025-04-02",
    "language": "en",
    "title": "Bomb kills soldiers in Daraa",
    "body": "Two soldiers were killed when a roadside bomb hit their vehicle near the city of Daraa on Wednesday.",
}


def get(port: int, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, orjson.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, orjson.loads(err.read())


def wait_for(port: int, path: str, ok, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        status, body = get(port, path)
        if status == 200 and ok(body):
            return body
        time.sleep(0.3)
    raise AssertionError(f"{path}: not ready in {timeout}s: {body}")


async def test_api_answers_from_the_output_topics(deployment):
    port = deployment.start_worker().web_port
    wait_for(port, "/api/status", lambda b: b["caught_up"])
    await produce(
        deployment.bootstrap, deployment.topic("articles.raw"), [(b"api-en-1", orjson.dumps(ARTICLE))]
    )

    regions = wait_for(port, "/api/regions", lambda b: any(r["region"] == "SY12" for r in b["regions"]))
    daraa = next(r for r in regions["regions"] if r["region"] == "SY12")
    assert daraa["killed"] == 2 and daraa["name_ar"] == "درعا"

    listing = wait_for(port, "/api/incidents?region=SY12&kind=killed", lambda b: b["total"] >= 1)
    first = listing["incidents"][0]
    assert first["count_best"] == 2 and "roadside bomb" in first["evidence"]

    status, full = get(port, f"/api/incidents/{first['incident_id']}")
    assert status == 200 and full["sources"][0]["article_id"] == "api-en-1"
    assert full["sources"][0]["url"] == "https://example.org/daraa"

    status, history = get(port, "/api/regions/SY12/history?from=2025-04-01&to=2025-04-30")
    assert status == 200 and [(d["date"], d["killed"]) for d in history["days"]] == [("2025-04-02", 2)]
    status, week = get(port, "/api/regions?from=2025-04-03&to=2025-04-09")
    assert all(r["killed"] == 0 for r in week["regions"])

    status, err = get(port, "/api/incidents?limit=501")
    assert status == 400 and "limit" in err["error"]
    assert deployment.workers[0].poll() is None
