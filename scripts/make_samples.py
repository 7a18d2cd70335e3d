#!/usr/bin/env python3
"""Write streams/samples/articles.jsonl: the demo's sample articles.

Every sentence here was written for Hasila (none is copied from a news
outlet); the places are real Syrian places (OCHA gazetteer), the events are
invented. The set exercises what the demo should show: several governorates,
both languages, a syndicated copy, a toll that rises during the day, an
unquantified report, a cumulative statistic that must not be added, and one
malformed record that goes to the dead-letter topic.
"""

from __future__ import annotations

import json
from pathlib import Path

ARTICLES = [
    ("demo-001", "شبكة الأخبار المحلية", "2025-03-10", "ar",
     "مقتل ثلاثة مدنيين بقصف على بلدة في ريف إدلب",
     "قُتل ثلاثة مدنيين، بينهم طفل، وأصيب خمسة آخرون بجروح، صباح اليوم، جراء قصف مدفعي استهدف "
     "بلدة سرمين شرقي إدلب. وقالت مصادر طبية إن المصابين نقلوا إلى مستشفى قريب."),
    ("demo-002", "وكالة الشمال", "2025-03-10", "ar",
     "مقتل ثلاثة مدنيين بقصف على بلدة في ريف إدلب",
     "قُتل ثلاثة مدنيين، بينهم طفل، وأصيب خمسة آخرون بجروح، صباح اليوم، جراء قصف مدفعي استهدف "
     "بلدة سرمين شرقي إدلب. وقالت مصادر طبية إن المصابين نقلوا إلى مستشفى قريب."),
    ("demo-003", "Levant Monitor", "2025-03-10", "en",
     "Shelling kills civilians near Idlib",
     "Three civilians, including a child, were killed and five others wounded on Monday when "
     "artillery shells hit the town of Sarmin, east of Idlib city, local medics said."),
    ("demo-004", "شبكة الأخبار المحلية", "2025-03-11", "ar",
     "انفجار عبوة ناسفة في درعا",
     "لقي عنصران من قوات الأمن حتفهما إثر انفجار عبوة ناسفة بسيارتهما على الطريق بين درعا "
     "ومدينة طفس بريف درعا الغربي، مساء أمس."),
    ("demo-005", "وكالة الشمال", "2025-03-11", "ar",
     "انفجار سيارة مفخخة في مدينة منبج",
     "قتل ستة أشخاص وجرح أكثر من عشرين آخرين في انفجار سيارة مفخخة وسط مدينة منبج بريف حلب "
     "الشرقي ظهر اليوم، بحسب مصادر محلية."),
    ("demo-006", "وكالة الشمال", "2025-03-11", "ar",
     "ارتفاع حصيلة انفجار منبج",
     "ارتفعت حصيلة ضحايا انفجار السيارة المفخخة في مدينة منبج إلى تسعة قتلى، بعد وفاة ثلاثة من "
     "المصابين متأثرين بجروحهم في المستشفى."),
    ("demo-007", "Levant Monitor", "2025-03-11", "en",
     "Car bomb toll rises in Manbij",
     "The death toll from a car bomb in the northern Syrian town of Manbij rose to 11 on Tuesday, "
     "a local hospital official said, with at least 20 people wounded."),
    ("demo-008", "Syria Daily Brief", "2025-03-12", "en",
     "Clashes in Deir ez-Zor countryside",
     "At least four fighters were killed in clashes between tribal gunmen and SDF members in the "
     "town of Al-Busayrah, in the eastern Deir ez-Zor countryside, on Wednesday."),
    ("demo-009", "مرصد الجنوب", "2025-03-12", "ar",
     "اشتباكات في ريف دير الزور الشرقي",
     "قتل أربعة مسلحين على الأقل في اشتباكات اندلعت اليوم بين مسلحين من العشائر وعناصر قوات "
     "سوريا الديمقراطية في بلدة البصيرة بريف دير الزور الشرقي."),
    ("demo-010", "مرصد الجنوب", "2025-03-12", "ar",
     "حصيلة شهرية",
     "وثّق المرصد مقتل 210 مدنيين في عموم سوريا خلال شهر شباط الماضي، بينهم 40 طفلاً."),
    ("demo-011", "شبكة الأخبار المحلية", "2025-03-13", "ar",
     "قصف جوي على ريف حماة",
     "أصيب سبعة مدنيين بجروح متفاوتة جراء غارة جوية استهدفت قرية قسطون في سهل الغاب بريف حماة "
     "الشمالي الغربي فجر اليوم."),
    ("demo-012", "Syria Daily Brief", "2025-03-13", "en",
     "Landmine kills shepherds in Homs desert",
     "Two shepherds were killed when a landmine left over from the war exploded near Palmyra in "
     "the eastern Homs desert, residents said on Thursday."),
    ("demo-013", "مرصد الجنوب", "2025-03-14", "ar",
     "اغتيال في القنيطرة",
     "قُتل شاب برصاص مجهولين في بلدة خان أرنبة بريف القنيطرة، ليل أمس، ولم تتبن أي جهة العملية."),
    ("demo-014", "وكالة الشمال", "2025-03-14", "ar",
     "قصف على أحياء في مدينة حلب",
     "سقط قتلى وجرحى في قصف صاروخي استهدف حي الشيخ مقصود في مدينة حلب مساء اليوم، وسط "
     "تضارب في الأنباء حول أعدادهم."),
    ("demo-015", "Levant Monitor", "2025-03-15", "en",
     "Drone strike near Qamishli",
     "A drone strike on a car near the city of Qamishli in Hasakah province killed two members of "
     "the Asayish internal security forces on Saturday, a monitor said."),
    ("demo-016", "شبكة الأخبار المحلية", "2025-03-15", "ar",
     "استهداف سيارة قرب القامشلي",
     "قتل عنصران من قوى الأمن الداخلي (الأسايش) بغارة لطائرة مسيرة استهدفت سيارتهما قرب مدينة "
     "القامشلي في ريف الحسكة اليوم السبت."),
    ("demo-017", "مرصد الجنوب", "2025-03-16", "ar",
     "انفجار في ريف دمشق",
     "أصيب أربعة عمال بجروح إثر انفجار قذيفة من مخلفات الحرب في مدينة دوما بالغوطة الشرقية، "
     "ونقل اثنان منهم إلى مشفى في العاصمة دمشق."),
    ("demo-018", "Syria Daily Brief", "2025-03-16", "en",
     "Gunmen kill farmer in Daraa",
     "Unidentified gunmen shot dead a farmer in the town of Nawa in the western Daraa countryside "
     "late on Saturday, local sources said."),
]


def main() -> None:
    out = Path(__file__).resolve().parent.parent / "streams" / "samples" / "articles.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for aid, source, date, lang, title, body in ARTICLES:
            record = {"id": aid, "source": source, "url": f"https://example.org/{aid}",
                      "published_at": date, "language": lang, "title": title, "body": body}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.write('{"id": "demo-bad-001", "body": \n')  # malformed on purpose: a dead letter
    print(f"wrote {len(ARTICLES) + 1} records to {out}")


if __name__ == "__main__":
    main()
