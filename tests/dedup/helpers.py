"""Builders for dedup tests: articles and mentions written for the tests.

Place p-codes are facts from the OCHA COD-AB gazetteer (CC BY-IGO), e.g.
Kafr Nobol C4068 and its neighbour Has C4058 (sub-district SY070203);
Qamishli city C4564 (SY080200), whose neighbourhoods Tayy and Qaddour Bek
resolve to the city's p-code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from streams.dedup.fingerprint import article_fingerprint

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"

PLACES = {
    "kafrnabl": ("SY07", "SY0702", "SY070203", "C4068", "كفرنبل", "exact"),
    "has": ("SY07", "SY0702", "SY070203", "C4058", "حاس", "exact"),
    "maarra": ("SY07", "SY0702", "SY070200", "C3985", "معرة النعمان", "exact"),
    "maarra_district": ("SY07", "SY0702", None, "SY0702", "منطقة معرة النعمان", "district"),
    "idlib_gov": ("SY07", None, None, "SY07", "ريف إدلب", "governorate"),
    "saraqeb": ("SY07", "SY0700", "SY070003", "C3916", "سراقب", "exact"),
    "qamishli": ("SY08", "SY0802", "SY080200", "C4564", "القامشلي", "exact"),
    "qamishli_tayy": ("SY08", "SY0802", "SY080200", "C4564", "حي طي", "exact"),
    "qamishli_qaddour": ("SY08", "SY0802", "SY080200", "C4564", "حي قدور بك", "exact"),
    "hasakah_gov": ("SY08", None, None, "SY08", "ريف الحسكة", "governorate"),
    "nowhere": (None, None, None, None, None, "none"),
}


def region(name: str) -> dict:
    a1, a2, a3, pcode, place, precision = PLACES[name]
    return {
        "admin1": a1,
        "admin2": a2,
        "admin3": a3,
        "place": place,
        "pcode": pcode,
        "precision": precision,
    }


def article(aid, body, *, title=None, source="outlet", url=None, published_at=None) -> dict:
    return {
        "id": aid,
        "source": source,
        "url": url,
        "published_at": published_at,
        "title": title,
        "fingerprint": article_fingerprint(title, body, url),
    }


def _event_date(art: dict, event_date: str | None) -> str | None:
    """``"default"`` stands for the article's publication day."""
    if event_date == "default":
        return (art["published_at"] or "")[:10] or None
    return event_date


def _digest(span: str) -> str:
    return hashlib.blake2b(span.encode(), digest_size=4).hexdigest()


def _article_info(art: dict) -> dict:
    return {k: art[k] for k in ("source", "url", "published_at", "title", "fingerprint")}


def mention(
    art: dict,
    place: str,
    count: int | None,
    *,
    kind: str = "killed",
    event_date: str | None = "default",
    victim: str = "civilian",
    group: str | None = None,
    evidence: str = "",
    count_min: int | str | None = "same",
    count_max: int | str | None = "same",
    scope: str = "incident",
    n: int = 0,
) -> dict:
    event_date = _event_date(art, event_date)
    return {
        "schema_version": 1,
        "article_id": art["id"],
        "mention_id": f"{art['id']}#{_digest(f'{kind}|{n}|{evidence}|{place}|{count}')}",
        "kind": kind,
        "count": count,
        "count_min": count if count_min == "same" else count_min,
        "count_max": count if count_max == "same" else count_max,
        "region": region(place),
        "event_date": event_date,
        "victim": victim,
        "group": group,
        "scope": scope,
        "evidence": {"text": evidence or f"{kind} {count}", "start": 0, "end": 10},
        "language": "ar",
        "article": _article_info(art),
    }


class JsonStore(MutableMapping[str, Any]):
    """Behaves like a Faust table: values are serialised, a read returns a copy.

    So a test fails if the deduplicator mutates a value without assigning it
    back, or stores something that is not JSON.
    """

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.writes = 0

    def __getitem__(self, key: str) -> Any:
        return orjson.loads(self.data[key])

    def __setitem__(self, key: str, value: Any) -> None:
        self.writes += 1
        self.data[key] = orjson.dumps(value)

    def __delitem__(self, key: str) -> None:
        del self.data[key]

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the deduplicator must not iterate its store")

    def __len__(self) -> int:
        return len(self.data)

    def __contains__(self, key: object) -> bool:
        return key in self.data


def _registry() -> Registry:
    resources = []
    for p in SCHEMAS.glob("*.json"):
        doc = json.loads(p.read_text())
        res = Resource.from_contents(doc)
        resources += [(doc["$id"], res), (p.name, res)]
    return Registry().with_resources(resources)


_REG = _registry()
INCIDENT = Draft202012Validator(json.loads((SCHEMAS / "incident.v1.json").read_text()), registry=_REG)
MENTION = Draft202012Validator(json.loads((SCHEMAS / "mention.v1.json").read_text()), registry=_REG)


def latest(versions: list[dict]) -> dict[str, dict]:
    """Replay emitted versions like a compacted topic: highest version per id wins."""
    out: dict[str, dict] = {}
    for rec in versions:
        cur = out.get(rec["incident_id"])
        if cur is None or rec["version"] > cur["version"]:
            out[rec["incident_id"]] = rec
    return out


def active(versions: list[dict]) -> dict[str, dict]:
    return {k: v for k, v in latest(versions).items() if v["status"] == "active"}


_FILLER_TEXT = (
    "وقال مصدر محلي إن فرق الإسعاف وصلت متأخرة بسبب استمرار القصف على الطرق المؤدية "
    "إلى البلدة بينما نزح عشرات السكان نحو المخيمات القريبة من الحدود وسط أوضاع إنسانية "
    "صعبة ونقص حاد في الأدوية والوقود داخل المشافي الميدانية التي تعمل بطاقة محدودة"
)
_FILLER = _FILLER_TEXT.split()


def body(topic: str, seed: int) -> str:
    """An article body of its own: the topic sentence plus shuffled filler words."""
    import random as _random

    words = list(_FILLER)
    _random.Random(seed).shuffle(words)
    return f"{topic}. " + " ".join(words)


REFERENCE = Draft202012Validator(json.loads((SCHEMAS / "reference.v1.json").read_text()), registry=_REG)


def reference(art: dict, place: str, *, event_date: str | None = "default", evidence: str = "") -> dict:
    """An incident reference: ``art`` names an event at ``place`` but gives no toll."""
    event_date = _event_date(art, event_date)
    return {
        "schema_version": 1,
        "article_id": art["id"],
        "reference_id": f"{art['id']}:ref:{_digest(f'ref|{place}|{event_date}')}",
        "region": region(place),
        "event_date": event_date,
        "evidence": {"text": evidence or f"clashes in {place}", "start": 0, "end": 10},
        "language": "ar",
        "article": _article_info(art),
    }
