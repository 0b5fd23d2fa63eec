"""Fixtures shared by the whole suite."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# CI runs the fuzz tests with fixed seeds (a landing must not hang on a lucky draw);
# developers' runs stay random, which is how new cases are found (then kept as @example).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_CAPTURES = SHARED / "captures"
TRUTH = SHARED_CAPTURES / "truth"
DATA = Path(__file__).resolve().parent / "data"


def shared_captures() -> list[Path]:
    """Every public capture in ../shared/captures (sorted), for parametrised tests."""
    return sorted(p for p in SHARED_CAPTURES.glob("*") if p.suffix in (".pcap", ".pcapng"))


def truth_for(capture: Path) -> dict[str, Any]:
    """The tshark ground truth of a shared or generated capture."""
    for folder in (TRUTH, capture.parent / "truth", capture.parent):
        path = folder / (capture.stem + ".json")
        if path.exists():
            data: dict[str, Any] = json.loads(path.read_text())
            return data
    raise FileNotFoundError(f"no truth file for {capture}")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_CAPTURES.is_dir():
        pytest.fail(f"{SHARED_CAPTURES} is missing: the suite needs ../shared beside the project")
    return SHARED


@pytest.fixture(scope="session", autouse=True)
def _baseline_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Detection's tables of stored baselines are cached per user (detect.compiled): the
    suite, and the commands it runs, keep theirs in a folder of its own, not in the home."""
    from plantwarden.detect.compiled import ENV_CACHE

    os.environ[ENV_CACHE] = str(tmp_path_factory.mktemp("baseline-cache"))


@pytest.fixture(scope="session", autouse=True)
def _content_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Content bundles (plantwarden.vulns) are loaded into a folder per user: the suite uses an
    empty one of its own (so the bundle shipped in the package is in use), never the home."""
    from plantwarden.settings import ENV_CONTENT

    os.environ[ENV_CONTENT] = str(tmp_path_factory.mktemp("content"))
