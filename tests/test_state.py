"""PrefixedStore gives each governorate its own key space in one shared table."""

import pytest

from streams.aggregate import Aggregator
from streams.state import PrefixedStore, ReadCache


def test_prefixes_isolate_regions():
    table: dict = {}
    a, b = PrefixedStore(table, "SY01|"), PrefixedStore(table, "SY02|")
    a["x"] = 1
    b["x"] = 2
    assert (a["x"], b["x"]) == (1, 2)
    assert sorted(table) == ["SY01|x", "SY02|x"]
    assert "x" in a and "y" not in a and a.get("y", 5) == 5
    del a["x"]
    assert "x" not in a and b["x"] == 2
    with pytest.raises(KeyError):
        a["x"]
    assert list(b) == ["x"] and len(b) == 1


def test_a_core_on_a_prefixed_store_writes_only_prefixed_keys():
    table: dict = {}
    incident = {
        "schema_version": 1, "incident_id": "i1", "version": 1, "status": "active", "merged_into": None,
        "kind": "killed", "region": {"admin1": "SY07", "admin2": None, "admin3": None, "place": None,
                                     "pcode": "SY07", "precision": "governorate"},
        "event_date": "2025-03-10", "count_best": 3, "count_min": 3, "count_max": 3, "victim": "civilian",
        "group": None, "article_ids": ["a"], "sources": [], "first_seen": "2025-03-10",
        "updated_at": "2025-03-10",
    }
    changed = Aggregator(PrefixedStore(table, "SY07|")).apply(incident)
    assert changed and all(k.startswith("SY07|") for k in table)


def test_read_cache_writes_through_and_reads_once():
    class CountingDict(dict):
        reads = 0

        def get(self, key, default=None):
            CountingDict.reads += 1
            return super().get(key, default)

    table = CountingDict()
    cache = ReadCache(table)
    store = PrefixedStore(cache, "SY08|")
    store["a"] = {"n": 1}
    assert table["SY08|a"] == {"n": 1}
    assert store["a"] == {"n": 1} and "b" not in store and "b" not in store
    assert CountingDict.reads == 1  # the miss of "b" was read once, then remembered
    del store["a"]
    assert "SY08|a" not in table and "a" not in store
    table["SY08|c"] = 3  # written behind the cache's back, e.g. by changelog recovery
    cache.clear()
    assert store["c"] == 3


def test_write_behind_batch_writes_each_key_once_with_its_owner():
    class Recording(dict):
        writes = 0

        def __setitem__(self, key, value):
            Recording.writes += 1
            super().__setitem__(key, value)

    table = Recording()
    cache = ReadCache(table)
    store = PrefixedStore(cache, "SY01|")
    cache.begin()
    for n in range(100):
        cache.owner = f"event-{n}"
        store["counter"] = n
    store["gone"] = 1
    del store["gone"]
    assert Recording.writes == 0 and store["counter"] == 99  # reads see the batch's own writes
    cache.clear()  # a rebalance in the middle of a batch must not lose its writes
    written = []

    def write(owner, key, value):
        written.append((owner, key, value))
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value

    assert cache.flush(write) == 2
    assert ("event-99", "SY01|counter", 99) in written and ("event-99", "SY01|gone", None) in written
    assert table == {"SY01|counter": 99} and Recording.writes == 1
    store["after"] = 5  # outside a batch: write-through again
    assert table["SY01|after"] == 5


def test_cache_stays_bounded_and_keeps_unflushed_writes():
    table: dict = {f"k{i}": i for i in range(50)}
    cache = ReadCache(table, max_entries=10)
    for i in range(50):
        assert cache.get(f"k{i}") == i
    assert len(cache) <= 10
    cache.begin()
    cache.owner = "e"
    cache.set("new", 1)
    for i in range(50):
        cache.get(f"k{i}")
    assert cache.get("new") == 1  # an unflushed write survives eviction
    assert cache.take_dirty() == {"new": ("e", 1)}


def test_journal_changelog_bytes_equal_fausts_own():
    """The journal writes changelog records itself (batching.Journal._write); they must be the
    bytes Faust's send_changelog would produce, or a restart would recover other keys/values."""
    faust = pytest.importorskip("faust")
    from streams.agents.batching import Journal

    app = faust.App("hasila-test-codec", broker="kafka://127.0.0.1:1", store="memory://",
                    key_serializer="json", value_serializer="json", autodiscover=False)
    table = app.Table("state", default=None, key_type=str, partitions=4)
    journal = Journal(ReadCache(table), table, producer=None)
    topic = table.changelog_topic
    for key, value in [("a|b", {"x": 1}), ("حلب|c|1", {"n": "دمشق", "l": [1, 2.5, None]}),
                       ("~journal|3", {"writes": {"k": None, "m": {"v": True}}})]:
        message = topic.as_future_message(key=key, value=value, partition=1,
                                          key_serializer=table.key_serializer,
                                          value_serializer=table.value_serializer).message
        assert journal._dump_key(key) == message.key
        assert journal._dump_value(value) == message.value


def test_journal_writes_rocksdb_store_bytes_directly(tmp_path):
    """With RocksDB the journal writes the changelog bytes into the store as they are (no second
    encoding); that is only right while the store would encode them identically."""
    faust = pytest.importorskip("faust")
    pytest.importorskip("rocksdict")
    from streams.agents.batching import Journal

    app = faust.App("hasila-test-raw", broker="kafka://127.0.0.1:1", store="rocksdb://",
                    datadir=str(tmp_path), key_serializer="json", value_serializer="json",
                    autodiscover=False)
    table = app.Table("state", default=None, key_type=str, partitions=4)
    journal = Journal(ReadCache(table), table, producer=None)
    assert journal._raw_store is table.data
    for key, value in [("حلب|c|1", {"n": "دمشق", "l": [1, 2.5, None]}), ("~journal|0", {"writes": {}})]:
        assert table.data._encode_key(key) == journal._dump_key(key)
        assert table.data._encode_value(value) == journal._dump_value(value)
