"""The crawl tests' world (seed 5, 200 sellers, built once per module) and a replica serving it per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scout.replica.server import Replica, run_replica
from scout.replica.world import World, build_world


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=5, sellers=200)


@pytest.fixture
def replica(world: World) -> Iterator[Replica]:
    with run_replica(world) as running:
        yield running
