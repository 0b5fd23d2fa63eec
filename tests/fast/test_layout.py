"""The numba cache key covers every module with compiled functions (fast.layout.numba_cache_dir)."""

from __future__ import annotations

from pathlib import Path

from plantwarden.fast import layout

PACKAGE = Path(layout.__file__).resolve().parent.parent


def test_every_module_that_compiles_with_fast_jit_is_in_the_cache_key() -> None:
    users = {
        path.resolve()
        for path in PACKAGE.rglob("*.py")
        if "from plantwarden.fast.jit import" in path.read_text()
    }
    assert Path(PACKAGE / "detect" / "opstate.py").resolve() in users  # a kernel caller outside fast/
    assert users <= {p.resolve() for p in layout.jit_sources()}
    assert all(p.is_file() for p in layout.jit_sources())
