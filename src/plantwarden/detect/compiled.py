"""Detection's tables of a stored baseline, kept between runs in a per-user cache.

Reading a stored baseline into detection's tables (``Known.from_doc``, then the sequence and
polling state, :class:`~plantwarden.detect.opstate.OpState`) parses its JSON and builds every
set, record and array again: for the 10 M packet plant's baseline (13 MB of JSON, 4,375
channels, 30,205 codes, 70,312 polling periods) about 0.55 s of each detection run, while a
sensor runs detection again and again against the same baseline. The tables are the same for
the same document, so they are built once and kept, keyed by the SHA-256 of the stored
document and of the sources that build them; a later run reads them back in about 0.07 s.

The cache lives beside numba's machine code (``~/.cache/plantwarden/baselines``, or
``$PLANTWARDEN_BASELINE_CACHE``; ``off`` turns it off). Its files are pickles, which run code
when read, so like numba's cache they are trusted only where this user alone can write:
the folder is made private (0700) and a file is read only when this user owns it and nobody
else may write it or its folder; anything else is ignored and built anew. Nothing in the
store is pickled: the store may be shared between sites (PostgreSQL), this cache never is.
A file that cannot be read back (damaged, or made by another version) is built anew too.
The cache keeps the :data:`KEEP` tables used last (a read marks a file used): each new
baseline version, and each release that changes the builders, makes a new file, and a
sensor must not fill its disk with tables nobody reads again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from plantwarden.detect.known import Known
from plantwarden.detect.opstate import OpState

ENV_CACHE = "PLANTWARDEN_BASELINE_CACHE"
FORMAT = 1
KEEP = 8  # tables kept: the sites of one sensor, and the versions being compared
_OURS = re.compile(r"[0-9a-f]{64}\.pickle")  # what _write names (the folder may be shared)
_DIED = re.compile(r"\.tables-.+\.tmp")
# the modules whose code decides what the tables hold: a change to any of them is a new key
_BUILDERS = ("compiled.py", "known.py", "opstate.py", "symkey.py", "convkey.py", "ops.py", "baseline.py")


class Tables(NamedTuple):
    """A baseline as detection reads it: the lookup tables and the fresh per-run state."""

    known: Known
    state: OpState


def cache_dir() -> Path | None:
    """Where the tables are kept, or None when the cache is off."""
    value = os.environ.get(ENV_CACHE)
    if value is not None and value.strip().lower() in ("off", "0", "no", ""):
        return None
    return Path(value) if value else Path.home() / ".cache" / "plantwarden" / "baselines"


def build(doc_text: str | bytes, source: str) -> Tables:
    """The tables of a stored baseline document (its JSON text), without the cache."""
    from plantwarden import jsonout

    try:
        doc = jsonout.loads(doc_text)
    except ValueError as exc:
        from plantwarden.errors import InputError

        raise InputError(f"{source}: not a baseline document (not JSON: {exc})") from None
    known = Known.from_doc(doc, source)
    state = OpState(known)
    known.periods = {}  # OpState holds what the rules read of them (as Detector.set_baseline)
    return Tables(known, state)


def tables(doc_text: str | bytes, source: str) -> Tables:
    """The tables of a stored baseline document: from the cache when they were built before,
    else built (and kept for the next run)."""
    folder = cache_dir()
    if folder is None:
        return build(doc_text, source)
    path = folder / f"{key(doc_text)}.pickle"
    found = _read(path)
    if found is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to go (_prune)
        return found
    made = build(doc_text, source)
    _write(folder, path, made)
    _prune(folder)
    return made


def key(doc_text: str | bytes) -> str:
    """The cache key: the document, the builders' sources, Python's and numpy's versions."""
    h = hashlib.sha256()
    h.update(f"plantwarden baseline tables {FORMAT} {sys.version_info[:2]} {np.__version__}\0".encode())
    here = Path(__file__).resolve().parent
    for name in _BUILDERS:
        h.update(name.encode() + b"\0" + (here / name).read_bytes())
    h.update(doc_text.encode() if isinstance(doc_text, str) else doc_text)
    return h.hexdigest()


def _private(st: os.stat_result) -> bool:
    """Owned by this user, and nobody else may write it."""
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> Tables | None:
    try:
        if not _private(os.stat(path.parent)):
            return None
        with open(path, "rb") as f:
            if not _private(os.fstat(f.fileno())):
                return None
            found = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # damaged, or written by other code: built anew (and overwritten)
        return None
    return found if isinstance(found, Tables) else None


def _write(folder: Path, path: Path, made: Tables) -> None:
    """Keep ``made`` at ``path`` (written whole, then renamed: a reader never sees half a
    file). A cache that cannot be written is no error: the next run builds the tables again."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(os.stat(folder)):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tables-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(made, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        return


def _prune(folder: Path) -> None:
    """Remove all but the :data:`KEEP` tables used last (and temporary files of writes that
    died, once an hour old)."""
    try:
        if not _private(os.stat(folder)):
            return
        kept, gone = [], []
        for entry in os.scandir(folder):
            st = entry.stat(follow_symlinks=False)
            if _OURS.fullmatch(entry.name) and stat.S_ISREG(st.st_mode):  # none but our own
                kept.append((st.st_mtime, entry.path))
            elif _DIED.fullmatch(entry.name) and st.st_mtime < time.time() - 3600:
                gone.append(entry.path)
        kept.sort(reverse=True)
        for name in gone + [name for _, name in kept[KEEP:]]:
            with contextlib.suppress(OSError):
                os.unlink(name)
    except OSError:
        return
