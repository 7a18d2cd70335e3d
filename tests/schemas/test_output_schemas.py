"""Output schemas accept well-formed records and reject broken ones."""

import copy

import pytest

from streams.codecs import validate, validator
from streams.errors import HasilaError, deadletter_record

REGION = {"admin1": "SY07", "admin2": "SY0703", "admin3": None, "place": "سرمين",
          "pcode": "C3871", "precision": "exact", "lat": 35.9, "lon": 36.7}
MENTION = {
    "schema_version": 1, "article_id": "a1", "mention_id": "a1:killed:0123456789", "kind": "killed",
    "count": 3, "count_min": 3, "count_max": 3, "region": REGION, "event_date": "2025-03-10",
    "victim": "civilian", "group": None, "scope": "incident",
    "evidence": {"text": "قتل ثلاثة مدنيين", "start": 0, "end": 16}, "language": "ar",
}
INCIDENT = {
    "schema_version": 1, "incident_id": "inc-1", "version": 2, "status": "active", "merged_into": None,
    "kind": "killed", "region": REGION, "event_date": "2025-03-10", "count_best": 3, "count_min": 3,
    "count_max": 4, "victim": "civilian", "group": None, "article_ids": ["a1", "a2"],
    "sources": [{"article_id": "a1", "count": 3}], "first_seen": "2025-03-10", "updated_at": "2025-03-10",
}
AGGREGATE = {
    "schema_version": 1, "key": "SY07|all", "region": "SY07", "level": "admin1", "bucket": "all",
    "killed": 3, "injured": 5, "incidents": 2, "unquantified": 0,
    "by_victim": {"civilian": {"killed": 3, "injured": 5}}, "version": 4, "updated_at": "2025-03-10",
}


@pytest.mark.parametrize(("name", "record"), [("mention.v1.json", MENTION), ("incident.v1.json", INCIDENT),
                                              ("aggregate.v1.json", AGGREGATE)])
def test_examples_are_valid(name, record):
    validate(name, record)


@pytest.mark.parametrize(
    ("name", "record", "path", "value"),
    [
        ("mention.v1.json", MENTION, ("kind",), "arrested"),
        ("mention.v1.json", MENTION, ("count",), -1),
        ("mention.v1.json", MENTION, ("region", "admin1"), "Idlib"),
        ("mention.v1.json", MENTION, ("region", "precision"), "street"),
        ("mention.v1.json", MENTION, ("scope",), "historical"),
        ("mention.v1.json", MENTION, ("schema_version",), 2),
        ("incident.v1.json", INCIDENT, ("version",), 0),
        ("incident.v1.json", INCIDENT, ("status",), "deleted"),
        ("incident.v1.json", INCIDENT, ("article_ids",), "a1"),
        ("aggregate.v1.json", AGGREGATE, ("level",), "admin3"),
        ("aggregate.v1.json", AGGREGATE, ("killed",), -2),
    ],
)
def test_broken_records_are_rejected(name, record, path, value):
    broken = copy.deepcopy(record)
    target = broken
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(HasilaError) as info:
        validate(name, broken)
    assert info.value.code == "E501"
    assert path[-1] in str(info.value) or str(value) in str(info.value)


def test_missing_required_field_is_rejected():
    broken = {k: v for k, v in MENTION.items() if k != "evidence"}
    assert not validator("mention.v1.json").is_valid(broken)


def test_deadletter_keeps_text_or_base64_and_truncates():
    err = HasilaError("E104", "boom")
    text = deadletter_record(stage="decode", error=err, topic="t", original=b'{"id": ', keep_bytes=1024)
    validate("deadletter.v1.json", text)
    assert text["original"] == '{"id": ' and text["original_encoding"] == "utf-8"
    binary = deadletter_record(stage="decode", error=err, topic="t", original=b"\xff" * 3000, keep_bytes=1024)
    validate("deadletter.v1.json", binary)
    assert binary["original_encoding"] == "base64" and binary["truncated"]
    assert binary["original_size"] == 3000


def test_every_error_code_is_documented():
    from pathlib import Path

    from streams.errors import CODES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in doc, code


def test_fast_and_reference_validators_agree():
    """The hot path uses fastjsonschema; it must accept and reject exactly what jsonschema does."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from streams.codecs import _fast

    leaves = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(
        ["SY07", "Idlib", "killed", "arrested", "2025-03-10", "x", "", "exact", "civilian"]))

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from(["kind", "count", "region", "scope", "event_date", "victim", "language"]), leaves)
    def check(field, value):
        record = copy.deepcopy(MENTION)
        if field == "region":
            record["region"]["admin1"] = value
        else:
            record[field] = value
        try:
            _fast("mention.v1.json")(record)
            fast_ok = True
        except Exception:
            fast_ok = False
        assert fast_ok == validator("mention.v1.json").is_valid(record), (field, value)

    check()
