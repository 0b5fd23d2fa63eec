"""Machine-readable output: every JSON document carries a versioned ``schema`` field."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from plantwarden.errors import InputError

SCHEMA_PREFIX = "plantwarden"


def schema_id(kind: str, version: int) -> str:
    """The value of the ``schema`` field, e.g. ``plantwarden.analyze/1``."""
    return f"{SCHEMA_PREFIX}.{kind}/{version}"


def document(kind: str, version: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"schema": schema_id(kind, version), **body}


def dumps(doc: Any) -> str:
    return json.dumps(doc, indent=2, sort_keys=False, default=str, ensure_ascii=False)


def write(doc: Any, target: str | Path) -> None:
    """Write ``doc`` to a path, or to stdout when ``target`` is ``-``."""
    text = dumps(doc) + "\n"
    if str(target) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{target}: cannot write JSON output: {exc.strerror}") from exc
