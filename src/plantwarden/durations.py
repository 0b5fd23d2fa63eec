"""Durations typed by people (``90s``, ``10m``, ``1h30m``, ``2d``, ``45min``), parsed once."""

from __future__ import annotations

import re

from plantwarden.errors import UsageError

_PART = re.compile(r"(\d+(?:\.\d+)?)(min|d|h|m|s)?", re.IGNORECASE)
_SECONDS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "min": 60.0, "s": 1.0}


def parse_seconds(text: str, *, bare: str = "s", option: str = "duration") -> float:
    """Seconds in ``text``; a bare number counts in the unit ``bare``."""
    cleaned = text.strip().replace(" ", "")
    parts = list(_PART.finditer(cleaned))
    if not cleaned or "".join(p.group(0) for p in parts) != cleaned:
        raise UsageError(f"{option} {text!r} is not a duration (expected e.g. 90s, 10m, 1h30m, 2d)")
    if len(parts) > 1 and any(p.group(2) is None for p in parts):
        raise UsageError(f"{option} {text!r}: give a unit for every number (expected e.g. 1h30m)")
    return sum(float(p.group(1)) * _SECONDS[(p.group(2) or bare).lower()] for p in parts)
