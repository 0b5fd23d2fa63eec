"""The numba decorator of every kernel function.

Machine code is cached (``cache=True``, see :func:`plantwarden.fast.layout.numba_cache_dir`)
and compiled without the numba runtime (NRT): then numba does no atomic reference counting
on the array views and arguments of the hot loop, which cost about half the kernel's time.
Without the runtime a kernel function cannot allocate arrays; the caller passes them in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from numba import njit

F = TypeVar("F", bound=Callable[..., Any])


def jit(**options: Any) -> Callable[[F], F]:
    """``njit`` with the kernel's options (``inline``, ``nogil`` may be added)."""
    settings: dict[str, Any] = {"cache": True, "_nrt": False, **options}
    return cast(Callable[[F], F], njit(**settings))
