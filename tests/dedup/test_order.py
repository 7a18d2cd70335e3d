"""Order independence: whatever the arrival order, the same incidents come out.

The stream sees mentions (and incident references) in any order (partitions, retries, replays); batch
sees file order. Both must end with the same active incidents (ids, members,
counts), and applying the emitted versions by difference must give the same
totals as summing the final incidents.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.dedup import DedupConfig, Deduplicator, partition_of
from tests.dedup.helpers import INCIDENT, JsonStore, active, article, body, mention, reference

PLACES = [
    "kafrnabl", "has", "maarra", "maarra_district", "idlib_gov", "saraqeb", "nowhere",
    "qamishli", "qamishli_tayy", "qamishli_qaddour", "hasakah_gov",
]  # fmt: skip
GROUPS = [None, None, "قوات النظام", "هيئة تحرير الشام"]


def corpus(seed: int, n_articles: int = 14) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    bodies = [body(f"خبر عن قصف رقم {i}", seed * 100 + i) for i in range(n_articles)]
    for i in range(n_articles):
        text = bodies[rnd.randrange(i + 1)]  # some articles copy an earlier one
        day = rnd.choice([None, 10, 11, 11, 12, 14])
        pub = None if day is None else f"2024-02-{day:02d}T{rnd.randint(0, 23):02d}:00:00Z"
        art = article(f"a{i:02d}", text, published_at=pub, source=f"s{i % 5}")
        for j in range(rnd.randint(1, 3)):
            out.append(
                mention(
                    art,
                    rnd.choice(PLACES),
                    rnd.choice([None, 1, 2, 2, 3, 5]),
                    kind=rnd.choice(["killed", "killed", "injured"]),
                    victim=rnd.choice(["civilian", "combatant", "unknown"]),
                    group=rnd.choice(GROUPS),
                    evidence=rnd.choice(["", "ارتفعت حصيلة القتلى"]),
                    n=j,
                )
            )
        if rnd.random() < 0.4:  # the article also names an event elsewhere, without a toll
            out.append(reference(art, rnd.choice(EXACT)))
    return out


EXACT = ["kafrnabl", "has", "maarra", "saraqeb", "qamishli", "qamishli_tayy", "qamishli_qaddour"]


def run(mentions: list[dict]) -> tuple[dict, list[dict]]:
    """Process like the stream: one deduplicator (and store) per partition."""
    dds: dict[str, Deduplicator] = {}
    versions = []
    for m in mentions:
        key = partition_of(m)
        dd = dds.setdefault(key, Deduplicator(JsonStore(), DedupConfig()))
        versions.extend(dd.process_reference(m) if "reference_id" in m else dd.process(m))
    return active(versions), versions


def signature(incidents: dict) -> dict:
    return {
        iid: (
            tuple(inc["mention_ids"]),
            inc["count_best"],
            inc["count_min"],
            inc["count_max"],
            inc["event_date"],
            inc["region"]["pcode"],
            inc["victim"],
            tuple((s["article_id"], s["duplicate_of"], s["count"]) for s in inc["sources"]),
            inc["first_seen"],
            inc["updated_at"],
        )
        for iid, inc in incidents.items()
    }


def totals_by_difference(versions: list[dict]) -> dict[str, int]:
    """What the aggregator does: add new minus old contribution per version."""
    last: dict[str, dict] = {}
    totals: dict[str, int] = {}
    for rec in versions:
        prev = last.get(rec["incident_id"])
        if prev is not None and prev["version"] >= rec["version"]:
            continue
        for inc, sign in ((prev, -1), (rec, 1)):
            if inc is None or inc["status"] != "active":
                continue
            key = f"{inc['region']['admin1']}|{inc['kind']}"
            totals[key] = totals.get(key, 0) + sign * (inc["count_best"] or 0)
        last[rec["incident_id"]] = rec
    return {k: v for k, v in totals.items() if v}


def totals_of(incidents: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for inc in incidents.values():
        key = f"{inc['region']['admin1']}|{inc['kind']}"
        out[key] = out.get(key, 0) + (inc["count_best"] or 0)
    return {k: v for k, v in out.items() if v}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False))
def test_shuffled_arrival_gives_the_same_incidents(seed, order):
    mentions = corpus(seed)
    reference, ref_versions = run(mentions)
    shuffled = list(mentions)
    order.shuffle(shuffled)
    got, versions = run(shuffled)
    assert signature(got) == signature(reference)
    for rec in versions:
        INCIDENT.validate(rec)
    assert totals_by_difference(versions) == totals_of(got)
    assert totals_by_difference(ref_versions) == totals_of(reference)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False))
def test_replaying_everything_twice_changes_nothing(seed, order):
    mentions = corpus(seed)
    replay = list(mentions) + list(mentions)
    order.shuffle(replay)
    once, _ = run(mentions)
    twice, _ = run(replay)
    assert signature(once) == signature(twice)


def test_versions_increase_per_incident():
    _, versions = run(corpus(7, 20))
    seen: dict[str, int] = {}
    for rec in versions:
        assert rec["version"] > seen.get(rec["incident_id"], 0)
        seen[rec["incident_id"]] = rec["version"]
