"""Revision 0005 (web sessions) on both backends: a store at 0004 is upgraded, sessions work,
and the downgrade to 0004 removes only the new table (the people and their audit chain stay)."""

from __future__ import annotations

from sqlalchemy import inspect

from plantwarden.people import audit, users
from plantwarden.store import migrate
from plantwarden.store.engine import downgrade, open_engine, upgrade
from plantwarden.web import sessions
from plantwarden.web.state import WebState

PASSWORD = "a long enough passphrase"


def _to(url: str, revision: str) -> None:
    engine = open_engine(url)
    try:
        with engine.begin() as conn:
            migrate.upgrade_connection(conn, revision)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_0004_and_back(store_url: str) -> None:
    _to(store_url, "0004")
    assert "web_sessions" not in _tables(store_url)
    assert upgrade(store_url) == migrate.REVISIONS[-1]
    users.add_user(store_url, "root", PASSWORD, is_admin=True, actor="t")
    engine = open_engine(store_url)
    try:
        web = WebState(store_url, engine)
        session_id, csrf = sessions.start(web, "root")
        found = sessions.lookup(web, session_id)
        assert found is not None and found.principal.name == "root" and found.csrf == csrf
    finally:
        engine.dispose()
    before = audit.verify(store_url)  # the people and their chain survive 0005 -> 0004 -> 0005
    assert downgrade(store_url, "0004") == "0004"
    assert "web_sessions" not in _tables(store_url) and "users" in _tables(store_url)
    assert upgrade(store_url) == migrate.REVISIONS[-1]
    assert audit.verify(store_url) == before
    assert users.authenticate_password(store_url, "root", PASSWORD) is not None
