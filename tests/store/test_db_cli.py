"""``plantwarden db upgrade`` and ``plantwarden db status``, run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plantwarden.store import migrate
from plantwarden.store.engine import describe
from plantwarden.store.imports import record_capture

from .helpers import MODBUS_DOC

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/plantwarden"


def run(*args: str, cwd: Path, db_env: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_DEBUG")}
    if db_env is not None:
        env["PLANTWARDEN_DB"] = db_env
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
    )


def test_upgrade_prints_the_revision(store_url: str, tmp_path: Path) -> None:
    r = run("db", "upgrade", "--db", store_url, cwd=tmp_path)
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.strip() == f"store {describe(store_url)} is at revision {migrate.head_revision()} (head)"


def test_status_json_counts_what_the_store_holds(store_url: str, tmp_path: Path) -> None:
    record_capture(store_url, MODBUS_DOC)
    r = run("db", "status", "--json", cwd=tmp_path, db_env=store_url)
    assert r.returncode == 0, r.stderr
    status = json.loads(r.stdout)
    assert status["schema"] == "plantwarden.db-status/1"
    assert (status["revision"], status["head"]) == (migrate.head_revision(), migrate.head_revision())
    assert (status["captures"], status["conversations"], status["anomalies"], status["hosts"]) == (1, 2, 1, 4)
    assert (status["site_versions"], status["current_site"]) == (0, None)


def test_default_store_is_plantwarden_db_in_the_working_folder(tmp_path: Path) -> None:
    r = run("db", "upgrade", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "plantwarden.db").is_file()
    r = run("db", "status", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "captures:       0" in r.stdout
    assert f"revision:       {migrate.head_revision()}" in r.stdout


def test_db_option_wins_over_the_environment(tmp_path: Path) -> None:
    r = run("db", "upgrade", "--db", "chosen.db", cwd=tmp_path, db_env=str(tmp_path / "env.db"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "chosen.db").is_file()
    assert not (tmp_path / "env.db").exists()


@pytest.mark.parametrize("command", ["upgrade", "status"])
def test_unreachable_postgresql_is_exit_2_and_one_line(command: str, tmp_path: Path) -> None:
    r = run("db", command, "--db", UNREACHABLE_PG, cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [
        f"plantwarden: error: cannot connect to {UNREACHABLE_PG}: connection refused"
    ]
    assert r.stdout == ""
