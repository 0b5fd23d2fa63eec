"""Which engine analyses an input when the user names none.

The fast engine (numba kernel) pays a fixed cost before its first packet: importing numba and
loading the kernel's cached machine code, 0.6-1.0 s on the project's 2-core machines. The
pure-Python engine pays none of it and is faster below about 10,000 packets, so a small
regular file (at most ``SMALL_BYTES``, not gzip'd) runs the pure-Python engine unless the
user asks for an engine (``--engine`` or ``PLANTWARDEN_ENGINE``). Both engines make the same
document (tests/fast/test_equivalence.py) except ``sampling``, which names the engine that ran.
Standard input and large or compressed files keep the fast engine: their size says nothing or
too little before they are read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence

ENV_ENGINE = "PLANTWARDEN_ENGINE"
ENGINES = ("fast", "python")
SMALL_BYTES = 1_500_000  # about 12,000 packets of a typical plant capture (120 bytes each)
GZIP_MAGIC = b"\x1f\x8b"


def choose(paths: Sequence[str], engine: str | None = None) -> str:
    """``engine`` if given, else ``PLANTWARDEN_ENGINE`` if set, else ``python`` when every
    input is a small regular uncompressed file (together at most ``SMALL_BYTES``), else
    ``fast``. Does not validate a named engine (the caller reports an unknown one)."""
    named = engine or os.environ.get(ENV_ENGINE)
    if named:
        return named
    total = 0
    for path in paths:
        size = _plain_size(path)
        if size is None:
            return "fast"
        total += size
    return "python" if paths and total <= SMALL_BYTES else "fast"


def _plain_size(path: str) -> int | None:
    """The size of a regular, uncompressed file; None for anything else (stdin, a pipe, gzip,
    a file that cannot be read: the fast engine's path reports that as it always has)."""
    if path == "-":
        return None
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > SMALL_BYTES:
            return None
        with open(path, "rb") as f:
            return None if f.read(2) == GZIP_MAGIC else info.st_size
    except OSError:
        return None
