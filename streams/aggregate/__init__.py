"""Region aggregation (pure): incident versions → per-region, per-bucket casualty totals.

Public API::

    from streams.aggregate import Aggregator
    agg = Aggregator(store)          # MutableMapping; dict in tests, Faust Table in prod
    changed = agg.apply(incident)    # aggregate records (schemas/aggregate.v1.json) that changed

and :func:`rebuild` to rebuild the current table from the compacted topic.
"""

from streams.aggregate.buckets import ALL, buckets_for, day_bucket, week_bucket
from streams.aggregate.contribution import (
    KINDS,
    STATUSES,
    VICTIMS,
    InvalidIncident,
    contribution_of,
    level_of,
    region_levels,
)
from streams.aggregate.core import Aggregator, empty_record
from streams.aggregate.view import apply_record, rebuild, totals

__all__ = [
    "ALL",
    "KINDS",
    "STATUSES",
    "VICTIMS",
    "Aggregator",
    "InvalidIncident",
    "apply_record",
    "buckets_for",
    "contribution_of",
    "day_bucket",
    "empty_record",
    "level_of",
    "rebuild",
    "region_levels",
    "totals",
    "week_bucket",
]
