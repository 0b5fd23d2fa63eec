"""A change through the API: ``require(action)`` answers 403 below the role (in the shape),
and ``changes.record`` writes who (the user, and the token's id or the session), what, the
site and why into the audit log. A route like those the resources add, on the real app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import quote

import pytest
from fastapi import Depends, Request
from fastapi.testclient import TestClient

from plantwarden.people import audit
from plantwarden.web import changes
from plantwarden.web.api.common import SITE
from plantwarden.web.app import create_app
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.schemas import Reason
from tests.web.conftest import headers
from tests.web.shape import assert_error
from tests.web.signin import sign_in
from tests.web.world import DAIRY, World

PATH = f"/api/v1/sites/{quote(DAIRY, safe='')}/things/7/ack"


@pytest.fixture
def app_client(world: World) -> Iterator[TestClient]:
    app = create_app(world.url)

    @app.post(SITE + "/things/{thing}/ack")
    def ack(
        request: Request, thing: int, body: Reason, ctx: Annotated[SiteCtx, Depends(require("alert.work"))]
    ) -> dict[str, str]:
        changes.record(
            state(request).db_url, ctx, "thing.ack", f"thing {thing}", body.why, {"state": "acked"}
        )
        return {"state": "acked"}

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_below_the_role_is_403_and_nothing_is_written(app_client: TestClient, world: World) -> None:
    before = len(audit.entries(world.url))
    error = assert_error(app_client.post(PATH, json={"why": "x"}, headers=headers(world, "vic")), 403)
    assert error["message"] == f"alert.work on site {DAIRY!r} needs the role analyst (you: viewer)"
    assert_error(app_client.post(PATH, json={"why": "x"}, headers=headers(world, "lab")), 404)
    assert_error(app_client.post(PATH, json={"why": ""}, headers=headers(world, "ana")), 422)
    assert len(audit.entries(world.url)) == before


def test_a_change_by_token_is_audited_with_who_and_why(app_client: TestClient, world: World) -> None:
    answer = app_client.post(PATH, json={"why": "checked with operations"}, headers=headers(world, "ana"))
    assert answer.status_code == 200, answer.text
    entry = audit.entries(world.url)[-1]
    token_id = app_client.get("/api/v1/me", headers=headers(world, "ana")).json()["token_id"]
    assert (entry.actor, entry.action, entry.target, entry.site, entry.why) == (
        "ana",
        "thing.ack",
        "thing 7",
        DAIRY,
        "checked with operations",
    )
    assert entry.details == {"state": "acked", "via": "token", "token_id": token_id}
    assert audit.verify(world.url).broken_at is None


def test_a_change_by_session_is_audited_as_such(app_client: TestClient, world: World) -> None:
    csrf = sign_in(app_client, "eng")
    answer = app_client.post(PATH, json={"why": "seen on the line"}, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200, answer.text
    entry = audit.entries(world.url)[-1]
    assert entry.actor == "eng" and entry.details == {"state": "acked", "via": "session"}
