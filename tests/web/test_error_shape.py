"""Every route of the application answers its errors in the one shape, in the same order of
checks: no identity 401, another site 404 (never its content), bad input 422.

The routes are walked from ``app.routes``: a route added later is held to the same, and a
route that answers without an identity must be listed in ``routes.PUBLIC``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from plantwarden.web.app import assemble, create_app
from plantwarden.web.schemas import Paged
from tests.web.conftest import headers
from tests.web.routes import PUBLIC, Route, bad_input, walk
from tests.web.shape import assert_error
from tests.web.world import DAIRY, LAB, World


@pytest.fixture(scope="module")
def shared(
    world_template: World, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, TestClient]]:
    """One store for the whole walk (the requests here change nothing)."""
    world = world_template.copy_to(tmp_path_factory.mktemp("shape"))
    _one_incident(world)  # every list must show one item (the demo opens no incident)
    with TestClient(create_app(world.url), raise_server_exceptions=False) as client:
        yield world, client


def _one_incident(world: World) -> None:
    from plantwarden.continuity.source import stored_model
    from plantwarden.incidents.service import OpenRequest, open_incident
    from plantwarden.store.sites import choose_site

    site = choose_site(world.url, DAIRY)
    req = OpenRequest(title="by hand", assets=("plc-fill-a",), by="setup", why="for the walk")
    open_incident(world.url, site.id, req, stored_model(world.url, site.id))


def _routes() -> list[Route]:
    app = FastAPI()
    assemble(app)  # what create_app assembles (without a store, so that tests can be collected)
    return walk(app)


ROUTES = _routes()
PRIVATE = [r for r in ROUTES if (r.method, r.template) not in PUBLIC]
SITED = [r for r in PRIVATE if r.has_site]


def _send(client: TestClient, route: Route, path: str, **kwargs: Any) -> Any:
    return client.request(route.method, path, follow_redirects=False, **kwargs)


def test_the_walk_sees_the_routes() -> None:
    shown = {str(r) for r in ROUTES}
    assert {"GET /api/v1/sites", "GET /api/v1/sites/{site}", "GET /api/v1/audit", "GET /api/v1/me"} <= shown
    assert "GET /api/v1/sites/{site}/audit" in shown and "GET /sites/{site}" in shown
    assert len(SITED) >= 3


@pytest.mark.parametrize("route", PRIVATE, ids=str)
def test_no_identity_is_401(shared: tuple[World, TestClient], route: Route) -> None:
    _, client = shared
    assert_error(_send(client, route, route.path(DAIRY)), 401)
    bad_token = {"Authorization": "Bearer pw_not-a-token"}
    assert_error(_send(client, route, route.path(DAIRY), headers=bad_token), 401)
    assert_error(_send(client, route, route.path(DAIRY), headers={"Authorization": "Basic eDp5"}), 401)


@pytest.mark.parametrize("route", SITED, ids=str)
def test_another_site_is_404_like_no_site(shared: tuple[World, TestClient], route: Route) -> None:
    world, client = shared
    lab_user = headers(world, "lab")  # engineer on the lab; the dairy does not exist for them
    hidden = assert_error(_send(client, route, route.path(DAIRY), headers=lab_user), 404)
    missing = assert_error(_send(client, route, route.path("no such plant"), headers=lab_user), 404)
    assert hidden["message"] == missing["message"].replace("no such plant", DAIRY)
    # their own site answers something else than 404 on the site
    own = _send(client, route, route.path(LAB), headers=lab_user)
    assert own.status_code != 404 or "no site" not in own.text


@pytest.mark.parametrize("route", PRIVATE, ids=str)
def test_bad_input_is_422(shared: tuple[World, TestClient], route: Route) -> None:
    world, client = shared
    bad = bad_input(route)
    if bad is None:
        pytest.skip(f"{route} takes no input a type refuses")
    kwargs: dict[str, Any] = {"headers": headers(world, "admin"), "params": bad["params"]}
    if bad.get("json_body"):
        kwargs["content"] = bad["content"]
        kwargs["headers"] = {**kwargs["headers"], "Content-Type": "application/json"}
    error = assert_error(_send(client, route, route.path(DAIRY, **bad["path"]), **kwargs), 422)
    assert error["details"] and all("loc" in d and "message" in d for d in error["details"])


LISTS = [
    r
    for r in PRIVATE
    if isinstance(r.route.response_model, type) and issubclass(r.route.response_model, Paged)
]


def test_every_list_is_paged() -> None:
    assert {"GET /api/v1/sites", "GET /api/v1/audit", "GET /api/v1/sites/{site}/audit"} <= {
        str(r) for r in LISTS
    }


@pytest.mark.parametrize("route", LISTS, ids=str)
def test_paging_parameters_are_checked_on_every_list(shared: tuple[World, TestClient], route: Route) -> None:
    world, client = shared
    admin = headers(world, "admin")
    for params in (
        {"limit": "0"},
        {"limit": "501"},
        {"cursor": "%%%"},
        {"cursor": "W3RydWVd"},
        {"cursor": "e30"},
    ):
        error = assert_error(_send(client, route, route.path(DAIRY), headers=admin, params=params), 422)
        assert error["details"][0]["loc"][:2] == ["query", next(iter(params))]
    body = _send(client, route, route.path(DAIRY), headers=admin, params={"limit": "1"}).json()
    assert set(body) == {"items", "next"} and len(body["items"]) == 1


def test_unknown_path_and_method_are_in_the_shape(shared: tuple[World, TestClient]) -> None:
    world, client = shared
    assert_error(client.get("/api/v1/nothing-here", headers=headers(world, "admin")), 404)
    assert_error(client.delete("/api/v1/sites", headers=headers(world, "admin")), 405)


def test_an_unexpected_failure_is_500_without_its_text(world: World) -> None:
    app = create_app(world.url)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: /etc/shadow")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    error = assert_error(response, 500)
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert error["message"].startswith("internal error")
