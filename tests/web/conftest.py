"""Web fixtures: ``world`` (a fresh copy of the two-site store with people and tokens) and
``client`` (the application on it, under Starlette's TestClient; errors answered, not raised).

``as_user(client, name)`` / ``headers(world, name)`` give a request a user's identity."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plantwarden.web.app import create_app
from tests.web.world import World, build


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build(tmp_path_factory.mktemp("web-world"))


@pytest.fixture
def world(world_template: World, tmp_path: Path) -> World:
    return world_template.copy_to(tmp_path)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.url), raise_server_exceptions=False) as test_client:
        yield test_client


def headers(world: World, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[user]}"}


@pytest.fixture(scope="session")
def fleet_template(world_template: World, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The web world with a third site, the cheese plant (tests/web/fleet_world.py)."""
    from tests.web.fleet_world import build_fleet

    return build_fleet(world_template, tmp_path_factory.mktemp("fleet-world"))


@pytest.fixture
def fleet_world(fleet_template: World, tmp_path: Path) -> World:
    return fleet_template.copy_to(tmp_path)
