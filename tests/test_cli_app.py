"""The root command: version, usage errors, one-line errors, shell completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def completion_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("_PLANTWARDEN_COMPLETE")}
    return {**env, **extra}


def test_show_completion_prints_a_bash_script_that_calls_plantwarden_back() -> None:
    r = run("--show-completion", "bash")
    assert r.returncode == 0, r.stderr
    assert "_PLANTWARDEN_COMPLETE=complete_bash" in r.stdout
    assert "complete -o default -F _plantwarden_completion plantwarden" in r.stdout


def test_the_completion_protocol_completes_commands_and_sub_commands() -> None:
    """What the installed script runs on TAB: the program with the completion variables set."""
    for words, cword, expected in (("plantwarden ana", "1", "analyze"), ("plantwarden db st", "2", "status")):
        env = completion_env(_PLANTWARDEN_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword)
        r = subprocess.run(
            [sys.executable, "-m", "plantwarden"], capture_output=True, text=True, check=False, env=env
        )
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == [expected]


def test_install_completion_writes_the_script_for_the_shell(tmp_path: Path) -> None:
    home = tmp_path
    env = completion_env(HOME=str(home), SHELL="/bin/bash")
    r = subprocess.run(
        [sys.executable, "-m", "plantwarden", "--install-completion", "bash"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    script = home / ".bash_completions" / "plantwarden.sh"
    assert "_PLANTWARDEN_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (home / ".bashrc").read_text()
