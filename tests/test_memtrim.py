"""plantwarden.memtrim: memory the process no longer needs back to the system before a fork."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from numba import njit

from plantwarden import memtrim

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and Linux's madvise")


@LINUX
def test_trim_reaches_glibc_here_and_can_be_called_again() -> None:
    assert memtrim.trim() is True
    assert memtrim.trim() is True


def _llvm_resident_kib() -> int:
    """Resident KiB of LLVM's library's clean pages that this process alone maps
    (/proc/self/smaps): what ``MADV_PAGEOUT`` reclaims.

    Pages another process maps too stay resident (another numba process on the machine: a
    second test run, a benchmark), and so do the pages the library wrote, so counting all
    resident pages made this test fail whenever numba ran elsewhere."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if "-" in line.split(" ", 1)[0] and len(line.split()) >= 5:
            inside = line.rstrip().endswith(memtrim.LLVM_LIBRARY)
        elif inside and line.startswith("Private_Clean:"):
            total += int(line.split()[1])
    return total


@njit(cache=False)
def _add(a: np.ndarray) -> int:
    return int(a.sum())


@LINUX
def test_llvm_code_leaves_the_process_and_numba_code_still_runs() -> None:
    assert _add(np.arange(4)) == 6  # numba loaded (or compiled) machine code through LLVM
    before = _llvm_resident_kib()
    assert before > 1024  # LLVM's library is loaded and partly resident
    assert memtrim.page_out_llvm() > 0
    assert _llvm_resident_kib() < before / 2
    assert _add(np.arange(5)) == 10  # the machine code does not live in LLVM's pages
    assert _add(np.arange(5.0)) == 10  # a new signature: LLVM runs again, its pages come back


def test_without_a_maps_file_or_llvm_nothing_is_asked(tmp_path: Path) -> None:
    assert memtrim.page_out_llvm(str(tmp_path / "missing")) == 0
    other = tmp_path / "maps"
    other.write_text("7f0000000000-7f0000001000 r-xp 00000000 00:00 0 /usr/lib/libc.so.6\n")
    assert memtrim.page_out_llvm(str(other)) == 0


def test_without_glibc_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    memtrim._libc.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert memtrim.trim() is False
        assert memtrim.page_out_llvm() == 0
    finally:
        memtrim._libc.cache_clear()
