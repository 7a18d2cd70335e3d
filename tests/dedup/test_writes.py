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
    assert sum(k.startswith("b|") for k in store.keys) == 8  # only the indexed band positions
    assert len(store.keys) <= 8 + 8  # bands + article, url/hash, mention, date index, component, incident


def test_index_bands_is_validated():
    with pytest.raises(ValueError):
        DedupConfig(index_bands=0)
    with pytest.raises(ValueError):
        DedupConfig(index_bands=33)
