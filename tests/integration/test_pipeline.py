"""The whole pipeline on the real broker: articles in, every output topic checked."""

from __future__ import annotations

import random

import orjson
import pytest

from streams.batch import run_batch
from streams.demo import SAMPLES

from .fixtures import latest, produce, read_topic, values

pytestmark = pytest.mark.kafka

IDLIB = {"id": "it-ar-1", "source": "Test Wire", "published_at": "2025-04-02", "language": "ar",
         "title": "قصف على بلدة في ريف إدلب",
         "body": "قُتل أربعة مدنيين وأصيب سبعة آخرون بجروح في قصف مدفعي استهدف بلدة سرمين بريف إدلب صباح اليوم."}
DARAA = {"id": "it-en-1", "source": "Test Post", "published_at": "2025-04-02", "language": "en",
         "title": "Bomb kills soldiers in Daraa",
         "body": "Two soldiers were killed when a roadside bomb hit their vehicle near the city of Daraa on Wednesday."}

# no toll: an incident reference, which adds a source to the Sarmin incidents and no casualty
CALM = {"id": "it-ar-2", "source": "Other Wire", "published_at": "2025-04-02", "language": "ar",
        "title": None,
        "body": "عاد الهدوء الحذر إلى بلدة سرمين بعد القصف المدفعي الذي استهدفها صباح اليوم، وسط حركة نزوح محدودة."}


def j(record: dict) -> bytes:
    return orjson.dumps(record)


async def test_articles_flow_to_every_output_topic_and_bad_input_is_dead_lettered(deployment):
    deployment.start_worker()
    bootstrap = deployment.bootstrap
    # All on one partition, the bad ones between the good ones: none may be skipped.
    await produce(bootstrap, deployment.topic("articles.raw"), [
        (b"it-ar-1", j(IDLIB)),
        (b"bad-1", b'{"id": "bad-1", "body": '),
        (b"bad-2", j({"id": "bad-2", "body": "x", "language": "fr"})),
        (b"bad-3", b"\xff\xfe\x00garbage"),
        (b"it-en-1", j(DARAA)),
        (b"it-ar-2", j(CALM)),
    ], partition=0)

    dead = values(await read_topic(bootstrap, deployment.topic("articles.deadletter"),
                                   until=lambda m: len(m) >= 3))
    assert {d["key"]: d["code"] for d in dead} == {"bad-1": "E104", "bad-2": "E106", "bad-3": "E101"}
    assert all(d["stage"] in ("decode", "validate") and d["reason"] for d in dead)
    assert next(d for d in dead if d["key"] == "bad-3")["original_encoding"] == "base64"

    mentions = values(await read_topic(
        bootstrap, deployment.topic("casualties.mentions"),
        until=lambda m: {v["article_id"] for v in values(m)} >= {"it-ar-1", "it-en-1"}))
    killed = {(m["article_id"], m["kind"]): m for m in mentions}
    assert killed[("it-ar-1", "killed")]["count"] == 4
    assert killed[("it-ar-1", "injured")]["count"] == 7
    assert killed[("it-ar-1", "killed")]["region"]["admin1"] == "SY07"
    assert killed[("it-en-1", "killed")]["count"] == 2
    assert killed[("it-en-1", "killed")]["region"]["admin1"] == "SY12"
    ev = killed[("it-ar-1", "killed")]["evidence"]
    text = IDLIB["title"] + "\n\n" + IDLIB["body"]
    assert text[ev["start"]:ev["end"]] == ev["text"]

    references = values(await read_topic(bootstrap, deployment.topic("casualties.references"),
                                         until=lambda m: len(m) >= 1))
    assert [(r["article_id"], r["region"]["place"], r["event_date"]) for r in references] == [
        ("it-ar-2", "سرمين", "2025-04-02")]

    def cited(msgs):
        state = latest(values(msgs), "incident_id")
        return sum("it-ar-2" in i["article_ids"] for i in state.values()) == 2

    incidents = latest(values(await read_topic(
        bootstrap, deployment.topic("casualties.incidents"), until=cited)), "incident_id")
    assert sorted((i["kind"], i["count_best"]) for i in incidents.values() if i["status"] == "active") == [
        ("injured", 7), ("killed", 2), ("killed", 4)]
    for inc in incidents.values():
        if "it-ar-2" in inc["article_ids"]:
            assert inc["region"]["place"] == "سرمين"
            source = next(s for s in inc["sources"] if s["article_id"] == "it-ar-2")
            assert source["count"] is None and source["reference_id"] == references[0]["reference_id"]

    def settled(msgs):
        state = latest(values(msgs), "key")
        sy07 = state.get("SY07|all", {})
        return (sy07.get("killed"), sy07.get("injured"), state.get("SY12|all", {}).get("killed")) == (4, 7, 2)

    aggregates = latest(values(await read_topic(bootstrap, deployment.topic("casualties.aggregates"),
                                                until=settled)), "key")
    assert aggregates["SY07|all"]["injured"] == 7
    assert aggregates["SY07|day:2025-04-02"]["killed"] == 4
    assert deployment.workers[0].poll() is None, "the worker must still be running"

    import urllib.request

    port = deployment.workers[0].web_port
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = resp.read().decode()
    assert 'hasila_deadletters_total{code="E104",stage="decode"} 1.0' in text
    assert 'hasila_casualties{admin1="SY07",kind="killed",victim="civilian"} 4.0' in text
    assert "hasila_articles_in_total" in text


async def test_stream_results_equal_batch_results_whatever_the_order(deployment):
    lines = [line for line in SAMPLES.read_bytes().splitlines() if line.strip()]
    batch = run_batch(lines)
    expected = {i["incident_id"]: i for i in batch.standing_incidents}
    assert expected, "the samples must produce incidents"

    shuffled = lines[:]
    random.Random(7).shuffle(shuffled)
    deployment.start_worker()
    await produce(deployment.bootstrap, deployment.topic("articles.raw"),
                  [(None, line) for line in shuffled])

    def done(msgs):
        state = latest(values(msgs), "incident_id")
        standing = {k: v for k, v in state.items() if v["status"] != "merged"}
        return set(standing) == set(expected) and all(
            standing[k]["count_best"] == expected[k]["count_best"]
            and sorted(standing[k]["article_ids"]) == sorted(expected[k]["article_ids"]) for k in expected)

    msgs = await read_topic(deployment.bootstrap, deployment.topic("casualties.incidents"),
                            until=done, timeout=90)
    state = latest(values(msgs), "incident_id")
    for key, inc in expected.items():
        got = state[key]
        for name in ("kind", "region", "event_date", "count_best", "count_min", "count_max", "victim"):
            assert got[name] == inc[name], (key, name)


async def test_a_restarted_worker_recovers_its_tables_and_gauges(deployment):
    """After a restart the state comes back from the changelogs: the gauges are refilled without
    new input, and a new report of a known incident updates it instead of counting it again."""
    import urllib.request

    deployment.start_worker()
    await produce(deployment.bootstrap, deployment.topic("articles.raw"), [(b"it-ar-1", j(IDLIB))])
    await read_topic(deployment.bootstrap, deployment.topic("casualties.aggregates"),
                     until=lambda m: latest(values(m), "key").get("SY07|all", {}).get("killed") == 4)
    deployment.stop_all()
    worker = deployment.start_worker(index=0)

    def scrape() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}/metrics", timeout=5) as resp:
            return resp.read().decode()

    import asyncio
    import time

    series = 'hasila_casualties{admin1="SY07",kind="killed",victim="civilian"} 4.0'
    deadline = time.monotonic() + 60
    while series not in scrape():
        assert time.monotonic() < deadline, "gauges were not refilled from the recovered table"
        await asyncio.sleep(1)

    copy = dict(IDLIB, id="it-ar-1-copy", source="Another Wire")
    await produce(deployment.bootstrap, deployment.topic("articles.raw"), [(b"it-ar-1-copy", j(copy))])

    def copied(msgs):
        state = latest(values(msgs), "incident_id")
        return any("it-ar-1-copy" in i["article_ids"] for i in state.values())

    incidents = latest(values(await read_topic(deployment.bootstrap, deployment.topic("casualties.incidents"),
                                               until=copied)), "incident_id")
    killed = [i for i in incidents.values() if i["status"] == "active" and i["kind"] == "killed"]
    assert len(killed) == 1 and sorted(killed[0]["article_ids"]) == ["it-ar-1", "it-ar-1-copy"]
    aggregates = latest(values(await read_topic(deployment.bootstrap, deployment.topic("casualties.aggregates"),
                                                until=lambda m: False, timeout=8, partial=True)), "key")
    assert aggregates["SY07|all"]["killed"] == 4, "a copy of a known report must not add casualties"
