"""Durations, the site source and capture errors, in process."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden.continuity.source import analyse_paths, parse_duration, require_site, stored_site
from plantwarden.errors import CaptureError, InputError, UsageError


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("4h", 240.0),
        ("90m", 90.0),
        ("1h30m", 90.0),
        ("2d", 2880.0),
        ("45min", 45.0),
        ("1.5", 90.0),
        ("30s", 0.5),
    ],
)
def test_durations(text: str, minutes: float) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "soon", "4x", "1h30", "-2h"])
def test_bad_durations_are_input_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--for"):
        parse_duration(text)


def test_no_site_is_an_input_error_and_creates_no_store(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    assert stored_site(str(db)) is None
    with pytest.raises(InputError, match="no site model"):
        require_site(None, str(db))
    assert not db.exists()


def test_a_missing_capture_is_a_capture_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match=r"none\.pcap"):
        analyse_paths([tmp_path / "none.pcap"])
