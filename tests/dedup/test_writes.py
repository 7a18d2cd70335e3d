"""Store writes per mention: each one is a changelog record in the stream."""

from __future__ import annotations

import pytest

from streams.dedup import DedupConfig, Deduplicator
from tests.dedup.helpers import JsonStore, article, body, mention


class LoggingStore(JsonStore):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    def __setitem__(self, key, value) -> None:
        self.keys.append(key)
        super().__setitem__(key, value)


def test_a_report_joining_an_incident_writes_little():
    store = LoggingStore()
    dd = Deduplicator(store, DedupConfig(index_bands=8))
    first = article("w1", body("غارة على كفرنبل", 1), published_at="2024-02-13")
    m0 = mention(first, "kafrnabl", 3)
    dd.process(m0)
    later = article("w2", body("قصف جوي على كفرنبل", 2), published_at="2024-02-13")
    m = mention(later, "kafrnabl", 4)
    store.keys.clear()
    dd.process(m)
    assert f"c|{m['mention_id']}" not in store.keys  # its own component is never written
    assert f"m|{m0['mention_id']}" not in store.keys  # the linked mention is not rewritten
    # The copy index is one bucket and its list, not a key per band, hash and URL.
    assert sum(k.startswith("ab|") for k in store.keys) == 2
    assert not any(k.startswith(("b|", "h|", "l|")) for k in store.keys)
    assert len(store.keys) <= 2 + 6  # copy index + article, mention, date index, component, incident


def test_index_bands_is_validated():
    with pytest.raises(ValueError):
        DedupConfig(index_bands=0)
    with pytest.raises(ValueError):
        DedupConfig(index_bands=33)


def test_the_copy_index_finds_copies_across_buckets_and_empties_at_expiry():
    """Copies are found whatever bucket the original sits in; expired articles leave no entry."""
    from streams.dedup import core

    store = JsonStore()
    dd = Deduplicator(store, DedupConfig(horizon_days=5))
    n = core.COPY_BUCKET_ARTICLES * 2 + 3
    originals = [article(f"o{i}", body(f"خبر رقم {i} عن قصف على كفرنبل", 1), published_at="2024-02-13")
                 for i in range(n)]
    for i, a in enumerate(originals):
        dd.process(mention(a, "kafrnabl", i + 1))
    assert len(store["ab|SY07"]["live"]) == 3
    copy = dict(originals[1], id="copy-of-o1", url=None)
    dd.process(mention(copy, "kafrnabl", 2))
    assert "o1" in store["a|SY07|copy-of-o1"]["dups"]
    late = article("late", body("غارة على سراقب", 1), published_at="2024-03-01")
    dd.expire("2024-03-01")
    dd.process(mention(late, "kafrnabl", 1, event_date="2024-03-01"))
    dd.expire("2024-03-01")
    buckets = [k for k in store.data if k.startswith("ab|SY07|")]
    entries = [aid for k in buckets for ids in store[k].values() for aid in ids]
    assert entries == ["late"] * len(entries) and entries
    assert len(store["ab|SY07"]["live"]) == 1  # the buckets of expired articles are gone


def test_articles_indexed_one_key_per_band_before_the_buckets_still_expire_cleanly():
    """State written by the earlier layout (``b|P|band``, ``h|``, ``l|`` keys, no bucket) is removed at expiry."""
    store = JsonStore()
    dd = Deduplicator(store, DedupConfig(horizon_days=5))
    old = article("old", body("قصف على كفرنبل", 1), url="https://example.org/a/1", published_at="2024-02-13")
    dd.process(mention(old, "kafrnabl", 2))
    art = store["a|SY07|old"]
    for key in [k for k in store.data if k.startswith("ab|")]:
        del store[key]
    del art["bk"]
    store["a|SY07|old"] = art
    legacy = [f"b|SY07|{b}" for b in art["bands"][:16]] + [f"h|SY07|{art['th']}", f"l|SY07|{art['uk']}"]
    for key in legacy:
        store[key] = ["old"]
    dd.process(mention(article("new", body("غارة على حاس", 1), published_at="2024-03-01"), "has", 1,
                       event_date="2024-03-01"))
    dd.expire("2024-03-01")
    assert "a|SY07|old" not in store.data
    assert not [k for k in legacy if k in store.data]
