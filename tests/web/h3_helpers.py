"""Helpers of the asset, map and continuity tests: site URLs, reading a paged list to its
end, and the CLI's ``--json`` answer for the same question (the API must say the same)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from plantwarden.cli.app import app
from tests.web.conftest import headers
from tests.web.world import DAIRY, World


def url(rest: str, site: str = DAIRY) -> str:
    return f"/api/v1/sites/{quote(site, safe='')}/{rest}"


def page_url(rest: str, site: str = DAIRY) -> str:
    return f"/sites/{quote(site, safe='')}/{rest}"


def get(client: TestClient, world: World, path: str, user: str = "vic", **params: Any) -> Any:
    response = client.get(path, headers=headers(world, user), params=params)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def walk(client: TestClient, world: World, path: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged list, following ``next`` with ``limit`` items a page."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        extra = {"cursor": cursor} if cursor else {}
        body = get(client, world, path, limit=limit, **params, **extra)
        assert len(body["items"]) <= limit
        items.extend(body["items"])
        cursor = body["next"]
        if cursor is None:
            return items
    raise AssertionError("the list never ended")


def cli_json(world: World, *args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--json", "--db", world.url, "--site-name", DAIRY])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
