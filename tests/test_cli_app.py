"""The root command: version, usage errors, one-line errors."""

from __future__ import annotations

import subprocess
import sys

from plantwarden import __version__


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args], capture_output=True, text=True, check=False
    )


def test_version_prints_package_version() -> None:
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"plantwarden {__version__}"


def test_unknown_command_is_a_usage_error_without_traceback() -> None:
    r = run("no-such-command")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "no-such-command" in r.stderr
