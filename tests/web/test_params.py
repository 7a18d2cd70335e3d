"""Query validation: what is accepted, and a clear 400 message for everything else."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.web.params import (
    MAX_LIMIT,
    BadRequest,
    check_incident_id,
    check_pcode,
    parse_history,
    parse_incidents,
    parse_regions,
)


def test_defaults():
    q = parse_regions([])
    assert (q.period.start, q.period.end, q.level) == (None, None, "admin1")
    i = parse_incidents([])
    assert (i.region, i.kind, i.min_count, i.limit) == (None, None, 0, 50)


def test_valid_values_are_typed():
    q = parse_incidents(
        [
            ("region", "SY0703"),
            ("from", "2025-04-01"),
            ("to", "2025-04-30"),
            ("kind", "injured"),
            ("min_count", "3"),
            ("limit", "500"),
        ]
    )
    assert q.region == "SY0703" and q.kind == "injured" and q.min_count == 3 and q.limit == MAX_LIMIT
    assert q.period.start == date(2025, 4, 1) and q.period.end == date(2025, 4, 30)
    assert parse_regions([("level", "admin2"), ("from", "2025-01-01")]).level == "admin2"
    assert parse_history([("to", "2025-01-01")]).end == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("pairs", "fragment"),
    [
        ([("form", "2025-01-01")], "unknown parameter 'form'"),
        ([("from", "2025-1-1")], "YYYY-MM-DD"),
        ([("from", "2025-02-30")], "not a valid calendar date"),
        ([("from", "٢٠٢٥-٠١-٠١")], "YYYY-MM-DD"),
        ([("from", "2025-04-02"), ("to", "2025-04-01")], "after"),
        ([("from", "2000-01-01"), ("to", "2025-01-01")], "longer than 3660 days"),
        ([("from", "2025-01-01"), ("from", "2025-01-02")], "more than once"),
        ([("level", "admin3")], "level="),
    ],
)
def test_bad_region_queries(pairs, fragment):
    with pytest.raises(BadRequest) as err:
        parse_regions(pairs)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("pairs", "fragment"),
    [
        ([("kind", "dead")], "kind="),
        ([("region", "Idlib")], "not a p-code"),
        ([("region", "SY7")], "not a p-code"),
        ([("region", "sy07")], "not a p-code"),
        ([("limit", "0")], "out of range"),
        ([("limit", "501")], "out of range"),
        ([("limit", "-1")], "not a whole number"),
        ([("limit", "1e3")], "not a whole number"),
        ([("min_count", "99999999999")], "whole number"),
        ([("region", "SY07" * 40)], "too long"),
    ],
)
def test_bad_incident_queries(pairs, fragment):
    with pytest.raises(BadRequest) as err:
        parse_incidents(pairs)
    assert fragment in str(err.value)


def test_history_takes_no_other_parameters():
    with pytest.raises(BadRequest, match="unknown parameter 'level'"):
        parse_history([("level", "admin1")])


def test_pcodes_and_ids():
    for ok in ("SY07", "SY0703", "SY070300", "none", "TR-31"):
        assert check_pcode(ok) == ok
    for bad in ("SY", "SY070", "../etc", "SY07;", ""):
        with pytest.raises(BadRequest):
            check_pcode(bad)
    assert check_incident_id("inc:SY07:2025-04-02:abc") == "inc:SY07:2025-04-02:abc"
    for bad in ("", "a" * 129, "a b", "<script>"):
        with pytest.raises(BadRequest):
            check_incident_id(bad)


@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=80)), max_size=6))
def test_any_query_is_accepted_or_refused_with_a_message(pairs):
    for parse in (parse_regions, parse_incidents, parse_history):
        try:
            parse(pairs)
        except BadRequest as exc:
            assert str(exc)
