"""Handing memory the process no longer needs back to the operating system before a fork.

Before ``analyze`` forks its store import (``store.background``) two things are returned. A
forked child shares the parent's pages, and what the parent no longer needs would only
count twice while both run.

* The C allocator's free heap (glibc ``malloc_trim``). After a long analysis the process has
  freed much of what it held (the kernel's tables, its event backlog, the baseline's
  transient JSON), but glibc keeps freed heap memory for reuse. Measured on the 10 M packet
  plant capture with detection on: the summed PSS of parent and child went from 596-612 MiB
  to 539-552 MiB.
* The resident code of LLVM (``madvise(MADV_PAGEOUT)`` on llvmlite's library). numba runs
  LLVM while it loads the kernel's cached machine code, which leaves about 66 MiB of the
  library's code resident, and counted in this process alone (a child does not inherit
  the page tables of a shared library). Once the pass has run, nothing calls into LLVM
  again unless another function is loaded, and then the kernel reads the pages back from
  the file. ``MADV_PAGEOUT`` only reclaims: a page the library wrote (its data) stays, or
  goes to swap and comes back. Measured the same way: 539-543 MiB -> 475-478 MiB.

The only use of ``ctypes`` in plantwarden (``tests/test_passive_only.py`` allows it here
alone): two calls into the C library's memory management, nothing else. Elsewhere (musl,
macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache
from typing import Any

MADV_PAGEOUT = 21  # Linux 5.4 (uapi asm-generic/mman-common.h)
LLVM_LIBRARY = "libllvmlite.so"  # llvmlite's LLVM, which numba loads machine code with


@cache
def _libc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    except (OSError, AttributeError):  # not glibc
        return None
    return libc


def trim() -> bool:
    """Return the allocator's free memory to the system; whether it could be asked to."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def page_out_llvm(maps: str = "/proc/self/maps") -> int:
    """Ask the kernel to reclaim the resident pages of LLVM's library; the bytes of the
    mappings it accepted the hint for (0 where it cannot be asked: another system, a kernel
    before 5.4, no llvmlite loaded)."""
    libc = _libc()
    if libc is None:
        return 0
    done = 0
    try:
        with open(maps) as f:
            ranges = [line.split()[0] for line in f if line.rstrip().endswith(LLVM_LIBRARY)]
    except OSError:
        return 0
    for span in ranges:
        lo, hi = (int(x, 16) for x in span.split("-"))
        if libc.madvise(lo, hi - lo, MADV_PAGEOUT) == 0:
            done += hi - lo
    return done


def before_fork() -> None:
    """Both, before ``store.background`` forks."""
    trim()
    page_out_llvm()
