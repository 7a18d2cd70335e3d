"""Extraction speed: articles/s on one core and the slowest article, ~5 KB synthetic articles.

    .venv/bin/python bench/bench_extract.py [N] [--dense]

Articles are built from our own sentence templates (casualties, traps, filler)
with place names from the OCHA gazetteer list below; place resolution included.
"""

import random
import sys
import time

from streams.extract import extract_article

PLACES_AR = [
    "سراقب",
    "القامشلي",
    "درعا",
    "الصنمين",
    "عفرين",
    "جسر الشغور",
    "كفرنبل",
    "منبج",
    "الميادين",
    "تلكلخ",
]
PLACES_EN = ["Saraqib", "Qamishli", "Daraa", "Afrin", "Manbij", "Idlib", "Homs", "Jisr al-Shughur"]
AR = [
    "قُتل {n} مدنيين وأصيب {m} آخرون بقصف مدفعي على مدينة {p} مساء أمس.",
    "أسفر انفجار عبوة ناسفة في بلدة {p} عن مقتل عنصرين من قوات النظام وإصابة ثالث.",
    "ارتفعت حصيلة ضحايا الغارة على {p} إلى {n} قتلى على الأقل.",
    "نفذت الطائرات الحربية أربع غارات على ريف {p} دون تسجيل إصابات.",
    "وقالت مصادر محلية إن الفرقة الرابعة أرسلت تعزيزات إلى محيط {p} صباح اليوم.",
    "ووثق المرصد مقتل {n}0 شخصاً منذ مطلع العام في محافظة {p}.",
    "وأصيب طفل (12 عاماً) برصاص قناص في حي بمدينة {p}.",
    "وتشهد المنطقة توتراً أمنياً منذ أسابيع وسط انتشار الحواجز العسكرية في الطرق الرئيسية.",
]
EN = [
    "At least {n} civilians were killed and {m} others wounded in shelling on {p} on Monday.",
    "A car bomb in {p} killed {n} people, a war monitor said.",
    "Warplanes carried out 12 raids on the countryside of {p}, no casualties were reported.",
    "The death toll rose to {n} after two of the wounded died in hospital in {p}.",
    "Local sources said the 5th Corps sent reinforcements to {p} in the early hours.",
]


FILLER_AR = [
    "وأضافت المصادر أن المفاوضات بين الطرفين ما زالت مستمرة برعاية روسية دون التوصل إلى اتفاق نهائي.",
    "ويعاني سكان {p} من انقطاع الكهرباء والمياه منذ أسابيع بسبب الأضرار التي لحقت بالشبكة.",
    "وقال مسؤول محلي إن الأسعار ارتفعت بشكل كبير في أسواق {p} خلال الأيام الأخيرة.",
]
FILLER_EN = [
    "Negotiations between the two sides continued under Russian mediation without a final agreement.",
    "Residents of {p} have faced power and water cuts for weeks after damage to the network.",
    "A local official said prices in the markets of {p} rose sharply in recent days.",
]


def make(i: int, rnd: random.Random, dense: bool = False) -> dict:
    """~5 KB article; news-like mix (about one sentence in five about casualties) unless dense."""
    lang = "ar" if i % 2 == 0 else "en"
    tpl, filler, places = (AR, FILLER_AR, PLACES_AR) if lang == "ar" else (EN, FILLER_EN, PLACES_EN)
    parts = []
    while sum(len(p) for p in parts) < 5000:
        pool = tpl if dense or rnd.random() < 0.25 else filler
        parts.append(rnd.choice(pool).format(n=rnd.randint(2, 9), m=rnd.randint(2, 30), p=rnd.choice(places)))
    return {
        "id": f"b{i}",
        "language": lang,
        "published_at": "2024-03-14",
        "title": None,
        "body": " ".join(parts),
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 2000
    dense = "--dense" in sys.argv
    rnd = random.Random(7)
    arts = [make(i, rnd, dense) for i in range(n)]
    extract_article(arts[0])  # load lexicons and gazetteer outside the timing
    extract_article(arts[1])
    worst = 0.0
    mentions = 0
    # CPU time of this process: robust to other jobs sharing the box
    t0 = time.process_time()
    for a in arts:
        s = time.process_time()
        mentions += len(extract_article(a))
        worst = max(worst, time.process_time() - s)
    dt = time.process_time() - t0
    kb = sum(len(a["body"]) for a in arts) / n / 1000
    print(f"articles {n}  avg size {kb:.1f} KB chars  mentions {mentions}")
    print(f"CPU throughput {n / dt:.0f} articles/s  mean {dt / n * 1000:.2f} ms  max {worst * 1000:.2f} ms")


if __name__ == "__main__":
    main()
