"""Fixtures for the aggregation tests: an incident builder and schema validators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _validator(name: str) -> Draft202012Validator:
    resources = []
    for path in SCHEMAS.glob("*.v1.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(schema)
        resources.append((schema["$id"], resource))
        resources.append((path.name, resource))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry)


@pytest.fixture(scope="session")
def aggregate_validator() -> Draft202012Validator:
    return _validator("aggregate.v1.json")


@pytest.fixture(scope="session")
def incident_validator() -> Draft202012Validator:
    return _validator("incident.v1.json")


def make_incident(
    incident_id: str = "inc-1",
    version: int = 1,
    *,
    status: str = "active",
    kind: str = "killed",
    count: int | None = 3,
    victim: str = "civilian",
    admin1: str | None = "SY07",
    admin2: str | None = "SY0700",
    event_date: str | None = "2024-03-14",
    updated_at: str = "2024-03-14T10:00:00+00:00",
    merged_into: str | None = None,
) -> dict[str, Any]:
    """An incident record per schemas/incident.v1.json, built from the few fields that matter."""
    return {
        "schema_version": 1,
        "incident_id": incident_id,
        "version": version,
        "status": status,
        "merged_into": merged_into,
        "kind": kind,
        "region": {
            "admin1": admin1,
            "admin2": admin2,
            "admin3": None,
            "place": None,
            "pcode": admin2 or admin1,
            "precision": "district" if admin2 else ("governorate" if admin1 else "none"),
        },
        "event_date": event_date,
        "count_best": count,
        "count_min": count,
        "count_max": count,
        "victim": victim,
        "group": None,
        "article_ids": [f"art-{incident_id}-{version}"],
        "sources": [{"article_id": f"art-{incident_id}-{version}", "count": count}],
        "first_seen": "2024-03-14T09:00:00+00:00",
        "updated_at": updated_at,
    }


@pytest.fixture
def incident():
    return make_incident
