"""The live page in real headless Chromium against a real worker and broker.

Needs Debian's chromium (``scripts/install_browser.sh``) and the ``playwright``
Python package (driver only: never ``playwright install``). Set
``HASILA_SCREENSHOT=docs/img/live-page.png`` to also save a screenshot of the
page after the second article (how the README image is regenerated).
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from pathlib import Path

import orjson
import pytest

from tests.integration.fixtures import produce

pytestmark = [pytest.mark.kafka, pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("HASILA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

FIRST = {
    "id": "web-ar-1",
    "source": "Test Wire",
    "url": "https://example.org/news/web-ar-1",
    "published_at": "2025-04-02",
    "language": "ar",
    "title": "قصف على بلدة في ريف إدلب",
    "body": "قُتل أربعة مدنيين في قصف مدفعي على بلدة سرمين بريف إدلب صباح اليوم.",
}
SECOND = {
    "id": "web-ar-2",
    "source": "Another Wire",
    "published_at": "2025-04-20",
    "language": "ar",
    "title": "غارة جوية على مدينة في ريف إدلب",
    "body": "قُتل ستة مدنيين في غارة جوية استهدفت سوقا شعبيا في مدينة أريحا بريف إدلب مساء الأحد.",
}


def _api(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
        return orjson.loads(resp.read())


def _wait_api(port: int, path: str, ok, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        body = _api(port, path)
        if ok(body):
            return body
        time.sleep(0.3)
    raise AssertionError(f"{path}: condition not met in {timeout}s; last answer {body}")


def _killed(body: dict, pcode: str) -> int:
    return next((r["killed"] for r in body["regions"] if r["region"] == pcode), 0)


@pytest.fixture(scope="module")
def playwright_api():
    sync_api = pytest.importorskip("playwright.async_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (scripts/install_browser.sh)")
    return sync_api


async def test_page_draws_the_map_and_updates_without_reload(deployment, playwright_api):
    worker = deployment.start_worker()
    port = worker.web_port
    articles = deployment.topic("articles.raw")
    await produce(deployment.bootstrap, articles, [(b"web-ar-1", orjson.dumps(FIRST))])
    first = _wait_api(port, "/api/regions", lambda b: _killed(b, "SY07") > 0)
    before = _killed(first, "SY07")

    expect = playwright_api.expect
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 1100})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"http://127.0.0.1:{port}/?poll=700")
            # expect() polls without evaluating strings in the page, so the page's CSP stays on.
            await expect(page.locator("#map path[data-pcode]")).to_have_count(14, timeout=20_000)
            pcodes = await page.eval_on_selector_all(
                "#map path[data-pcode]", "els => els.map(e => e.getAttribute('data-pcode'))"
            )
            assert sorted(pcodes) == [f"SY{k:02d}" for k in range(1, 15)]
            assert "endorsement or acceptance by the United Nations" in await page.inner_text(".credit")

            cell = "#regions tbody tr[data-pcode='SY07'] td.killed"
            await expect(page.locator(cell)).to_have_text(str(before), timeout=20_000)
            arabic = await page.get_attribute("#regions tbody tr[data-pcode='SY07'] td[lang='ar']", "dir")
            assert arabic == "rtl"
            assert await page.inner_text("#regions tbody tr[data-pcode='SY07'] td[lang='ar']") == "إدلب"
            shaded = await page.get_attribute("#map path[data-pcode='SY07']", "fill")
            assert shaded != await page.get_attribute("#map path[data-pcode='SY14']", "fill")
            evidence = await page.inner_text("#incidents li .evidence")
            assert "سرمين" in evidence

            # A marker that a reload would wipe out.
            await page.evaluate("window.__hasilaMarker = 42")
            await produce(deployment.bootstrap, articles, [(b"web-ar-2", orjson.dumps(SECOND))])
            after = _killed(_wait_api(port, "/api/regions", lambda b: _killed(b, "SY07") != before), "SY07")
            assert after > before
            await expect(page.locator(cell)).to_have_text(str(after), timeout=20_000)
            assert await page.evaluate("window.__hasilaMarker") == 42, "the page was reloaded"
            assert await page.locator("#incidents li").count() >= 2
            assert not errors, errors

            shot = os.environ.get("HASILA_SCREENSHOT")
            if shot:
                Path(shot).parent.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=shot, full_page=True)
        finally:
            await browser.close()
    assert worker.poll() is None, deployment.log_tail()
