"""Bytes ⇄ records at every topic boundary, validated against ``schemas/``.

Schemas are the contract between Hasila and its users: a record is checked
where it enters (articles) and where it leaves (mentions, incidents,
aggregates, dead letters). Decoding failures become :class:`InputError` with a
stable code, which the agents turn into dead letters.

orjson does the JSON work (it is also what Faust's json codec uses when it is
installed); the values on Hasila's topics are raw bytes, so this module, not
Faust, owns their encoding.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import fastjsonschema
import orjson
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from .errors import HasilaError, InputError

__all__ = [
    "SCHEMA_DIR",
    "decode_article",
    "dumps",
    "loads",
    "schema",
    "validate",
    "validator",
]


def _schema_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parent / "schemas"):
        if (candidate / "article.v1.json").exists():
            return candidate
    raise FileNotFoundError("schemas/ not found next to the streams package")


SCHEMA_DIR = _schema_dir()


@functools.cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents)
        resources.append((path.name, resource))
        resources.append((contents["$id"], resource))
    return Registry().with_resources(resources)


@functools.cache
def schema(name: str) -> dict:
    """The parsed schema ``schemas/<name>`` (e.g. ``"mention.v1.json"``)."""
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """A compiled validator for one schema, with ``$ref`` resolution between schema files."""
    return Draft202012Validator(schema(name), registry=_registry())


@functools.cache
def _fast(name: str) -> Any:
    """The schema compiled to Python by fastjsonschema: ~30x faster than jsonschema on valid records.

    The schemas use only keywords whose meaning is the same in draft 7 and 2020-12, so both
    validators agree (``tests/schemas`` checks it); jsonschema still words the error messages.
    """

    def load(uri: str) -> dict:
        return schema(uri.rsplit("/", 1)[-1])

    return fastjsonschema.compile(schema(name), handlers={"https": load, "http": load}, use_default=False)


def _first_error(name: str, record: Any) -> str | None:
    try:
        _fast(name)(record)
        return None
    except fastjsonschema.JsonSchemaException:
        pass
    err = next(iter(validator(name).iter_errors(record)), None)
    if err is None:
        return None
    where = "/".join(str(p) for p in err.absolute_path) or "(record)"
    message = err.message
    if len(message) > 300:
        message = message[:300] + "…"
    return f"{where}: {message}"


def validate(name: str, record: Any, *, code: str = "E501") -> None:
    """Raise :class:`HasilaError` (``code``) when ``record`` does not match ``schemas/<name>``."""
    problem = _first_error(name, record)
    if problem is not None:
        raise HasilaError(code, f"{name} {problem}")


def dumps(record: Mapping[str, Any]) -> bytes:
    """Serialise a record to compact UTF-8 JSON."""
    return orjson.dumps(record)


def loads(data: bytes | str) -> Any:
    """Parse JSON bytes (used for Hasila's own, trusted records)."""
    return orjson.loads(data)


def decode_article(raw: bytes | str | None, *, max_bytes: int, max_body_chars: int) -> dict:
    """Turn raw bytes from ``articles.raw`` into a valid article record, or raise :class:`InputError`.

    Checks, in order: size, UTF-8, JSON, object, schema version, schema, NUL
    characters, body length. Unknown extra fields are kept (and ignored).
    """
    if raw is None:
        raise InputError("E104", "empty message (null value)")
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > max_bytes:
        raise InputError("E102", f"{len(raw)} bytes > limit {max_bytes}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("E101", f"invalid byte at position {exc.start}") from None
    try:
        record = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputError("E104", str(exc)[:200]) from None
    if not isinstance(record, dict):
        raise InputError("E105", f"got {type(record).__name__}")
    version = record.get("schema_version", 1)
    if version != 1:
        raise InputError("E107", f"schema_version {version!r}; this worker reads version 1")
    problem = _first_error("article.v1.json", record)
    if problem is not None:
        raise InputError("E106", problem)
    for name in ("id", "title", "body", "source", "url"):
        value = record.get(name)
        if isinstance(value, str) and "\x00" in value:
            raise InputError("E108", f"NUL character in {name}")
    published = record.get("published_at")
    if isinstance(published, str) and len(published) >= 10:
        try:
            date.fromisoformat(published[:10])
        except ValueError:
            raise InputError("E106", f"published_at: {published[:40]!r} is not a calendar date") from None
    if len(record["body"]) > max_body_chars:
        raise InputError("E103", f"{len(record['body'])} characters > limit {max_body_chars}")
    return record
