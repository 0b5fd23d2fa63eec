"""Analysis documents of the shared and generated captures, analysed once per session."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from plantwarden.analyze.pipeline import analyze_capture
from tests.conftest import DATA, shared_captures

GENERATED = DATA / "captures"


@cache
def doc_of(path: Path) -> dict[str, Any]:
    return analyze_capture(path).doc


def shared_docs() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, doc_of(p)) for p in shared_captures()]


def generated(name: str) -> dict[str, Any]:
    return doc_of(GENERATED / name)
