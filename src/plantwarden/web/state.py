"""What the application holds for its lifetime: the store and how cookies are set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from plantwarden.store.engine import WRITE_OPTION
from plantwarden.web.ratelimit import LoginLimiter


@dataclass
class WebState:
    """The store's URL and one engine on it (a pool shared by every request), and whether the
    application is served over TLS (cookies are then ``Secure``)."""

    db_url: str
    engine: Engine
    tls: bool = False
    max_batch_bytes: int = 64 << 20  # the sensors' ingest route (serve --max-batch)
    session_idle: timedelta = timedelta(hours=8)
    session_max: timedelta = timedelta(hours=24)
    limiter: LoginLimiter = field(default_factory=LoginLimiter)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (no transaction is left open)."""
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A writing transaction, committed at the end (``BEGIN IMMEDIATE`` on SQLite)."""
        engine = self.engine.execution_options(**{WRITE_OPTION: True})
        with Session(engine) as session, session.begin():
            yield session
