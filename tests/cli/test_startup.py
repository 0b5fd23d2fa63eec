"""Start-up cost: what a command imports before it does its work (issue 19)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from plantwarden.cli import app as app_module
from plantwarden.cli.app import COMMANDS, build

ROOT = Path(__file__).resolve().parents[2]
CAPTURE = ROOT / "tests" / "data" / "captures" / "modbus-pymodbus.pcap"


def _imported(*args: str) -> set[str]:
    """The modules ``python -m plantwarden ARGS`` imports (``-X importtime``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "plantwarden", *args],
        capture_output=True, text=True, env=env, check=True, timeout=300,
    )
    lines = [line for line in run.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip() for line in lines}


def test_analyze_without_the_store_does_not_load_it() -> None:
    """`analyze --no-store` never opens the store: SQLAlchemy and the models stay unloaded
    (the store package's names load on first use: store/__init__.py)."""
    mods = _imported("analyze", str(CAPTURE), "--no-store", "--json", "--engine", "fast")
    assert "plantwarden.fast.kernel" in mods  # it did analyse, on the fast engine
    assert "plantwarden.store.choice" in mods  # the site name is still checked
    assert not {m for m in mods if m == "sqlalchemy" or m.startswith("plantwarden.store.models")}


def test_a_small_capture_runs_without_numba_or_other_commands() -> None:
    """A small regular file runs the pure-Python engine (analyze.engines): numba is never
    imported; and only the named command's module is (cli.app.COMMANDS)."""
    mods = _imported("analyze", str(CAPTURE), "--no-store", "--json")
    assert "plantwarden.analyze.pipeline" in mods  # it did analyse
    assert not {m for m in mods if m == "numba" or m.startswith("plantwarden.fast.")}
    commands = {f"plantwarden.cli.{m}" for m in COMMANDS.values()}
    assert commands & mods == {"plantwarden.cli.analyze_cmd"}


def test_the_command_table_lists_every_registered_command() -> None:
    """``COMMANDS`` names exactly the commands the modules register, each with its own module."""
    import typer
    from typer.main import get_command

    whole = get_command(build())
    assert set(whole.commands) == set(COMMANDS)  # type: ignore[attr-defined]
    for name, module in COMMANDS.items():
        only = get_command(build(name))
        assert name in only.commands, (name, module)  # type: ignore[attr-defined]
    assert isinstance(app_module.app, typer.Typer)  # the whole tree, built on first use


def test_the_store_package_names_load_on_first_use() -> None:
    import plantwarden.store as store
    from plantwarden.store.captures import list_captures

    assert store.list_captures is list_captures
    assert "list_captures" in store.__all__
    try:
        store.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
