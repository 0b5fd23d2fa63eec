"""Signing a TestClient in through the login form, as a browser does (cookies kept by the client)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.world import PASSWORD

HTML = {"Accept": "text/html"}
_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
_HX = re.compile(r"""hx-headers='\{"X-CSRF-Token": "([^"]+)"\}'""")


def login_form_token(client: TestClient) -> str:
    page = client.get("/login", headers=HTML)
    assert page.status_code == 200, page.text
    found = _FIELD.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def sign_in(client: TestClient, user: str, password: str = PASSWORD, next_path: str = "/api/v1/me") -> str:
    """Sign in; returns the session's CSRF token (as base.html hands it to htmx)."""
    form = {"name": user, "password": password, "csrf": login_form_token(client), "next": next_path}
    answer = client.post("/login", data=form, headers=HTML, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return page_csrf(client)


def page_csrf(client: TestClient) -> str:
    """The CSRF token a page of the signed-in session carries in ``hx-headers``."""
    page = client.get("/", headers=HTML, follow_redirects=True)
    found = _HX.search(page.text)
    assert found is not None, page.text[:2000]
    return found.group(1)


def session_cookie(client: TestClient) -> str | None:
    for name in ("pw_session", "__Host-pw_session"):
        value = client.cookies.get(name)
        if value is not None:
            return value
    return None
