"""Importing a capture's analysis in a child process while the analysing process goes on.

``plantwarden analyze`` stores each capture's document, builds the inventory and writes the
JSON: Python work that holds the GIL, so threads cannot overlap it. On Linux the import
runs instead in a forked child, which inherits the document as it is (copy-on-write: nothing
is serialised or sent), opens its own connection, and imports in one transaction exactly as
:func:`~plantwarden.store.imports.record_capture` does in process. The parent meanwhile
analyses the next capture or builds the inventory and the JSON, then waits for the child:
its error (the same :class:`~plantwarden.errors.PlantwardenError`, message and exit code)
is raised there. A child that dies without a result (killed) is reported as a store error;
its transaction never committed, so nothing already stored is lost.

Where ``os.fork`` is missing or unsafe (not Linux) the import runs in process.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import orjson

from plantwarden import errors, memtrim
from plantwarden.errors import PlantwardenError, StoreError
from plantwarden.settings import ENV_DEBUG


class Pending:
    """An import started in the background; :meth:`wait` gives the capture's id (or raises
    the import's error, every time it is called)."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid, self._fd = pid, fd
        self._outcome: int | BaseException | None = None

    def wait(self) -> int:
        if self._outcome is None:
            self._outcome = self._collect()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome

    def _collect(self) -> int | BaseException:
        chunks = []
        with os.fdopen(self._fd, "rb") as f:
            while block := f.read(1 << 16):
                chunks.append(block)
        _, status = os.waitpid(self._pid, 0)
        if not chunks:
            return StoreError(
                f"the store import process ended without a result ({_how(status)}); "
                "nothing of this capture was stored"
            )
        answer: dict[str, Any] = orjson.loads(b"".join(chunks))
        return int(answer["id"]) if "id" in answer else _error(answer)


class Done(Pending):
    """An import that already ran in process."""

    def __init__(self, capture_id: int) -> None:
        self._outcome = capture_id


def record_in_background(db_url: str, doc: dict[str, Any], site: int | None = None) -> Pending:
    """Start importing ``doc`` into the site (its id, resolved once by the caller; None: the
    store's only site) (the caller waits with :meth:`Pending.wait`).

    The caller must hold no open store connection and run no other thread at this point (a
    forked child keeps only the calling thread)."""
    from plantwarden.store.imports import record_capture

    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        return Done(record_capture(db_url, doc, site))
    memtrim.before_fork()  # what the parent no longer needs is not counted twice (plantwarden.memtrim)
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return Pending(pid, read)
    os.close(read)  # the child: import, answer on the pipe, leave without the parent's exit handlers
    code = 0
    try:
        answer: dict[str, Any] = {"id": record_capture(db_url, doc, site)}
    except PlantwardenError as exc:
        answer = {"error": type(exc).__name__, "message": exc.message}
    except BaseException as exc:  # a bug, or an interrupt: reported by the parent
        if os.environ.get(ENV_DEBUG):
            traceback.print_exc()
        answer = {"error": "", "message": f"{type(exc).__name__}: {exc}"}
    try:
        body = memoryview(orjson.dumps(answer))
        while body:
            body = body[os.write(write, body) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _error(answer: dict[str, Any]) -> BaseException:
    kind = getattr(errors, answer.get("error") or "", None)
    message = str(answer.get("message", "unknown failure"))
    if isinstance(kind, type) and issubclass(kind, PlantwardenError):
        return kind(message)
    return RuntimeError(f"in the store import process: {message}")


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
