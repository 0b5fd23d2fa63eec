"""plantwarden.memtrim: the C allocator's free memory back to the system before a fork."""

from __future__ import annotations

import sys

import pytest

from plantwarden import memtrim


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trim_reaches_glibc_here_and_can_be_called_again() -> None:
    assert memtrim.trim() is True
    assert memtrim.trim() is True


def test_without_glibc_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    memtrim._find.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert memtrim.trim() is False
    finally:
        memtrim._find.cache_clear()
