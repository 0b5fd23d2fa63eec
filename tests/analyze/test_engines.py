"""Which engine runs when none is named (analyze.engines, issue 19's start-up)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from plantwarden.analyze import engines
from plantwarden.analyze.pipeline import analyze_capture

CAPTURES = Path(__file__).resolve().parents[1] / "data" / "captures"
SMALL = CAPTURES / "modbus-pymodbus.pcap"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(engines.ENV_ENGINE, raising=False)


def test_a_small_regular_file_runs_the_pure_python_engine() -> None:
    assert engines.choose([str(SMALL)]) == "python"
    assert analyze_capture(SMALL).doc["sampling"]["engine"] == "python"


def test_a_named_engine_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    assert engines.choose([str(SMALL)], "fast") == "fast"
    monkeypatch.setenv(engines.ENV_ENGINE, "fast")
    assert engines.choose([str(SMALL)]) == "fast"
    assert engines.choose([str(SMALL)], "python") == "python"


def test_large_compressed_piped_or_unreadable_inputs_keep_the_fast_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zipped = tmp_path / "small.pcap.gz"
    with SMALL.open("rb") as src, gzip.open(zipped, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert engines.choose([str(zipped)]) == "fast"
    assert engines.choose(["-"]) == "fast"
    assert engines.choose([str(tmp_path / "missing.pcap")]) == "fast"
    assert engines.choose([str(tmp_path)]) == "fast"  # a directory: not a regular file
    assert engines.choose([]) == "fast"
    monkeypatch.setattr(engines, "SMALL_BYTES", SMALL.stat().st_size - 1)
    assert engines.choose([str(SMALL)]) == "fast"


def test_several_files_count_together(monkeypatch: pytest.MonkeyPatch) -> None:
    size = SMALL.stat().st_size
    monkeypatch.setattr(engines, "SMALL_BYTES", 2 * size)
    assert engines.choose([str(SMALL), str(SMALL)]) == "python"
    assert engines.choose([str(SMALL), str(SMALL), str(SMALL)]) == "fast"
