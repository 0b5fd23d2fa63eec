"""The fast path of ``plantwarden analyze``: a numba kernel for the common case, the Python
engine for everything else (see docs/performance.md)."""

from __future__ import annotations

import os

from plantwarden.fast.layout import numba_cache_dir

os.environ.setdefault("NUMBA_CACHE_DIR", numba_cache_dir())
