"""Hostile and broken input on the real broker: each bad record is dead-lettered with its reason
or processed correctly, the worker keeps running, and every good record around it is processed."""

from __future__ import annotations

import orjson
import pytest

from .fixtures import produce, read_topic, values

pytestmark = pytest.mark.kafka


def art(aid: str, body, **extra) -> bytes:
    return orjson.dumps({"id": aid, "body": body, "published_at": "2025-05-01", **extra})


GOOD_AR = "قُتل ثلاثة مدنيين بقصف على بلدة سرمين بريف إدلب."
GOOD_EN = "Two soldiers were killed near the city of Daraa."

# (key, raw value, expected dead-letter code or None when the record is valid and must be processed)
CASES: list[tuple[str, bytes | None, str | None]] = [
    ("not-json", b"{this is not json", "E104"),
    ("json-array", b"[1, 2, 3]", "E105"),
    ("json-string", b'"just a string"', "E105"),
    ("json-number", b"42", "E105"),
    ("json-null", b"null", "E105"),
    ("empty-bytes", b"", "E104"),
    ("tombstone", None, "E104"),
    ("missing-id", orjson.dumps({"body": GOOD_AR}), "E106"),
    ("missing-body", orjson.dumps({"id": "missing-body"}), "E106"),
    ("id-int", orjson.dumps({"id": 7, "body": GOOD_AR}), "E106"),
    ("body-list", orjson.dumps({"id": "body-list", "body": ["a"]}), "E106"),
    ("body-empty", art("body-empty", ""), "E106"),
    ("body-space", art("body-space", " \n\t  "), "E106"),
    ("body-10mb", art("body-10mb", "ا" * 5_000_000), "E102"),
    ("bad-utf8", b'{"id": "bad-utf8", "body": "\xc3\x28"}', "E101"),
    ("nul-in-body", art("nul-in-body", "قتل\x00 شخص"), "E108"),
    ("year-99999", art("year-99999", GOOD_AR, published_at="99999-01-01"), "E106"),
    ("feb-30", art("feb-30", GOOD_AR, published_at="2025-02-30"), "E106"),
    ("schema-v9", art("schema-v9", GOOD_AR, schema_version=9), "E107"),
    ("lang-fr", art("lang-fr", GOOD_AR, language="fr"), "E106"),
    ("date-number", orjson.dumps({"id": "date-number", "body": GOOD_AR, "published_at": 20250501}), "E106"),
    ("title-object", art("title-object", GOOD_AR, title={"x": 1}), "E106"),
    ("id-huge", art("x" * 5000, GOOD_AR), "E106"),
    ("deep-nesting", b'{"id": "deep", "body": "b", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "E104"),
    ("lone-surrogate", b'{"id": "lone-surrogate", "body": "\\ud800 killed"}', "E104"),
    ("bom", b"\xef\xbb\xbf" + art("bom", GOOD_AR), "E104"),
    # Valid but hostile: processed, no crash.
    ("html-script", art("html-script", "<p><script>alert('x')</script>" + GOOD_EN + "</p>"), None),
    ("bidi", art("bidi", "\u202e" + GOOD_AR + "\u2066\u2069"), None),
    ("many-triggers", art("many-triggers", "قتل " * 40_000), None),
    ("thousand-digits", art("thousand-digits", "killed " + "9" * 1000 + " people in Idlib"), None),
    ("emoji-only", art("emoji-only", "🔥" * 500), None),
    ("one-long-word", art("one-long-word", "ا" * 150_000), None),
    ("duplicate-keys", b'{"id": "duplicate-keys", "body": "x", "body": "' + GOOD_EN.encode() + b'"}', None),
    ("regex-bomb", art("regex-bomb", ("، " * 20_000) + ("و" * 20_000) + " 5 " * 5_000), None),
]


async def test_every_bad_record_is_dead_lettered_and_every_good_one_processed(deployment):
    deployment.start_worker()
    records: list[tuple[bytes | None, bytes | None]] = []
    good_ids = []
    for i, (key, raw, _code) in enumerate(CASES):
        records.append((key.encode(), raw))
        good = f"good-{i}"
        good_ids.append(good)
        records.append((good.encode(), art(good, GOOD_AR if i % 2 else GOOD_EN, source=f"s{i}")))
    await produce(deployment.bootstrap, deployment.topic("articles.raw"), records, partition=0)

    expected_dead = {key: code for key, _raw, code in CASES if code}
    dead = values(await read_topic(deployment.bootstrap, deployment.topic("articles.deadletter"),
                                   until=lambda m: len(m) >= len(expected_dead), timeout=90,
                                   partial=True))
    got = {d["key"]: d for d in dead}
    for key, code in expected_dead.items():
        assert key in got, f"{key} not dead-lettered"
        assert got[key]["code"] == code, (key, got[key]["reason"])
        assert got[key]["reason"]
        assert len(orjson.dumps(got[key])) < 200_000, "a dead letter must stay small"
    assert len(dead) == len(expected_dead), [d["key"] for d in dead if d["key"] not in expected_dead]

    wanted = set(good_ids) | {"html-script", "bidi", "duplicate-keys"}
    mentions = values(await read_topic(
        deployment.bootstrap, deployment.topic("casualties.mentions"),
        until=lambda m: {v["article_id"] for v in values(m)} >= wanted, timeout=120))
    by_article = {}
    for m in mentions:
        by_article.setdefault(m["article_id"], []).append(m)
    assert all(by_article[g] for g in good_ids)
    assert {m["count"] for m in by_article["html-script"]} == {2}
    for m in mentions:
        assert m["count"] is None or m["count"] < 10_000_000, m
    assert deployment.workers[0].poll() is None, deployment.log_tail()
