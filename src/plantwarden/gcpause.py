"""Pausing Python's cyclic garbage collector while a capture is analysed.

The analysis keeps large, long-lived tables (conversations, points, edges, sessions) and
allocates many short-lived objects; every full collection walks all the long-lived ones
again. On the 10 M packet benchmark capture that cost about 1 s of 5. What the analysis
frees, it frees by reference counting (it makes no reference cycles of its own), so the
collector is paused for a bounded run over a file and resumed after; live capture, which
has no end, keeps it running.

Resuming has a price of its own: every object made while paused is still in the youngest
generation, so the first collection after it walks them all (0.3-0.5 s after a 10 M packet
analysis with detection). A process that ends right after the run (the console script,
``plantwarden.cli.leaving``) does not resume.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(resume: bool = True) -> Iterator[None]:
    """The collector off inside the block; on again after it if it was on and ``resume``."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and resume:
            gc.enable()
