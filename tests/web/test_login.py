"""Browser sign-in: a server-side session with a fresh id, secure cookie flags, logout, idle
and absolute expiry, a disabled user's session ended, no open redirect, the login form's own
token, and the rate limit on failed sign-ins (per user name and per client address)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from plantwarden.people import audit, users
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now
from plantwarden.web.app import create_app
from plantwarden.web.models import WebSession
from plantwarden.web.ratelimit import LoginLimiter
from plantwarden.web.sessions import digest
from tests.web.shape import assert_error
from tests.web.signin import HTML, login_form_token, session_cookie, sign_in
from tests.web.world import PASSWORD, World


def sessions_in(world: World) -> list[WebSession]:
    with connected(world.url) as engine, Session(engine) as session:
        return list(session.scalars(select(WebSession)))


def me(client: TestClient) -> int:
    return client.get("/api/v1/me").status_code


def test_sign_in_makes_a_session_with_safe_cookie_flags(client: TestClient, world: World) -> None:
    form = {"name": "ana", "password": PASSWORD, "csrf": login_form_token(client), "next": "/api/v1/me"}
    answer = client.post("/login", data=form, headers=HTML, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/api/v1/me"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("pw_session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags and "secure" not in flags
    body = client.get("/api/v1/me").json()
    assert body["name"] == "ana" and body["via"] == "session" and body["token_id"] is None
    [row] = sessions_in(world)
    raw = session_cookie(client)
    assert raw is not None and row.session_sha256 == digest(raw) and raw not in row.session_sha256
    entry = audit.entries(world.url)[-1]
    assert (entry.actor, entry.action, entry.target) == ("ana", "login", "ana")


def test_under_tls_the_cookie_is_secure_and_host_only(world: World) -> None:
    with TestClient(create_app(world.url, tls=True), base_url="https://testserver") as client:
        form = {"name": "vic", "password": PASSWORD, "csrf": login_form_token(client)}
        answer = client.post("/login", data=form, headers=HTML, follow_redirects=False)
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "pw_session=" in c)
        assert cookie.startswith("__Host-pw_session=")
        assert "secure" in cookie.lower() and "httponly" in cookie.lower()
        assert client.get("/api/v1/me").json()["name"] == "vic"


def test_a_planted_session_id_is_never_the_signed_in_one(client: TestClient, world: World) -> None:
    planted = "attacker-chosen-session-id-0123456789abcdef"
    client.cookies.set("pw_session", planted, domain="testserver.local")
    assert me(client) == 401
    sign_in(client, "ana")
    assert session_cookie(client) not in (None, planted)
    assert me(client) == 200
    stranger = TestClient(client.app)
    stranger.cookies.set("pw_session", planted)
    assert stranger.get("/api/v1/me").status_code == 401
    # signing in again (another user, same browser) ends the session it came with
    first = session_cookie(client)
    sign_in(client, "vic")
    second = session_cookie(client)
    assert second != first and client.get("/api/v1/me").json()["name"] == "vic"
    stale = TestClient(client.app)
    stale.cookies.set("pw_session", str(first))
    assert stale.get("/api/v1/me").status_code == 401
    assert len(sessions_in(world)) == 1


def test_logout_deletes_the_session(client: TestClient, world: World) -> None:
    csrf = sign_in(client, "ana")
    raw = session_cookie(client)
    answer = client.post("/logout", data={"csrf": csrf}, headers=HTML, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert sessions_in(world) == [] and session_cookie(client) is None
    replay = TestClient(client.app)
    replay.cookies.set("pw_session", str(raw))
    assert replay.get("/api/v1/me").status_code == 401
    assert audit.entries(world.url)[-1].action == "logout"


def _age(world: World, **columns: object) -> None:
    with connected(world.url, writes=True) as engine, Session(engine) as session, session.begin():
        session.execute(update(WebSession).values(**columns))


def test_idle_and_absolute_expiry(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    _age(world, last_seen_at=utc_now() - timedelta(hours=8, seconds=1))
    assert me(client) == 401 and sessions_in(world) == []  # idle: over, and deleted
    sign_in(client, "ana")
    _age(world, last_seen_at=utc_now() - timedelta(hours=7))
    assert me(client) == 200  # used within the idle time: still on
    _age(world, expires_at=utc_now() - timedelta(seconds=1))
    assert me(client) == 401  # absolute: over whatever the use


def test_a_disabled_user_is_signed_out(client: TestClient, world: World) -> None:
    sign_in(client, "vic")
    users.set_disabled(world.url, "vic", True, actor="admin")
    assert me(client) == 401
    assert sessions_in(world) == []


def test_wrong_password_and_unknown_user(client: TestClient, world: World) -> None:
    for name in ("ana", "nobody"):
        form = {"name": name, "password": "wrong password here", "csrf": login_form_token(client)}
        page = client.post("/login", data=form, headers=HTML)
        assert page.status_code == 401 and "wrong user name or password" in page.text
        assert session_cookie(client) is None
    form = {"name": "ana", "password": "wrong password here", "csrf": login_form_token(client)}
    error = assert_error(client.post("/login", data=form), 401)  # an API client: the error shape
    assert error["message"] == "wrong user name or password"
    failed = [e for e in audit.entries(world.url) if e.action == "login.failed"]
    assert [e.target for e in failed] == ["ana", "unknown user", "ana"]
    assert all(e.actor == "anonymous" and e.details["address"] for e in failed)


def test_the_login_form_needs_its_token(client: TestClient) -> None:
    form = {"name": "ana", "password": PASSWORD, "csrf": "made-up"}
    assert_error(client.post("/login", data=form), 403)
    client.cookies.clear()
    form["csrf"] = "x"
    error = assert_error(client.post("/login", data=form), 403)
    assert error["code"] == "csrf_failed" and me(client) == 401


def test_no_open_redirect_after_sign_in(client: TestClient) -> None:
    for target, lands in (
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil", "/"),
        ("/audit", "/audit"),
    ):
        form = {"name": "ana", "password": PASSWORD, "csrf": login_form_token(client), "next": target}
        answer = client.post("/login", data=form, headers=HTML, follow_redirects=False)
        assert answer.headers["location"] == lands, target


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _attempt(client: TestClient, name: str, password: str) -> int:
    form = {"name": name, "password": password, "csrf": login_form_token(client)}
    return client.post("/login", data=form, follow_redirects=False).status_code


def test_rate_limit_per_user_name(client: TestClient, world: World) -> None:
    clock = Clock()
    client.app.state.pw.limiter = LoginLimiter(client.app.state.pw.engine, clock=clock)  # type: ignore[attr-defined]
    assert [_attempt(client, "ana", "wrong password here") for _ in range(5)] == [401] * 5
    form = {"name": "ana", "password": PASSWORD, "csrf": login_form_token(client)}
    refused = client.post("/login", data=form)  # the right password, too late
    error = assert_error(refused, 429)
    assert int(refused.headers["Retry-After"]) == 301 and "too many failed sign-ins" in error["message"]
    limited = [e for e in audit.entries(world.url) if e.action == "login.limited"]
    assert len(limited) == 1 and limited[0].target == "ana"
    clock.now += 301  # the window has passed
    assert _attempt(client, "ana", PASSWORD) == 303


def test_rate_limit_per_client_address(client: TestClient) -> None:
    client.app.state.pw.limiter = LoginLimiter(client.app.state.pw.engine, clock=Clock())  # type: ignore[attr-defined]
    for name in ("u1", "u2", "u3", "u4", "u5"):
        assert _attempt(client, name, "wrong password here") == 401
    assert _attempt(client, "vic", PASSWORD) == 429  # another name, the same address


def test_sessions_are_stored_hashed_only(client: TestClient, world: World) -> None:
    sign_in(client, "eng")
    raw = session_cookie(client)
    with connected(world.url) as engine, Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1
        row = session.scalars(select(WebSession)).one()
    assert raw is not None and raw not in repr(row.__dict__)
