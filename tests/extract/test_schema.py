"""Every mention validates against schemas/mention.v1.json; ids are stable; no input raises."""

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from streams.extract import article_text, detect_language, extract_article

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _validator() -> Draft202012Validator:
    region = json.loads((SCHEMAS / "region.v1.json").read_text())
    mention = json.loads((SCHEMAS / "mention.v1.json").read_text())
    registry = Registry().with_resource(region["$id"], Resource.from_contents(region))
    return Draft202012Validator(
        mention, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


ARTICLES = [
    {
        "id": "a1",
        "language": "ar",
        "published_at": "2023-03-02",
        "title": "مقتل 4 مدنيين بقصف على ريف إدلب",
        "body": "قُتل أربعة مدنيين، أمس الأربعاء، وأصيب سبعة آخرون بقصف مدفعي على بلدة كفرنبل.\n"
        "وأسفر هجوم على حاجز عن مقتل عنصرين وإصابة ثالث.",
    },
    {
        "id": "a2",
        "language": None,
        "published_at": None,
        "body": "At least five civilians were killed and dozens wounded in an airstrike on Ariha on Monday.",
    },
    {"id": "a3", "body": "ارتفعت حصيلة القتلى إلى 12 شخصاً، منذ مطلع الشهر الجاري قُتل أكثر من 300 شخص."},
]


def test_mentions_validate_against_schema():
    v = _validator()
    total = 0
    for art in ARTICLES:
        for m in extract_article(art):
            errors = list(v.iter_errors(m))
            assert not errors, (m, errors[0].message)
            total += 1
    assert total >= 6


def test_evidence_points_into_article_text():
    for art in ARTICLES:
        text = article_text(art)
        for m in extract_article(art):
            ev = m["evidence"]
            assert text[ev["start"] : ev["end"]] == ev["text"]


def test_ids_are_stable_and_unique():
    first = [m["mention_id"] for a in ARTICLES for m in extract_article(a)]
    again = [m["mention_id"] for a in ARTICLES for m in extract_article(a)]
    assert first == again
    assert len(set(first)) == len(first)


def test_article_text_joins_title_and_body():
    assert article_text({"title": "T", "body": "B"}) == "T\n\nB"
    assert article_text({"title": None, "body": "B"}) == "B"


def test_detect_language():
    assert detect_language("قتل ثلاثة مدنيين في قصف") == "ar"
    assert detect_language("Three civilians were killed") == "en"
    assert detect_language("") == "en"


def test_never_raises_on_odd_input():
    for body in ["", " ", "٠٠٠", "مقتل", "قتل " * 50, "(((", "killed " * 30, "\u0640" * 10, "9" * 40]:
        assert isinstance(extract_article({"id": "x", "body": body}), list)
    assert extract_article({}) == []
    assert extract_article({"id": "x", "body": None}) == []
