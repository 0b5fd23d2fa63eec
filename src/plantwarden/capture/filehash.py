"""The SHA-256 of a capture file, computed in a thread from the moment it is asked for.

The store keys captures by the SHA-256 of their file (docs/store.md). Hashing a 1.27 GB
capture takes about 0.9 s of one core; hashlib releases the GIL while it hashes, so started
as soon as the file is named (before the kernel is even loaded), the hash runs on the second
core while the process imports and loads its machine code, instead of competing with the
kernel's walk. The file is mapped read-only on its own descriptor and hashed 4 MiB at a
time, each block released after it is hashed, so memory stays flat; it is hashed up to the
size it had when the hash started.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import stat
import threading
from typing import Any

BLOCK = 4 << 20


class FileHash:
    """SHA-256 of a regular file; :meth:`hexdigest` is None for anything else (stdin, pipes)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._digest: str | None = None
        self._thread: threading.Thread | None = None
        if path != "-":
            self._thread = threading.Thread(target=self._run, name="plantwarden-sha256", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            with open(self.path, "rb", buffering=0) as f:
                info = os.fstat(f.fileno())
                if not stat.S_ISREG(info.st_mode):
                    return
                h = hashlib.sha256()
                if info.st_size:
                    self._mapped(f.fileno(), info.st_size, h)
                self._digest = h.hexdigest()
        except (OSError, ValueError):  # no digest: the analysis reports the file's problem itself
            return

    @staticmethod
    def _mapped(fd: int, size: int, h: Any) -> None:
        """Hash the page cache through a read-only mapping (no copy into a buffer); each block
        hashed leaves this process's resident memory again."""
        with mmap.mmap(fd, size, access=mmap.ACCESS_READ) as mm, memoryview(mm) as view:
            for start in range(0, size, BLOCK):
                h.update(view[start : start + BLOCK])
                if hasattr(mmap, "MADV_DONTNEED"):
                    mm.madvise(mmap.MADV_DONTNEED, start, min(BLOCK, size - start))

    def hexdigest(self) -> str | None:
        """The file's SHA-256 (waits for the hash); None when it is not a regular file or
        cannot be read."""
        if self._thread is not None:
            self._thread.join()
        return self._digest
