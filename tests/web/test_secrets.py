"""Passwords, API tokens and session ids never appear in logs, answers or the audit log."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from plantwarden.store.engine import open_engine
from tests.web.conftest import headers
from tests.web.signin import HTML, login_form_token, session_cookie, sign_in
from tests.web.world import DAIRY, PASSWORD, World

WRONG = "not-the-password-but-secret-too"


def _dump(url: str) -> str:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return "\n".join(
                repr(row)
                for table in ("audit_log", "web_sessions", "api_tokens", "users")
                for row in conn.execute(text(f"SELECT * FROM {table}"))
            )
    finally:
        engine.dispose()


def test_no_secret_in_logs_answers_or_the_store(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answers = []
    # a password typed into the user name field, a wrong password, then the right one
    for name, password in ((PASSWORD, PASSWORD), ("ana", WRONG)):
        form = {"name": name, "password": password, "csrf": login_form_token(client)}
        answers.append(client.post("/login", data=form, headers=HTML))
        answers.append(client.post("/login", data=form))
    csrf = sign_in(client, "ana")
    session_id = session_cookie(client)
    assert session_id is not None
    for path in (
        "/api/v1/me",
        "/api/v1/sites",
        "/api/v1/audit",
        "/",
        f"/sites/{DAIRY}",
        f"/sites/{DAIRY}/audit",
    ):
        answers.append(client.get(path, headers=HTML))
        answers.append(client.get(path, headers=headers(world, "admin")))
    answers.append(client.get("/api/v1/sites?limit=x", headers=headers(world, "ana")))
    answers.append(client.post("/login", data={"name": "ana", "password": PASSWORD}))  # 422: no echo
    answers.append(client.post("/logout", data={"csrf": csrf}, follow_redirects=False))
    secrets = {"password": PASSWORD, "wrong password": WRONG, "session id": session_id, **world.tokens}
    for answer in answers:
        shown = answer.text + repr([(k, v) for k, v in answer.headers.items() if k.lower() != "set-cookie"])
        for what, secret in secrets.items():
            assert secret not in shown, (what, answer.request.url, answer.status_code)
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    stored = _dump(world.url)
    for what, secret in secrets.items():
        assert secret not in logged, what
        assert secret not in stored, what
