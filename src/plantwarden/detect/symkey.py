"""Request symbols (``ops.symbol``) as 64-bit keys: FNV-1a over the symbol's UTF-8 text.

The per-operation state of detection (:mod:`plantwarden.detect.opstate`) is kept in arrays
keyed by integers, so the fast engine's kernel, which builds the same text from the bytes of
a request, and the Python decoders, which build it from an ``Operation``, meet on the same
key. Equal texts give equal keys by construction.
"""

from __future__ import annotations

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK = (1 << 64) - 1


def key(text: str) -> int:
    """FNV-1a (64 bit) of ``text`` encoded as UTF-8."""
    h = FNV_OFFSET
    for b in text.encode():
        h = ((h ^ b) * FNV_PRIME) & MASK
    return h
