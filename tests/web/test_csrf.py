"""CSRF: every state-changing route, walked from the application, refuses a request made with
a session cookie unless it carries the session's token (``X-CSRF-Token`` or the form field
``csrf``) from this origin; API tokens need none (a browser does not send them by itself)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from plantwarden.web.app import assemble
from tests.web.conftest import headers
from tests.web.routes import PUBLIC, Route, walk
from tests.web.shape import assert_error
from tests.web.signin import HTML, sign_in
from tests.web.world import DAIRY, World


def _changing() -> list[Route]:
    app = FastAPI()
    assemble(app)
    return [
        r
        for r in walk(app)
        if r.method not in ("GET", "HEAD", "OPTIONS") and (r.method, r.template) not in PUBLIC
    ]


CHANGING = _changing()
#: Routes a sensor's token alone may call: a browser session is no identity there at all, so a
#: signed-in person is refused as unauthenticated whatever CSRF token they send.
TOKEN_ONLY = {
    ("POST", "/api/v1/sensors/{name}/batches"),
    ("POST", "/api/v1/sensors/{name}/requests/{request_id}/frames"),
    ("POST", "/api/v1/sensors/{name}/requests/{request_id}/failed"),
}


def test_the_walk_finds_the_state_changing_routes() -> None:
    assert "POST /logout" in {str(r) for r in CHANGING}


@pytest.mark.parametrize("route", CHANGING, ids=str)
def test_a_session_without_the_token_is_refused(client: TestClient, route: Route) -> None:
    csrf = sign_in(client, "admin")
    path = route.path(DAIRY)
    if (route.method, route.template) in TOKEN_ONLY:
        for extra in ({}, {"X-CSRF-Token": csrf, "Origin": "http://testserver"}):
            answer = client.request(route.method, path, headers=extra, json={"why": "test"})
            assert assert_error(answer, 401)["code"] == "unauthenticated", (route, extra)
        return
    for extra in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": csrf, "Origin": "https://evil.example"}):
        answer = client.request(
            route.method, path, headers=extra, json={"why": "test"}, follow_redirects=False
        )
        assert assert_error(answer, 403)["code"] == "csrf_failed", (route, extra)
    form = client.request(route.method, path, data={"csrf": "wrong", "why": "x"}, follow_redirects=False)
    assert assert_error(form, 403)["code"] == "csrf_failed"
    right = client.request(
        route.method,
        path,
        headers={"X-CSRF-Token": csrf, "Origin": "http://testserver"},
        json={"why": "test"},
        follow_redirects=False,
    )
    assert right.status_code != 403 or right.json()["error"]["code"] != "csrf_failed", right.text


def test_the_token_as_a_form_field_and_as_the_htmx_header(client: TestClient) -> None:
    csrf = sign_in(client, "ana")
    assert (
        client.post("/logout", data={"csrf": csrf}, headers=HTML, follow_redirects=False).status_code == 303
    )
    csrf = sign_in(client, "ana")
    answer = client.post(
        "/logout", headers={"X-CSRF-Token": csrf, "HX-Request": "true"}, follow_redirects=False
    )
    assert answer.status_code == 303


def test_api_tokens_need_no_csrf_token(client: TestClient, world: World) -> None:
    answer = client.post("/logout", headers=headers(world, "ana"), follow_redirects=False)
    assert answer.status_code == 303


def test_a_csrf_failure_is_an_html_page_for_a_browser(client: TestClient) -> None:
    sign_in(client, "ana")
    page = client.post("/logout", data={"csrf": "wrong"}, headers=HTML, follow_redirects=False)
    assert page.status_code == 403 and "csrf failed" in page.text and "<html" in page.text
