"""Incident references: events named at an exact place with no toll (our own sentences)."""

from __future__ import annotations

from streams.extract import extract_article
from streams.extract.references import find_references


def _refs(body: str, lang: str = "ar", published_at: str | None = "2024-03-14T10:00:00Z", **kw) -> list[dict]:
    art = {"id": "t1", "language": lang, "published_at": published_at, "title": kw.get("title"), "body": body}
    return find_references(art, extract_article(art))


def test_arabic_clashes_at_a_town_without_a_toll():
    refs = _refs("تجددت الاشتباكات المتقطعة في بلدة سراقب مساء أمس بين فصيلين محليين.")
    assert [(r["region"]["pcode"], r["event_date"]) for r in refs] == [("C3916", "2024-03-13")]
    r = refs[0]
    assert r["reference_id"].startswith("t1:ref:")
    assert "سراقب" in r["evidence"]["text"]
    body = "تجددت الاشتباكات المتقطعة في بلدة سراقب مساء أمس بين فصيلين محليين."
    assert body[r["evidence"]["start"] : r["evidence"]["end"]] == r["evidence"]["text"]


def test_english_shelling_of_a_town():
    refs = _refs("Government forces shelled Kafr Nabl on Monday, residents said.", lang="en")
    assert [r["region"]["pcode"] for r in refs] == ["C4068"]
    assert refs[0]["event_date"] == "2024-03-11"


def test_undated_article_gives_an_undated_reference():
    refs = _refs("ساد هدوء حذر في مدينة منبج بعد اشتباكات استمرت ساعات.", published_at=None)
    assert len(refs) == 1 and refs[0]["event_date"] is None


def test_no_event_word_no_reference():
    assert _refs("افتتحت مدرسة جديدة في بلدة سراقب بعد أعمال ترميم استمرت شهرين.") == []
    assert _refs("A new bakery opened in Kafr Nabl on Monday.", lang="en") == []


def test_governorate_capitals_and_countryside_are_too_vague():
    assert _refs("تعرضت مدينة إدلب لقصف مدفعي عنيف صباح اليوم.") == []
    assert _refs("دارت معارك في ريف حلب الشمالي طوال الليل.") == []
    assert _refs("Clashes erupted in Damascus on Monday.", lang="en") == []


def test_a_place_the_article_gives_a_toll_for_is_already_linked():
    body = "قتل ثلاثة مدنيين بقصف مدفعي على بلدة سراقب اليوم. وتجدد القصف على سراقب مساء."
    art = {"id": "t2", "language": "ar", "published_at": "2024-03-14", "title": None, "body": body}
    mentions = extract_article(art)
    assert mentions and mentions[0]["region"]["pcode"] == "C3916"
    assert find_references(art, mentions) == []


def test_one_reference_per_place_and_day():
    body = "اندلعت اشتباكات في بلدة سراقب. واستمرت الاشتباكات في سراقب حتى المساء. وقصفت المدفعية سراقب."
    assert len(_refs(body)) == 1


def test_hostile_input_gives_a_list_and_a_bounded_one():
    assert find_references({"id": "x", "body": 5}) == []
    assert find_references("not an article") == []
    towns = ["سراقب", "كفرنبل", "منبج", "تل رفعت", "الصنمين", "تلكلخ", "الميادين", "عفرين", "مارع"]
    chronicle = " ".join(f"وقصفت المدفعية بلدة {t} في يوم {i}." for i in range(40) for t in towns)
    refs = find_references({"id": "x", "language": "ar", "published_at": "2024-03-14", "body": chronicle})
    assert 0 < len(refs) <= 16


def test_verbal_forms_of_the_event_words():
    refs = _refs("واستهدفت طائرة مسيرة سيارة عسكرية قرب بلدة الصنمين ليلة أمس.")
    assert [r["region"]["place"] for r in refs] == ["الصنمين"]
    refs = _refs("Gunmen attacked a checkpoint in the town of Manbij, sources said.", lang="en")
    assert [r["region"]["pcode"] for r in refs] == ["C1767"]
