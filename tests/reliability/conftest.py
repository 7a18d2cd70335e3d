"""Fixtures of the fault-injection runs: the corpus, its undisturbed (batch) result, fresh deployments."""

from __future__ import annotations

import uuid

import pytest

from streams.batch import run_batch
from tests.integration.fixtures import Deployment

from .corpus import corpus_lines
from .harness import STALL_SECONDS, standing, totals


@pytest.fixture(scope="session")
def corpus() -> list[bytes]:
    return corpus_lines()


@pytest.fixture(scope="session")
def expected(corpus):
    """(standing incidents, non-zero totals) of the undisturbed run: the batch command on the same input."""
    batch = run_batch(corpus)
    return standing(batch.incidents.values()), totals(batch.aggregates.values())


def new_deployment(bootstrap: str, base_dir, **kwargs) -> Deployment:
    """A fresh deployment whose workers' watchdog exits on a 75 s stall (the default is 120 s)."""
    tag = uuid.uuid4().hex[:8]
    return Deployment(
        bootstrap=bootstrap, prefix=f"r{tag}.", app_id=f"hasila-r{tag}", base_dir=base_dir,
        extra_env={"HASILA_STALL_SECONDS": str(STALL_SECONDS), "HASILA_STALL_ACTION": "exit"}, **kwargs
    )
