"""The --out guard: never replace a capture or a file plantwarden did not write."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden import jsonout
from plantwarden.cli.outfile import GENERATOR_MARK, guard, refusal
from plantwarden.errors import UsageError
from tests.conftest import SHARED_CAPTURES


def test_a_capture_is_refused_even_renamed(tmp_path: Path) -> None:
    for src in [p for p in sorted(SHARED_CAPTURES.iterdir()) if p.suffix in (".pcap", ".pcapng")][:4]:
        victim = tmp_path / "victim.json"
        victim.write_bytes(src.read_bytes())
        with pytest.raises(UsageError, match="is a capture"):
            guard(victim, force=False)
        assert victim.read_bytes() == src.read_bytes()


def test_a_foreign_file_is_refused_unless_forced(tmp_path: Path) -> None:
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": 1}')
    with pytest.raises(UsageError, match=r"not a plantwarden document.*--force"):
        guard(notes, force=False)
    guard(notes, force=True)


def test_our_documents_and_new_or_empty_files_may_be_replaced(tmp_path: Path) -> None:
    doc = tmp_path / "a.json"
    jsonout.write(jsonout.document("alerts", 1, {"alerts": []}), doc)
    html = tmp_path / "r.html"
    html.write_text(f'<!doctype html><meta name="generator" content="{GENERATOR_MARK}">')
    empty = tmp_path / "empty"
    empty.touch()
    for path in (doc, html, empty, tmp_path / "new.json"):
        assert refusal(path) is None
    guard(None, force=False)


def test_a_directory_is_refused_even_with_force(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="directory"):
        guard(tmp_path, force=True)
