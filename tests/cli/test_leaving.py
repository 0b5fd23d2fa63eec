"""The console script leaves its last objects to the process's end (plantwarden.cli.leaving)."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from plantwarden import gcpause
from plantwarden.cli import leaving

DATA = Path(__file__).resolve().parents[1] / "data" / "captures"


def test_called_as_a_function_nothing_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leaving, "_kept", [])
    monkeypatch.setattr(leaving, "_active", False)
    leaving.keep([1, 2, 3])
    assert leaving.kept() == 0 and not leaving.active()


def test_leaving_with_exit_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leaving, "_kept", [])
    monkeypatch.setattr(leaving, "_active", False)
    leaving.leaving_with_exit()
    held = {"document": 1}
    leaving.keep(held, None)
    assert leaving.active() and leaving.kept() == 2


@pytest.mark.parametrize("resume", [True, False])
def test_the_collector_resumes_only_when_asked(resume: bool) -> None:
    assert gc.isenabled()
    try:
        with gcpause.paused(resume=resume):
            assert not gc.isenabled()
        assert gc.isenabled() is resume
    finally:
        gc.enable()


def test_the_console_script_keeps_the_analysis_and_leaves_the_collector_off(tmp_path: Path) -> None:
    """Run as the console script does (main() without argv), then look at the process's state
    from an exit handler: the documents were kept and the collector never resumed; the
    output and the exit code are those of a normal run."""
    script = textwrap.dedent(
        f"""
        import atexit, gc, sys
        from plantwarden.cli import app, leaving
        atexit.register(lambda: print("state", leaving.kept(), gc.isenabled(), file=sys.stderr))
        sys.argv = ["plantwarden", "analyze", "--no-store", "--out", {str(tmp_path / "a.json")!r},
                    {str(DATA / "modbus-pymodbus.pcap")!r}]
        app.main()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    state = [line.split() for line in done.stderr.splitlines() if line.startswith("state ")]
    assert state == [["state", "2", "False"]]
    assert "modbus-pymodbus.pcap" in done.stdout
    assert (tmp_path / "a.json").stat().st_size > 0
