"""Casualty extraction: article in, casualty mentions out (pure; no I/O, no Kafka).

Public API (used by the ``extract`` agent and by ``hasila extract`` / ``hasila batch``)::

    from streams.extract import extract_article, article_text, detect_language
    mentions = extract_article(article)   # list of dicts per schemas/mention.v1.json
"""

from streams.extract.article import article_text, detect_language, extract_article

__all__ = ["article_text", "detect_language", "extract_article"]
