"""The kernel thread and the Python side of fast.engine: errors reach the caller, nothing hangs."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from plantwarden.fast import engine
from plantwarden.fast.bridge import Bridge

CAPTURE = Path(__file__).resolve().parents[2] / "tests" / "data" / "captures" / "modbus-pymodbus.pcap"


def _run() -> engine.Run:
    opened = engine.open_input(str(CAPTURE))
    assert isinstance(opened, engine.Opened)
    return engine.Run(CAPTURE.name, opened)


def test_an_error_in_the_kernel_thread_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> tuple[int, int]:
        raise RuntimeError("kernel failed")

    monkeypatch.setattr(engine.Run, "_chunk", broken)
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="kernel failed"):
        _run().run(None)
    assert threading.active_count() == before


def test_an_error_on_the_python_side_stops_the_kernel_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Bridge, buf: np.ndarray, ev: np.ndarray, *rest: object) -> None:
        raise ValueError("bridge failed")

    monkeypatch.setattr(Bridge, "events", broken)
    before = threading.active_count()
    with pytest.raises(ValueError, match="bridge failed"):
        _run().run(None)
    assert threading.active_count() == before


def test_progress_reports_every_byte_read() -> None:
    seen: list[int] = []
    run = _run()
    run.run(seen.append)
    assert seen and seen == sorted(seen) and seen[-1] == CAPTURE.stat().st_size
