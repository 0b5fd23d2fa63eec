"""Revision 0015 (the frame requests) up from 0013 and down again, nothing else touched."""

from __future__ import annotations

from sqlalchemy import inspect

from plantwarden.store import migrate
from plantwarden.store.engine import downgrade, open_engine, upgrade
from plantwarden.store.sites import choose_site


def tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_revision_0015_upgrades_from_0014_and_downgrades(store_url: str) -> None:
    engine = open_engine(store_url)
    try:
        with engine.begin() as conn:
            migrate.upgrade_connection(conn, "0014")
    finally:
        engine.dispose()
    assert "frame_requests" not in tables(store_url)
    choose_site(store_url, "alpha", create=True)
    assert upgrade(store_url) == migrate.head_revision()
    assert "frame_requests" in tables(store_url)
    assert downgrade(store_url, "0014") == "0014"
    assert "frame_requests" not in tables(store_url) and {"plan_runs", "sensors"} <= tables(store_url)
    assert choose_site(store_url, "alpha").id is not None  # the site is still there
    assert upgrade(store_url) == migrate.head_revision()
