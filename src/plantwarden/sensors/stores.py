"""A store given as a URL (opened, checked and disposed of per call) or as an open engine
(reused: the central's workers and a sensor's push loop keep one engine for their lifetime).

Opening a store by URL checks its schema and, for writes, its write access: a handful of
round trips and fresh connections on PostgreSQL, right for a command that runs once, too much
for each batch of twenty sensors. A caller that holds an engine on a store already checked
(``plantwarden serve`` checks it at start, the push loop at its first call) passes the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from plantwarden.store.engine import WRITE_OPTION, connected, store_errors

Store = str | Engine


@contextmanager
def opened(store: Store, *, writes: bool = False) -> Iterator[Engine]:
    """An engine on ``store``; its transactions are writing ones with ``writes``."""
    if isinstance(store, str):
        with connected(store, writes=writes) as engine:
            yield engine
        return
    with store_errors(store.url):
        yield store.execution_options(**{WRITE_OPTION: writes})


@contextmanager
def kept(store: Store, *, writes: bool = False) -> Iterator[Engine]:
    """One engine for a loop's lifetime: a URL is opened (and checked) once, an engine reused."""
    if isinstance(store, str):
        with connected(store, writes=writes) as engine:
            yield engine
        return
    yield store
