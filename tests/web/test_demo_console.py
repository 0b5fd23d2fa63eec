"""``plantwarden demo`` ends with the one command that opens the console on the demo store,
and that command's ``serve`` answers on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from plantwarden.cli.demo_cmd import console_command
from plantwarden.people import users
from tests.conftest import ROOT
from tests.web.serving import serving


def test_demo_ends_with_the_console_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    env["COLUMNS"] = "200"
    run = subprocess.run(
        [sys.executable, "-m", "plantwarden", "demo", "--db", url, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 0, run.stderr
    last = run.stdout.strip().splitlines()[-1]
    assert last == f"plantwarden user add admin --admin --db {url} && plantwarden serve --db {url}"
    users.add_user(url, "admin", "a long enough passphrase", is_admin=True, actor="test")
    assert console_command(url, url) == f"plantwarden serve --db {url}"
    with serving(url) as served:
        login = httpx.get(served.base + "/login")
        assert login.status_code == 200 and "Sign in" in login.text
