"""Builders of aggregate and incident records (schemas/*.v1.json) for the web tests."""

from __future__ import annotations


def aggregate(
    region: str,
    bucket: str,
    killed: int = 0,
    injured: int = 0,
    incidents: int = 1,
    version: int = 1,
    level: str | None = None,
    unquantified: int = 0,
    by_victim: dict | None = None,
) -> dict:
    if level is None:
        level = "none" if region == "none" else ("admin1" if len(region) == 4 else "admin2")
    return {
        "schema_version": 1,
        "key": f"{region}|{bucket}",
        "region": region,
        "level": level,
        "bucket": bucket,
        "killed": killed,
        "injured": injured,
        "incidents": incidents,
        "unquantified": unquantified,
        "by_victim": by_victim or {},
        "version": version,
        "updated_at": "2025-04-02T10:00:00Z",
    }


def incident(
    incident_id: str,
    *,
    admin1: str | None = "SY07",
    admin2: str | None = None,
    kind: str = "killed",
    count: int | None = 4,
    event_date: str | None = "2025-04-02",
    version: int = 1,
    status: str = "active",
    evidence: str = "قتل أربعة مدنيين في قصف على سرمين",
    sources: list | None = None,
) -> dict:
    if sources is None:
        sources = [
            {
                "article_id": f"a-{incident_id}",
                "mention_id": f"m-{incident_id}",
                "source": "Test Wire",
                "url": "https://example.org/a",
                "published_at": "2025-04-02",
                "count": count,
                "evidence": evidence,
            }
        ]
    return {
        "schema_version": 1,
        "incident_id": incident_id,
        "version": version,
        "status": status,
        "merged_into": None,
        "kind": kind,
        "region": {
            "admin1": admin1,
            "admin2": admin2,
            "admin3": None,
            "place": "سرمين",
            "pcode": admin2 or admin1,
            "precision": "district" if admin2 else "governorate",
        },
        "event_date": event_date,
        "count_best": count if status != "merged" else 0,
        "count_min": count,
        "count_max": count,
        "victim": "civilian",
        "group": None,
        "article_ids": [s["article_id"] for s in sources],
        "mention_ids": [],
        "sources": sources,
        "first_seen": "2025-04-02T10:00:00Z",
        "updated_at": f"2025-04-02T10:00:0{version % 10}Z",
    }
