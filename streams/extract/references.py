"""Incident references: an article names a violent event at a precise place but gives no toll.

Reports of one incident do not all carry a number. "Calm returned to the
neighbourhood after yesterday's clashes" is the same incident as the reports
that counted its dead, and an analyst grouping reports by hand would put it
with them. A *reference* records that an article speaks of an event (clash,
attack, shelling, explosion...) at an exact place (a town, village or
neighbourhood; never a governorate or a countryside) on a date, so that
deduplication can list the article among the incident's sources.

References never carry a count: they can add a source to an incident but
cannot change any figure (see :mod:`streams.dedup.core`). A place the article
already reports casualties at gives no reference: the article is linked there
already. Records follow ``schemas/reference.v1.json``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from streams.extract.dates import event_date, mask_report_days, publication_date
from streams.extract.places import Place, find_places
from streams.extract.segment import Sentence
from streams.text.normalize import Normalized, normalize_text

__all__ = ["EVENT_WORDS", "find_references", "linked_pcodes", "references_from", "references_in"]

#: Words that name a violent event, on normalised text (ة→ه, أ/إ/آ→ا, ى→ي). Each
#: stem may carry the clitics و ف ب ل ك and the article ال; English takes inflections.
EVENT_WORDS: dict[str, re.Pattern[str]] = {
    "ar": re.compile(
        r"(?<![\u0621-\u064a])(?:[وفبلك]|وب|ول|فب)?(?:ال|ي|ت|ن)?"
        r"(?:اشتباك|اشتبك|هجوم|هجمات|هاجم|قصف|غاره|غارات|انفجار|انفجر|تفجير|فجر|استهداف|استهدف|"
        r"معارك|معركه|اقتتال|كمين|مواجهات|اعتداء|اقتحام|اقتحم|عبوه ناسفه|سياره مفخخه|مفخخه|"
        r"رصاص|قنص|اطلاق نار|اطلاق النار)"
        r"(?:ات|ت|وا|ها|هم|ه|ا|ان|ين|ون)?(?![\u0621-\u064a])"
    ),
    "en": re.compile(
        r"\b(?:clash\w*|attack\w*|shell(?:ing|ed|s)|air ?strikes?|air raids?|bomb(?:ing|ed|s)?|"
        r"explosions?|blasts?|fighting|ambush\w*|gunfire|gunmen|firefights?|car bomb|"
        r"suicide bomb\w*|mortars?|rockets?|missiles?|drone strikes?)\b",
        re.IGNORECASE,
    ),
}
_EXACT = "exact"
# An event's place is said with a locative: a preposition or a place noun right before
# the name ("في بلدة X"، "على X"، "بX"، "in X", "the town of X"), or it is the object of
# the event word itself ("قصفت المدفعية X"، "shelled X"). A common word that is also a
# village name ("طوال الليل") has neither.
_AR_LOCATIVE = (
    r"[وف]?(?:في|على|علي|عند|قرب|بقرب|محيط|بمحيط|اطراف|باطراف|داخل|بداخل|"
    r"شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي|مدينه|بمدينه|لمدينه|بلده|ببلده|لبلده|قريه|بقريه|لقريه|"
    r"حي|بحي|لحي|حاره|بحاره|ناحيه|بناحيه|منطقه|بمنطقه|مخيم|بمخيم|استهدف\w*|قصف\w*|هاجم\w*|اقتحم\w*)"
)
_EN_LOCATIVE = r"in|on|at|near|of|outside|around|into|shelled|attacked|struck|hit|bombed|stormed"
_LOCATIVE = re.compile(
    r"(?:(?<![\u0621-\u064a])" + _AR_LOCATIVE + r"|\b(?:" + _EN_LOCATIVE + r"))\s+(?:ال)?$"
    r"|(?<![\u0621-\u064a])[بل]$",
    re.IGNORECASE,
)
_MAX_REFERENCES = 16  # per article: a long chronicle of a front line is not one incident


def references_in(
    *,
    article_id: str,
    lang: str,
    nt: Normalized,
    sents: Iterable[Sentence],
    places: list[Place],
    published_at: object,
    linked_pcodes: Iterable[str],
) -> list[dict[str, Any]]:
    """The references of one analysed article (the pieces extraction computed already).

    Args:
        article_id: the article's id.
        lang: ``"ar"`` or ``"en"``.
        nt: the normalised article text (title + blank line + body).
        sents: its sentences.
        places: the places found in it, sorted by start.
        published_at: the article's publication time (RFC 3339) or None.
        linked_pcodes: p-codes the article already reports casualties at.
    """
    rx = EVENT_WORDS.get(lang)
    if rx is None or not places or rx.search(nt.text) is None:
        return []
    exact = [
        p
        for p in places
        if p.region.get("precision") == _EXACT
        and p.region.get("pcode")
        and not _is_capital(p.region["pcode"], p.region.get("admin1"))
    ]
    if not exact:
        return []
    skip = set(linked_pcodes)
    pub = publication_date(published_at)
    full = nt.text
    out: dict[tuple[str, str | None], dict[str, Any]] = {}
    k = 0
    for sent in sents:
        while k < len(exact) and exact[k].start < sent.start:
            k += 1
        j = k
        inside: list[Place] = []
        while j < len(exact) and exact[j].end <= sent.end:
            inside.append(exact[j])
            j += 1
        if not inside or rx.search(full, sent.start, sent.end) is None:
            continue
        stext = full[sent.start : sent.end]
        day = event_date(mask_report_days(stext, lang), pub, lang, masked=True)
        for place in inside:
            pcode = place.region["pcode"]
            if pcode in skip or (pcode, day) in out:
                continue
            if _LOCATIVE.search(full, max(sent.start, place.start - 30), place.start) is None:
                continue
            if len(out) >= _MAX_REFERENCES:
                break
            out[(pcode, day)] = _record(article_id, lang, nt, sent, place, day)
    return list(out.values())


@lru_cache(maxsize=4096)
def _is_capital(pcode: str, admin1: str | None) -> bool:
    """A governorate capital (the city that bears the governorate's name) is too large for
    its name alone to single out one event, and the name also stands for the governorate
    or the government ("Damascus said", "in Idlib")."""
    if not admin1:
        return False
    try:
        from streams.places import default_gazetteer

        gaz = default_gazetteer()
        city, gov = gaz.name(pcode, "ar"), gaz.name(admin1, "ar")
    except Exception:
        return False
    if not (city and gov):
        return False
    return normalize_text(city) == normalize_text(gov)


def find_references(article: Mapping[str, Any], mentions: Iterable[Mapping[str, Any]] = ()) -> list[dict]:
    """The references of ``article`` (a dict per ``schemas/article.v1.json``), given its mentions.

    Analyses the article on its own; the stream uses :func:`references_from` with the
    analysis extraction already made. Total: any input gives a list.
    """
    from streams.extract.article import extract_with_analysis

    if not isinstance(article, Mapping):
        return []
    _, analysis = extract_with_analysis(article)
    return references_from(analysis, mentions)


def references_from(analysis: Any, mentions: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The references of an article from its extraction :class:`~streams.extract.article.Analysis`
    (places are resolved here only when extraction did not need them). Total."""
    if analysis is None:
        return []
    try:
        if EVENT_WORDS[analysis.lang].search(analysis.nt.text) is None:
            return []
        places = analysis.places
        if places is None:
            places = find_places(analysis.nt, analysis.lang)
        return references_in(
            article_id=analysis.article_id,
            lang=analysis.lang,
            nt=analysis.nt,
            sents=analysis.sents,
            places=places,
            published_at=analysis.published_at,
            linked_pcodes=linked_pcodes(mentions),
        )
    except Exception:
        return []


def linked_pcodes(mentions: Iterable[Mapping[str, Any]]) -> set[str]:
    """P-codes at which ``mentions`` already tie their article to an incident."""
    out = set()
    for m in mentions:
        if m.get("scope") == "incident":
            pcode = (m.get("region") or {}).get("pcode")
            if pcode:
                out.add(pcode)
    return out


def _record(aid: str, lang: str, nt: Normalized, sent: Sentence, place: Place, day: str | None) -> dict:
    a, b = nt.span_to_original(sent.start, sent.end)
    evidence = nt.original[a:b][:4000]
    pcode = place.region["pcode"]
    digest = hashlib.sha1(f"{pcode}:{day}".encode()).hexdigest()[:10]
    return {
        "schema_version": 1,
        "article_id": aid,
        "reference_id": f"{aid}:ref:{digest}",
        "region": dict(place.region),
        "event_date": day,
        "evidence": {"text": evidence, "start": a, "end": a + len(evidence)},
        "language": lang,
    }
