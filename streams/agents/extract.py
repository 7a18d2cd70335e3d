"""Agent ``extract``: articles.raw → casualties.mentions and casualties.references (keyed by governorate)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from ..codecs import decode_article, validate
from ..errors import HasilaError, input_stage
from ..pipeline import analyse_article, mention_key
from ..topology import ARTICLES_RAW, MENTIONS, REFERENCES
from .batching import batches, until_delivered

if TYPE_CHECKING:
    from ..app import Runtime

log = logging.getLogger("hasila.extract")


def register_extract(rt: Runtime) -> None:
    """Define the extract agent on ``rt.app``.

    Articles are read in micro-batches; a batch is acknowledged only after its mentions
    and dead letters are delivered to the broker, so a crash or a broker outage can
    delay an article but never drop it.
    """
    settings = rt.settings
    metrics = rt.metrics

    async def handle(event: Any, sent: list) -> None:
        started = time.perf_counter()
        try:
            article = decode_article(
                event.message.value,
                max_bytes=settings.max_article_bytes,
                max_body_chars=settings.max_body_chars,
            )
        except HasilaError as exc:
            sent.append(await rt.deadletter(input_stage(exc.code), exc, event))
            return
        try:
            mentions, references = analyse_article(article)
            for mention in mentions:
                validate("mention.v1.json", mention, code="E202")
            for reference in references:
                validate("reference.v1.json", reference, code="E203")
        except HasilaError as exc:
            sent.append(await rt.deadletter("extract", exc, event, article_id=article["id"]))
            return
        except Exception as exc:  # a bug in the core must not stop the stream
            log.exception("extraction failed for %s", article["id"])
            sent.append(await rt.deadletter("extract", HasilaError("E201", repr(exc)[:500]), event,
                                            article_id=article["id"]))
            return
        for mention in mentions:
            sent.append(await rt.send(MENTIONS.name, mention_key(mention), mention))
        for reference in references:
            sent.append(await rt.send(REFERENCES.name, mention_key(reference), reference))
        metrics.article_processed(article, mentions, time.perf_counter() - started)

    @rt.app.agent(rt.topic(ARTICLES_RAW.name), name="extract")
    async def extract(stream):
        async for events in batches(stream):

            async def attempt(events: list = events) -> list:
                sent: list = []
                for event in events:
                    await handle(event, sent)
                return sent

            # a batch ends only with all it sent delivered; extracted and sent again otherwise
            await until_delivered(attempt, rt.app.producer, f"the mentions of {len(events)} articles",
                                  "extracting them again")
