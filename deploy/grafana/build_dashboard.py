"""Generate dashboards/hasila.json (run: python deploy/grafana/build_dashboard.py).

The dashboard is generated so that its PromQL, panel layout and governorate
names stay consistent; the JSON is committed because Grafana provisions it as
is. tests/deploy checks that it uses only metrics streams/metrics.py defines
and recording rules deploy/prometheus/rules define.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "dashboards" / "hasila.json"
DS = {"type": "prometheus", "uid": "hasila-prometheus"}

# OCHA admin1 p-codes and English names (UN OCHA Syria via HDX, CC BY-IGO 3.0).
GOVERNORATES = {
    "SY01": "Damascus",
    "SY02": "Aleppo",
    "SY03": "Rural Damascus",
    "SY04": "Homs",
    "SY05": "Hama",
    "SY06": "Lattakia",
    "SY07": "Idleb",
    "SY08": "Al-Hasakeh",
    "SY09": "Deir-ez-Zor",
    "SY10": "Tartous",
    "SY11": "Ar-Raqqa",
    "SY12": "Dar'a",
    "SY13": "As-Sweida",
    "SY14": "Quneitra",
    "none": "Unplaced",
    "other": "Outside Syria / other",
}
NAME_OVERRIDES = [
    {
        "matcher": {"id": "byName", "options": code},
        "properties": [{"id": "displayName", "value": f"{name} ({code})"}],
    }
    for code, name in GOVERNORATES.items()
]
SEL = 'admin1=~"$admin1"'
KILLED = f'sum by (admin1) (max by (admin1, victim) (hasila_casualties{{kind="killed",{SEL}}}))'
INJURED = f'sum by (admin1) (max by (admin1, victim) (hasila_casualties{{kind="injured",{SEL}}}))'

_next_id = iter(range(1, 1000))


def target(expr: str, legend: str = "", instant: bool = False, ref: str = "A") -> dict:
    t = {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref}
    if instant:
        t.update({"instant": True, "range": False, "format": "table"})
    return t


def panel(kind: str, title: str, grid: tuple[int, int, int, int], targets: list[dict], **extra):
    x, y, w, h = grid
    p = {
        "id": next(_next_id),
        "type": kind,
        "title": title,
        "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": targets,
        "fieldConfig": {"defaults": {}, "overrides": []},
        "options": {},
    }
    p.update(extra)
    return p


def row(title: str, y: int) -> dict:
    return {
        "id": next(_next_id),
        "type": "row",
        "title": title,
        "collapsed": False,
        "gridPos": {"x": 0, "y": y, "w": 24, "h": 1},
        "panels": [],
    }


def build() -> dict:
    named = {"defaults": {"unit": "short"}, "overrides": NAME_OVERRIDES}
    panels = [
        row("Casualties by governorate", 0),
        panel(
            "timeseries",
            "Killed by governorate (current totals over time)",
            (0, 1, 12, 9),
            [target(KILLED, "{{admin1}}")],
            fieldConfig=named,
            description="Current all-time killed per governorate; corrections and merges "
            "lower it. Source: hasila_casualties.",
        ),
        panel(
            "timeseries",
            "Injured by governorate (current totals over time)",
            (12, 1, 12, 9),
            [target(INJURED, "{{admin1}}")],
            fieldConfig=named,
        ),
        panel(
            "bargauge",
            "Killed now, by governorate",
            (0, 10, 8, 10),
            [target(f"sort_desc({KILLED})", "{{admin1}}", instant=True)],
            fieldConfig=named,
            options={
                "orientation": "horizontal",
                "displayMode": "basic",
                "reduceOptions": {"calcs": ["lastNotNull"], "values": False},
            },
        ),
        panel(
            "piechart",
            "Killed by victim category",
            (8, 10, 8, 10),
            [
                target(
                    f'sum by (victim) (max by (admin1, victim) (hasila_casualties{{kind="killed",{SEL}}}))',
                    "{{victim}}",
                    instant=True,
                )
            ],
            options={
                "reduceOptions": {"calcs": ["lastNotNull"], "values": False},
                "legend": {"displayMode": "table", "placement": "right", "values": ["value"]},
            },
        ),
        panel(
            "table",
            "Incidents by governorate and kind",
            (16, 10, 8, 10),
            [
                target(
                    f"sum by (admin1, kind) (max by (admin1, kind) (hasila_incidents{{{SEL}}}))", instant=True
                )
            ],
            transformations=[{"id": "organize", "options": {"excludeByName": {"Time": True}}}],
        ),
        row("Top incidents", 20),
        panel(
            "table",
            "Mass-casualty incidents (10+ killed) in the selected range",
            (0, 21, 8, 9),
            [
                target(
                    "sort_desc(sum by (admin1) (round(increase("
                    f"hasila_mass_casualty_incidents_total{{{SEL}}}[$__range]))) > 0)",
                    instant=True,
                )
            ],
            description="Incidents that reached 10 or more killed for the first time. The "
            "incidents themselves (ids, places, sources) are on the Hasila web "
            "API: incident ids are never metric labels.",
            transformations=[{"id": "organize", "options": {"excludeByName": {"Time": True}}}],
        ),
        panel(
            "bargauge",
            "Killed in the last 24 hours (top 10 governorates)",
            (8, 21, 8, 9),
            [
                target(
                    "topk(10, hasila:killed:admin1 - hasila:killed:admin1 offset 24h)",
                    "{{admin1}}",
                    instant=True,
                )
            ],
            fieldConfig=named,
            options={
                "orientation": "horizontal",
                "displayMode": "gradient",
                "reduceOptions": {"calcs": ["lastNotNull"], "values": False},
            },
        ),
        panel(
            "timeseries",
            "Killed added per 6 hours vs baseline",
            (16, 21, 8, 9),
            [
                target(f"hasila:killed_6h:admin1{{{SEL}}}", "{{admin1}} last 6h", ref="A"),
                target(f"3 * hasila:killed_6h_baseline:admin1{{{SEL}}}", "{{admin1}} 3x baseline", ref="B"),
            ],
            description="The HasilaCasualtySpike alert fires above max(20, 3x baseline).",
        ),
        row("Pipeline health", 30),
        panel(
            "timeseries",
            "Articles per second",
            (0, 31, 8, 8),
            [target("sum by (language) (rate(hasila_articles_in_total[5m]))", "{{language}}")],
            fieldConfig={"defaults": {"unit": "reqps"}, "overrides": []},
        ),
        panel(
            "timeseries",
            "Mentions and incident versions per second",
            (8, 31, 8, 8),
            [
                target("sum by (kind) (rate(hasila_mentions_out_total[5m]))", "mentions {{kind}}"),
                target(
                    "sum by (status) (rate(hasila_incidents_out_total[5m]))", "incidents {{status}}", ref="B"
                ),
            ],
        ),
        panel(
            "stat",
            "Since last article",
            (16, 31, 8, 8),
            [target("time() - max(hasila_last_article_timestamp_seconds)", instant=True)],
            fieldConfig={
                "defaults": {
                    "unit": "s",
                    "thresholds": {
                        "mode": "absolute",
                        "steps": [
                            {"color": "green", "value": None},
                            {"color": "orange", "value": 600},
                            {"color": "red", "value": 1800},
                        ],
                    },
                },
                "overrides": [],
            },
        ),
        panel(
            "timeseries",
            "Dead letters per minute by stage and code",
            (0, 39, 8, 8),
            [target("sum by (stage, code) (rate(hasila_deadletters_total[5m])) * 60", "{{stage}} {{code}}")],
        ),
        panel(
            "timeseries",
            "Consumer lag by topic",
            (8, 39, 8, 8),
            [target("sum by (topic) (hasila_consumer_lag)", "{{topic}}")],
        ),
        panel(
            "timeseries",
            "Processing latency by stage (p50 / p95)",
            (16, 39, 8, 8),
            [
                target(
                    "histogram_quantile(0.5, sum by (le, stage) "
                    "(rate(hasila_processing_seconds_bucket[5m])))",
                    "p50 {{stage}}",
                ),
                target(
                    "histogram_quantile(0.95, sum by (le, stage) "
                    "(rate(hasila_processing_seconds_bucket[5m])))",
                    "p95 {{stage}}",
                    ref="B",
                ),
            ],
            fieldConfig={"defaults": {"unit": "s"}, "overrides": []},
        ),
        panel(
            "timeseries",
            "Worker restarts and stalls (last hour)",
            (0, 47, 24, 6),
            [
                target("sum by (instance) (changes(hasila_worker_start_time_seconds[1h]))",
                       "restarts {{instance}}"),
                target("sum by (instance) (increase(hasila_stalls_total[1h]))", "stalls {{instance}}",
                       ref="B"),
            ],
        ),
    ]
    return {
        "uid": "hasila-overview",
        "title": "Hasila — casualties by region and pipeline health",
        "tags": ["hasila"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "1m",
        "time": {"from": "now-7d", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "admin1",
                    "label": "Governorate",
                    "type": "query",
                    "datasource": DS,
                    "query": {"query": "label_values(hasila_casualties, admin1)", "refId": "admin1"},
                    "definition": "label_values(hasila_casualties, admin1)",
                    "multi": True,
                    "includeAll": True,
                    "allValue": ".*",
                    "current": {"text": "All", "value": "$__all"},
                    "refresh": 2,
                    "sort": 1,
                }
            ]
        },
        "annotations": {"list": []},
        "panels": panels,
    }


def render() -> str:
    """The dashboard JSON text exactly as committed."""
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the dashboard, or with ``--check`` fail if the committed one is out of date."""
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python deploy/grafana/build_dashboard.py")
            return 1
        print(f"{OUT.name} is up to date")
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
