"""Sizes typed by people (``500MiB``, ``2GiB``, ``1GB``, ``800M``, bytes), parsed once."""

from __future__ import annotations

import re

from plantwarden.errors import UsageError

SIZE = re.compile(r"^(\d+)\s*(|b|k|kb|m|mb|g|gb|kib|mib|gib)$")
UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}


def parse_size(text: str, *, option: str = "size") -> int:
    """``500MiB``, ``2GiB``, ``1GB``, ``800M``, or bytes (``KB``/``MB``/``GB`` are powers of 1000)."""
    found = SIZE.match(text.strip().lower())
    if found is None or int(found.group(1)) == 0:
        what = "invalid size" if option == "size" else option
        raise UsageError(f"{what} {text!r}: e.g. 500MiB, 2GiB, 1GB")
    unit = found.group(2)
    return int(found.group(1)) * UNITS[unit if unit in UNITS else unit[0]]


def mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB"
