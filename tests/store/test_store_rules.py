"""Which commands may create a store, and never inside another application's database
(issue 18, item 2), run as a user would.

A mistyped ``--db plantwaden.db`` used to create a new empty store and print "no alerts"
(exit 0); ``db status --db other.db`` on an unrelated SQLite file added plantwarden's
tables to it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from plantwarden.errors import StoreError
from plantwarden.store import migrate
from plantwarden.store.engine import check_writable, connected, current_revision, describe, upgrade
from plantwarden.store.imports import list_captures, record_capture
from tests.conftest import DATA

from .helpers import MODBUS_DOC

MODBUS = DATA / "captures" / "modbus-pymodbus.pcap"
MINIMAL_SITE = DATA.parent / "site" / "fixtures" / "minimal.yaml"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def one_error_line(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0].removeprefix("plantwarden: error: ")


def no_store(where: str) -> str:
    return f"no plantwarden store at {where} (run `plantwarden db upgrade` or check --db)"


READING = [
    ["db", "status"],
    ["alerts"],
    ["baseline", "show"],
    ["alert", "ack", "abc123", "--by", "ana", "--why", "checking"],  # a write that creates nothing
]


@pytest.mark.parametrize("command", READING, ids=lambda c: " ".join(c[:2]))
def test_a_mistyped_sqlite_store_is_refused_and_not_created(command: list[str], tmp_path: Path) -> None:
    assert run("db", "upgrade", "--db", "plantwarden.db", cwd=tmp_path).returncode == 0
    r = run(*command, "--db", "plantwaden.db", cwd=tmp_path)
    assert one_error_line(r) == no_store("plantwaden.db")
    assert r.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plantwarden.db"]


def test_a_missing_store_in_the_library_is_refused_without_a_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    with pytest.raises(StoreError) as info:
        list_captures(f"sqlite:///{path}")
    assert str(info.value) == no_store(str(path))
    assert not path.exists()


def test_creating_commands_create_the_store(tmp_path: Path) -> None:
    r = run("analyze", str(MODBUS), "--db", "new.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert [c.name for c in list_captures(f"sqlite:///{tmp_path / 'new.db'}")] == [MODBUS.name]
    r = run("site", "load", str(MINIMAL_SITE), "--db", "site.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert current_revision(f"sqlite:///{tmp_path / 'site.db'}") == migrate.head_revision()


def foreign_sqlite(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    "command",
    [
        ["db", "status"],
        ["db", "upgrade"],
        ["alerts"],
        ["analyze", str(MODBUS)],
        ["site", "load", str(MINIMAL_SITE)],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_foreign_sqlite_file_is_left_byte_identical(command: list[str], tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    before = foreign_sqlite(other)
    r = run(*command, "--db", "other.db", cwd=tmp_path)
    assert one_error_line(r) == (
        "other.db is not a plantwarden store: it holds other tables (customers, invoices); "
        "plantwarden creates its store only in an empty database: check --db"
    )
    assert hashlib.sha256(other.read_bytes()).hexdigest() == hashlib.sha256(before).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, -shm or journal


def test_a_capture_given_as_the_store_is_refused_untouched(tmp_path: Path) -> None:
    cap = tmp_path / "cap.pcap"
    cap.write_bytes(MODBUS.read_bytes())
    line = one_error_line(run("db", "status", "--db", "cap.pcap", cwd=tmp_path))
    assert line.endswith("file is not a database")
    assert cap.read_bytes() == MODBUS.read_bytes()


def test_an_older_store_is_still_migrated_by_a_reading_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        migrate.upgrade_connection(conn, migrate.known_revisions()[0])
    engine.dispose()
    r = run("db", "status", "--db", "old.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert current_revision(url) == migrate.head_revision()


# --- PostgreSQL (and SQLite through the same fixture) ----------------------------------------


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_a_database_without_the_schema_is_no_store_for_readers(store_url: str, tmp_path: Path) -> None:
    if store_url.startswith("sqlite"):
        Path(store_url.removeprefix("sqlite:///")).touch()  # an empty file: an empty database
    r = run("db", "status", "--db", store_url, cwd=tmp_path)
    where = store_url.removeprefix("sqlite:///") if store_url.startswith("sqlite") else describe(store_url)
    assert one_error_line(r) == no_store(where)
    assert table_names(store_url) == set()
    r = run("db", "upgrade", "--db", store_url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "captures" in table_names(store_url)


def test_no_store_is_created_beside_foreign_tables(store_url: str) -> None:
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    engine.dispose()
    for attempt in (lambda: upgrade(store_url), lambda: record_capture(store_url, MODBUS_DOC)):
        with pytest.raises(StoreError, match=r"not a plantwarden store: it holds other tables \(orders\)"):
            attempt()
    assert table_names(store_url) == {"orders"}


def test_an_existing_store_beside_other_tables_keeps_working(store_url: str) -> None:
    """A store created in an empty database stays usable if tables are added beside it later."""
    record_capture(store_url, MODBUS_DOC)
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE reports (id INTEGER PRIMARY KEY)")
    engine.dispose()
    assert [c.name for c in list_captures(store_url)] == [MODBUS_DOC["name"]]
    check_writable(store_url)
    with connected(store_url, writes=True):
        pass


def test_an_analysis_that_reads_nothing_leaves_no_empty_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a capture\n" * 10)
    line = one_error_line(run("analyze", "notes.txt", "--db", "new.db", cwd=tmp_path))
    assert "notes.txt" in line
    assert not (tmp_path / "new.db").exists()
