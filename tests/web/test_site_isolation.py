"""Site isolation, walked over EVERY API route of the application (``app.routes``: a route
added later is walked too): a user of the lab and a sensor token of the lab, sending the
dairy's name and the dairy's ids (alerts, assets, sensor), get 401/403/404 wherever the dairy
is named, and no answer of any route holds the dairy's rows (its alert ids, its captures'
hashes, its assets, its name where it was not sent)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.sensors.frame_requests import request_frames
from plantwarden.sensors.registry import register_sensor
from plantwarden.store.detect_models import DetectAlert
from plantwarden.store.engine import connected
from plantwarden.store.models import Capture
from plantwarden.store.sites import choose_site
from plantwarden.web.app import assemble, create_app
from tests.web.conftest import headers
from tests.web.routes import Route, walk
from tests.web.world import DAIRY, LAB, World

API = [r for r in walk((lambda app: (assemble(app), app)[1])(FastAPI())) if r.template.startswith("/api/")]
#: What the lab's sensor gets on its own token-only routes, named as itself, with the dairy's
#: ids: its batches route checks the body; it lists its own site's frame requests (none of
#: the dairy's); the dairy's frame request is unknown to it.
OWN_SENSOR_ROUTES = {
    "POST /api/v1/sensors/{name}/batches": 422,
    "GET /api/v1/sensors/{name}/requests": 200,
    "POST /api/v1/sensors/{name}/requests/{request_id}/frames": 404,
    "POST /api/v1/sensors/{name}/requests/{request_id}/failed": 404,
}


class Dairy:
    """The other site's content: what the lab's principals must never see."""

    def __init__(self, world: World, client: TestClient) -> None:
        with connected(world.url) as engine, Session(engine) as session:
            site_id = choose_site(world.url, DAIRY).id
            self.alerts = list(
                session.scalars(select(DetectAlert.alert_id).where(DetectAlert.site_id == site_id))
            )
            self.captures = list(session.scalars(select(Capture.sha256).where(Capture.site_id == site_id)))
        assets = client.get(f"/api/v1/sites/{DAIRY}/assets", headers=headers(world, "ana")).json()["items"]
        self.asset = str(assets[0].get("id") or assets[0]["name"])
        shown = client.get(f"/api/v1/sites/{DAIRY}/alerts", headers=headers(world, "ana")).text
        assert self.alerts[0] in shown  # the markers do show in an answer that may hold them
        # a frame request of the dairy (reachback): the lab's sensor must not see or answer it
        site = choose_site(world.url, DAIRY)
        assert site.id is not None
        asked, _ = request_frames(world.url, site.id, self.alerts[0], "ana", "isolation walk")
        self.ids = {
            "alert_id": self.alerts[0], "asset": self.asset, "version": "1", "job_id": "1",
            "request_id": str(asked.id),
        }  # fmt: skip

    def markers(self, sent: str) -> list[str]:
        """The dairy's content, less what the request itself carried (a 404 may repeat it)."""
        found = [*self.alerts, *self.captures, DAIRY, self.asset]
        return [m for m in found if m.lower() not in unquote(sent).lower()]


@pytest.fixture(scope="module")
def setup(
    world_template: World, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, TestClient, Dairy, str]]:
    world = world_template.copy_to(tmp_path_factory.mktemp("isolation"))
    lab_sensor = register_sensor(world.url, "lab-sensor", choose_site(world.url, LAB), None, actor="test")
    register_sensor(world.url, "dairy-sensor", choose_site(world.url, DAIRY), None, actor="test")
    with TestClient(create_app(world.url), raise_server_exceptions=False) as client:
        dairy = Dairy(world, client)
        assert dairy.alerts and dairy.captures
        yield world, client, dairy, lab_sensor


def _send(client: TestClient, route: Route, path: str, auth: dict[str, str]) -> Any:
    body = {"schema": "x"} if route.method == "POST" else None
    return client.request(route.method, path, json=body, headers=auth, follow_redirects=False)


def test_the_walk_covers_the_api() -> None:
    shown = {str(r) for r in API}
    assert (
        "POST /api/v1/sensors/{name}/batches" in shown
        and "GET /api/v1/sites/{site}/alerts/{alert_id}" in shown
    )
    assert {str(r) for r in API if r.template.startswith("/api/v1/sensors/")} == set(OWN_SENSOR_ROUTES)
    assert len(API) >= 30


@pytest.mark.parametrize("route", API, ids=str)
def test_a_lab_user_never_reaches_the_dairy(
    setup: tuple[World, TestClient, Dairy, str], route: Route
) -> None:
    world, client, dairy, _ = setup
    lab = headers(world, "lab")
    for site in (DAIRY, LAB):  # the dairy named; the lab named with the dairy's ids
        path = route.path(site, name="dairy-sensor", **dairy.ids)
        answer = _send(client, route, path, lab)
        if (route.has_site and site == DAIRY) or "{name}" in route.template:
            assert answer.status_code in (401, 403, 404), (path, answer.status_code)
        elif any(f"{{{p}}}" in route.template for p in dairy.ids):
            assert answer.status_code in (403, 404, 422), (path, answer.status_code)
        for marker in dairy.markers(path):
            assert marker.lower() not in answer.text.lower(), (path, marker)


@pytest.mark.parametrize("route", API, ids=str)
def test_a_lab_sensor_token_opens_nothing_of_the_dairy(
    setup: tuple[World, TestClient, Dairy, str], route: Route
) -> None:
    _, client, dairy, token = setup
    auth = {"Authorization": f"Bearer {token}"}
    for site, sensor in ((DAIRY, "dairy-sensor"), (LAB, "lab-sensor"), (DAIRY, "lab-sensor")):
        path = route.path(site, name=sensor, **dairy.ids)
        answer = _send(client, route, path, auth)
        if str(route) in OWN_SENSOR_ROUTES and sensor == "lab-sensor":
            assert answer.status_code == OWN_SENSOR_ROUTES[str(route)], (path, answer.status_code)
        else:
            assert answer.status_code == 401, (path, answer.status_code)  # a sensor is no user
        for marker in dairy.markers(path):
            assert marker.lower() not in answer.text.lower(), (path, marker)
