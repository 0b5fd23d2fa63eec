"""A store the user cannot write (issue 18, item 3): reading commands work, read-only;
writing commands say so, exit 2, before anything is analysed.

The SQLite cases run the commands as a user who really cannot write the file or its
folder: as root (which may write anything) they run under ``setpriv`` as ``nobody`` on a
store root owns; as another user, on a store chmod'ed read-only. PostgreSQL: a session made
read-only by ``default_transaction_read_only``, and a role granted SELECT only.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from plantwarden.store.engine import WRITES, describe
from plantwarden.store.imports import list_captures
from tests.conftest import DATA

MODBUS = DATA / "captures" / "modbus-pymodbus.pcap"
S7 = DATA / "captures" / "s7comm-snap7.pcap"
SITE = DATA.parent / "site" / "fixtures" / "minimal.yaml"
NOBODY = 65534


def run(*args: str, cwd: Path, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_DEBUG")}
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        env["HOME"] = _nobody_home()  # numba's cache of compiled kernels goes there
    return subprocess.run(
        [*prefix, sys.executable, "-m", "plantwarden", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def _nobody_home() -> str:
    home = Path(tempfile.gettempdir()) / "pw-ro-home"
    home.mkdir(exist_ok=True)
    os.chown(home, NOBODY, NOBODY)
    return str(home)


def one_error_line(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0].removeprefix("plantwarden: error: ")


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def read_only_store() -> Iterator[Path]:
    """A folder holding a store (two captures, a site) that the test's user cannot write."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("as root, a store nobody else can write needs setpriv to run as nobody")
    folder = Path(tempfile.mkdtemp(prefix="pw-ro-"))  # not under pytest's 0700 tmp: nobody reads it
    try:
        for cap in (MODBUS, S7):
            shutil.copy(cap, folder / cap.name)
        assert run("analyze", MODBUS.name, "--db", "pw.db", cwd=folder).returncode == 0
        assert run("site", "load", str(SITE), "--db", "pw.db", cwd=folder).returncode == 0
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.chmod(0o644)
        if os.geteuid() != 0:  # the user itself cannot write them
            for p in folder.iterdir():
                p.chmod(0o444)
            folder.chmod(0o555)
        yield folder
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_the_user_really_cannot_write_the_store(read_only_store: Path) -> None:
    """The premise of the tests below, checked by the same user running a writer."""
    as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    r = subprocess.run(
        [*(as_nobody if os.geteuid() == 0 else []), sys.executable, "-c", "open('pw.db', 'r+b')"],
        capture_output=True,
        text=True,
        cwd=read_only_store,
        check=False,
    )
    assert r.returncode != 0 and "Permission denied" in r.stderr


def test_reading_commands_work_and_write_nothing(read_only_store: Path) -> None:
    before = listing(read_only_store)
    r = run("db", "status", "--json", "--db", "pw.db", cwd=read_only_store, unprivileged=True)
    assert r.returncode == 0, r.stderr
    status = json.loads(r.stdout)
    assert (status["captures"], status["current_site"]) == (1, "Test dairy")
    for command in (["alerts"], ["assets"], ["spof"]):
        r = run(*command, "--db", "pw.db", cwd=read_only_store, unprivileged=True)
        assert r.returncode in (0, 1), (command, r.stderr)
        assert "read-only" not in r.stderr and "Traceback" not in r.stderr
    assert listing(read_only_store) == before  # no -wal, -shm or journal beside it either


@pytest.mark.parametrize(
    "command",
    [
        ["analyze", S7.name],
        ["detect", S7.name, "--learn-for", "1s"],
        ["baseline", "learn", S7.name],
        ["site", "load", str(SITE)],
        ["alert", "ack", "abc", "--by", "ana", "--why", "checking"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_writing_commands_say_read_only_before_any_work(command: list[str], read_only_store: Path) -> None:
    before = listing(read_only_store)
    r = run(*command, "--db", "pw.db", cwd=read_only_store, unprivileged=True)
    line = one_error_line(r)
    assert line.startswith("the store pw.db is read-only (")
    assert line.endswith(WRITES)
    assert r.stdout == ""  # no summary: nothing was analysed
    assert listing(read_only_store) == before


def test_a_read_only_url_reads_and_refuses_writes(tmp_path: Path) -> None:
    assert run("analyze", str(MODBUS), "--db", "pw.db", cwd=tmp_path).returncode == 0
    url = f"sqlite:///file:{tmp_path / 'pw.db'}?mode=ro&uri=true"
    r = run("db", "status", "--json", "--db", url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["captures"] == 1
    line = one_error_line(run("analyze", str(S7), "--db", url, cwd=tmp_path))
    assert line == f"the store {tmp_path / 'pw.db'} is read-only (its URL opens it read-only); {WRITES}"
    assert [c.name for c in list_captures(f"sqlite:///{tmp_path / 'pw.db'}")] == [MODBUS.name]


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def pg_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    from .conftest import _postgres_url

    url = _postgres_url(request)
    assert run("analyze", str(MODBUS), "--db", url, cwd=tmp_path).returncode == 0
    return url


@pytest.mark.postgres
def test_postgresql_read_only_session(pg_store: str, tmp_path: Path) -> None:
    url = make_url(pg_store).update_query_dict({"options": "-c default_transaction_read_only=on"})
    ro = url.render_as_string(hide_password=False)
    r = run("db", "status", "--json", "--db", ro, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["captures"] == 1
    line = one_error_line(run("analyze", str(S7), "--db", ro, cwd=tmp_path))
    assert (
        line == f"the store {describe(ro)} is read-only (the session is read-only); this command writes to it"
    )
    assert len(list_captures(pg_store)) == 1


@pytest.mark.postgres
def test_postgresql_role_granted_select_only(pg_store: str, tmp_path: Path) -> None:
    role = f"pw_reader_{secrets.token_hex(4)}"
    admin = create_engine(pg_store, isolation_level="AUTOCOMMIT")
    database = make_url(pg_store).database
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
            conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
            conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        reader = make_url(pg_store).set(username=role).render_as_string(hide_password=False)
        r = run("db", "status", "--json", "--db", reader, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["captures"] == 1
        line = one_error_line(run("analyze", str(S7), "--db", reader, cwd=tmp_path))
        assert (
            line == f"the store {describe(reader)} is read-only (this role cannot insert into it); {WRITES}"
        )
        assert len(list_captures(pg_store)) == 1
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


def test_a_writable_file_in_a_folder_the_user_cannot_write_is_read_only(read_only_store: Path) -> None:
    """SQLite writes its journal (-wal, -shm) beside the file: without the folder, no write."""
    if os.geteuid() == 0:
        os.chown(read_only_store / "pw.db", NOBODY, NOBODY)
    else:
        (read_only_store / "pw.db").chmod(0o644)
    before = listing(read_only_store)
    line = one_error_line(run("analyze", S7.name, "--db", "pw.db", cwd=read_only_store, unprivileged=True))
    assert (
        line
        == f"the store pw.db is read-only (its folder {read_only_store.resolve()} is not writable); {WRITES}"
    )
    r = run("db", "status", "--db", "pw.db", cwd=read_only_store, unprivileged=True)
    assert r.returncode == 0, r.stderr
    assert listing(read_only_store) == before
