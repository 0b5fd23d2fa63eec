"""Opening the store, migrating it, and the one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from plantwarden.errors import StoreError
from plantwarden.store import migrate
from plantwarden.store.engine import (
    current_revision,
    describe,
    downgrade,
    ensure_current,
    open_engine,
    reason,
    upgrade,
)
from plantwarden.store.imports import record_capture
from plantwarden.store.models import Base

from .helpers import MODBUS_DOC, snapshot

TABLES = {
    "sites",
    "site_versions",
    "captures",
    "hosts",
    "capture_hosts",
    "conversations",
    "anomalies",
    "detect_baselines",
    "detect_alerts",
    "detect_alert_events",
    "detect_mutes",
    "frame_requests",
    "incidents",
    "incident_entries",
    "incident_decisions",
    "incident_evidence",
    "users",
    "user_roles",
    "api_tokens",
    "audit_log",
    "sensors",
    "received_batches",
    "sensor_identity",
    "outbox",
    "web_sessions",
    "vuln_matches",
    "vuln_status",
    "access_grants",
    "access_grant_events",
    "access_sessions",
    "compliance_statements",
    "plan_runs",
    "plan_pins",
    "plan_control_checks",
    "capture_jobs",
    "login_failures",
}
UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/plantwarden"


def tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_the_listed_revisions_are_the_shipped_scripts() -> None:
    """migrate.REVISIONS (read without Alembic on every start) is what Alembic finds."""
    assert list(migrate.REVISIONS) == migrate.script_revisions()


def test_the_revision_read_without_alembic_is_alembics(store_url: str) -> None:
    engine = open_engine(store_url)
    try:
        for step in (None, "0001", "head"):
            if step is not None:
                _upgrade_to(store_url, step)
            with engine.connect() as conn:
                alembic_says = MigrationContext.configure(conn).get_current_revision()
                assert migrate.current_revision(conn) == alembic_says
    finally:
        engine.dispose()


def _upgrade_to(url: str, revision: str) -> None:
    engine = open_engine(url)
    try:
        with engine.begin() as conn:
            migrate.upgrade_connection(conn, revision)
    finally:
        engine.dispose()


def test_upgrade_from_empty_to_head(store_url: str) -> None:
    assert current_revision(store_url) is None
    assert upgrade(store_url) == migrate.head_revision()
    assert current_revision(store_url) == migrate.head_revision()
    assert tables(store_url) == TABLES


#: Indexes with DESC keys: autogenerate cannot compare them (SQLite reflects no sort order),
#: so their columns are checked by name below instead.
SORTED_INDEXES = {"ix_detect_alerts_worst_first": ("detect_alerts", 9)}


def _comparable(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
    return not (type_ == "index" and name in SORTED_INDEXES)


def test_migration_matches_the_models(store_url: str) -> None:
    upgrade(store_url)
    engine = open_engine(store_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": _comparable})
            diffs = compare_metadata(context, Base.metadata)
            found = {
                name: (table, len(index["column_names"]) + len(index.get("expressions") or []))
                for table in {t for t, _ in SORTED_INDEXES.values()}
                for index in inspect(conn).get_indexes(table)
                if (name := index["name"]) in SORTED_INDEXES
            }
    finally:
        engine.dispose()
    assert diffs == []
    assert found == SORTED_INDEXES


def test_downgrade_then_upgrade_round_trip(store_url: str) -> None:
    upgrade(store_url)
    assert downgrade(store_url, "base") is None
    assert tables(store_url) == set()
    upgrade(store_url)
    assert tables(store_url) == TABLES
    record_capture(store_url, MODBUS_DOC)
    assert len(snapshot(store_url)["conversations"]) == 2


def test_ensure_current_leaves_a_current_store_alone(store_url: str) -> None:
    record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    assert ensure_current(store_url) == migrate.head_revision()
    assert snapshot(store_url) == before


def test_a_store_from_a_newer_plantwarden_is_refused(store_url: str) -> None:
    upgrade(store_url)
    engine = open_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"ffff_future.*newer plantwarden") as info:
        ensure_current(store_url)
    assert "\n" not in str(info.value)
    with pytest.raises(StoreError, match="newer plantwarden"):
        record_capture(store_url, MODBUS_DOC)


def test_unreachable_postgresql_is_one_line() -> None:
    with pytest.raises(StoreError) as info:
        ensure_current(UNREACHABLE_PG)
    message = str(info.value)
    assert message == f"cannot connect to {UNREACHABLE_PG}: connection refused"


def test_sqlite_in_a_missing_folder_is_a_store_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/no/such/folder/store.db"
    with pytest.raises(StoreError, match=r"^cannot connect to sqlite:///.*: unable to open database file$"):
        ensure_current(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("mysql://u@h/db", "unsupported store URL"), ("not a url", "invalid store URL")],
)
def test_unsupported_urls_are_refused(url: str, expected: str) -> None:
    with pytest.raises(StoreError, match=expected):
        open_engine(url)


def test_plain_postgresql_scheme_uses_psycopg() -> None:
    engine = open_engine("postgresql://postgres@127.0.0.1:1/x")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_describe_hides_the_password() -> None:
    shown = describe("postgresql+psycopg://plant:s3cret@db.example/plantwarden")
    assert "s3cret" not in shown
    assert shown.startswith("postgresql+psycopg://plant:***@")


def test_reason_keeps_one_line_of_a_driver_message() -> None:
    message = (
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
        'FATAL:  database "nope" does not exist\n\tmore detail'
    )
    assert reason(Exception(message)) == 'database "nope" does not exist'


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path}/wal.db")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    with pytest.raises(StoreError, match=r"^cannot connect to sqlite:///.*: file is not a database$"):
        ensure_current(f"sqlite:///{path}")
    assert path.read_text() == "not a database\n"
