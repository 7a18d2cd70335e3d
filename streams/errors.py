"""Coded errors and the dead-letter records they become.

Every way a record can fail has a stable code (``E1xx`` input, ``E2xx``
extraction, ``E3xx`` dedup, ``E4xx`` aggregation), so dashboards and alert
rules can count dead letters by a closed set of labels and users can look a
code up in ``docs/errors.md``. The message that goes with a code may carry
detail (which field, which limit) but never becomes a metric label.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

__all__ = ["CODES", "HasilaError", "InputError", "deadletter_record", "input_stage"]

CODES: dict[str, str] = {
    "E101": "not valid UTF-8",
    "E102": "record larger than HASILA_MAX_ARTICLE_BYTES",
    "E103": "article body longer than HASILA_MAX_BODY_CHARS",
    "E104": "not JSON",
    "E105": "JSON value is not an object",
    "E106": "record does not match its schema",
    "E107": "unknown schema version",
    "E108": "forbidden characters (NUL) in a text field",
    "E201": "extraction failed",
    "E202": "extracted mention failed its schema (a bug: reported, article skipped)",
    "E203": "extracted incident reference failed its schema (a bug: reported, article skipped)",
    "E301": "deduplication failed",
    "E401": "aggregation failed",
    "E501": "output record failed its schema",
}


def input_stage(code: str) -> str:
    """The dead-letter stage of an input error: ``decode`` (bytes, JSON) or ``validate`` (schema)."""
    return "decode" if code in {"E101", "E102", "E104", "E105"} else "validate"


class HasilaError(Exception):
    """An error with a stable code from :data:`CODES` and a human message."""

    def __init__(self, code: str, message: str) -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code}")
        super().__init__(f"{code} {CODES[code]}: {message}")
        self.code = code
        self.message = message


class InputError(HasilaError):
    """A bad input record: dead-letter it, never crash."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deadletter_record(
    *,
    stage: str,
    error: HasilaError,
    topic: str,
    original: bytes | str | None,
    keep_bytes: int,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | str | None = None,
    article_id: str | None = None,
    time: str | None = None,
) -> dict:
    """Build a dead-letter record (``schemas/deadletter.v1.json``) for a failed input.

    The original is kept as text when it is valid UTF-8, otherwise base64,
    truncated to ``keep_bytes`` so one huge bad record cannot make a huge
    dead letter.
    """
    raw = original.encode("utf-8", "surrogatepass") if isinstance(original, str) else (original or b"")
    truncated = len(raw) > keep_bytes
    kept = raw[:keep_bytes]
    try:
        text = kept.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text = base64.b64encode(kept).decode("ascii")
        encoding = "base64"
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    return {
        "schema_version": 1,
        "stage": stage,
        "code": error.code,
        "reason": str(error)[:2000],
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "key": key,
        "article_id": article_id,
        "original": text,
        "original_encoding": encoding,
        "original_size": len(raw),
        "truncated": truncated,
        "time": time or _now(),
    }
