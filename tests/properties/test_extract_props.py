"""The extractor never raises on any text, its records keep their invariants, and it is fast per KB.

``extract_article`` swallows every exception (a bad article must not stop the
stream), which would also hide bugs: the properties call the inner ``_extract``
so that a crash fails the test instead of silently dropping an article.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.extract import article_text, extract_article
from streams.extract.article import _extract

from .strategies import any_text, ar_article, ar_mixed, cpu, en_article, en_mixed, flooded_word, per_kb

EXTRACT_MS_PER_KB = 20.0
MAX_COUNT = 10**9
_ = extract_article({"id": "warm", "body": "قتل 3 في إدلب", "language": "ar"})  # load lexicons, gazetteer


def _check(article: dict) -> list[dict]:
    full = article_text(article)
    out = _extract(article)[0]  # (mentions, analysis) since the references reuse the analysis
    assert isinstance(out, list)
    ids = set()
    for m in out:
        ev = m["evidence"]
        assert 0 <= ev["start"] <= ev["end"] <= len(full)
        assert full[ev["start"] : ev["end"]] == ev["text"]
        for key in ("count", "count_min", "count_max"):
            v = m[key]
            assert v is None or (type(v) is int and 0 <= v < MAX_COUNT), (key, v)
        if m["count_min"] is not None and m["count_max"] is not None:
            assert m["count_min"] <= m["count_max"]
        assert m["kind"] in ("killed", "injured")
        assert m["scope"] in ("incident", "cumulative")
        assert m["victim"] in ("civilian", "combatant", "unknown")
        assert m["group"] is None or len(m["group"]) <= 256
        assert m["mention_id"] not in ids
        ids.add(m["mention_id"])
    return out


bodies = st.one_of(
    any_text, ar_article, en_article, ar_mixed, en_mixed, st.lists(flooded_word, max_size=30).map(" ".join)
)


@settings(max_examples=150, deadline=None)
@given(
    body=bodies, lang=st.sampled_from(["ar", "en", None]), title=st.one_of(st.none(), st.text(max_size=40))
)
def test_extract_never_raises_and_records_hold(body, lang, title):
    article = {"id": "x", "body": body}
    if lang:
        article["language"] = lang
    if title is not None:
        article["title"] = title
    _check(article)


@settings(max_examples=100, deadline=None)
@given(st.one_of(ar_article, en_article, st.tuples(ar_article, en_article).map(". ".join)))
def test_extract_mixed_sentences(body):
    _check({"id": "x", "body": body, "language": "ar"})
    _check({"id": "x", "body": body, "language": "en"})


@pytest.mark.parametrize("lang", ["ar", "en"])
@settings(max_examples=25, deadline=None)
@given(body=st.one_of(ar_article, en_article))
def test_extract_cpu_time_per_kilobyte(lang, body):
    body = body * max(1, 8192 // max(1, len(body)))
    article = {"id": "x", "body": body, "language": lang}
    ms = per_kb(cpu(lambda: _extract(article), repeat=2), body)
    assert ms < EXTRACT_MS_PER_KB, f"{ms:.2f} ms/KB on {len(body)} chars"
