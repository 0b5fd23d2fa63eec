"""What the console script leaves to ``os._exit`` instead of freeing object by object.

A 10 M packet analysis ends holding millions of Python objects: its documents, and with
detection the baseline's tables and the alert book. Freeing them when a command's function
returns took 0.2-0.6 s of such a run, for a process that ends right after
(:func:`plantwarden.cli.app.main` leaves with ``os._exit`` once the output is flushed and
the exit handlers ran). A command hands them to :func:`keep`; as the console script they
then live until the process ends, and a paused garbage collector is not resumed for them
(:func:`active`, :mod:`plantwarden.gcpause`). Called as a function (tests, embedding)
nothing is kept and the collector resumes.
"""

from __future__ import annotations

_kept: list[object] = []
_active = False


def leaving_with_exit() -> None:
    """The process ends with ``os._exit`` after this command: :func:`keep` keeps."""
    global _active
    _active = True


def active() -> bool:
    """Whether this process ends with ``os._exit`` once the command is done."""
    return _active


def keep(*objects: object) -> None:
    """Keep ``objects`` alive until the process ends, when it ends with ``os._exit``."""
    if _active:
        _kept.extend(objects)


def kept() -> int:
    """How many objects are being kept (for tests)."""
    return len(_kept)
