"""The three agents of the topology, thin by design.

Each agent decodes a record, calls one pure function of the core, sends what
it returns and counts what happened. Any exception is caught per record and
becomes a dead letter: Faust would otherwise ack and skip the message and
restart the agent, which loses the record silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .aggregate import register_aggregate
from .dedup import register_dedup
from .extract import register_extract

if TYPE_CHECKING:
    from ..app import Runtime

__all__ = ["register_agents"]


def register_agents(runtime: Runtime) -> None:
    """Register extract, dedup and aggregate on the runtime's app."""
    register_extract(runtime)
    register_dedup(runtime)
    register_aggregate(runtime)
