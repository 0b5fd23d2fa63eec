"""The login rate limit: at most :data:`FAILURES` failed sign-ins per :data:`WINDOW_S`, counted
per user name and per client address; beyond it, every attempt (a right password too) is
refused with 429 until enough failures have left the window.

The failures are rows of the store (``login_failures``, revision ``0016``), so every worker of
``serve --workers N`` counts the same attempts and a restart forgets nothing; rows older than
the window are deleted as new failures come. A key is stored as its SHA-256 (a name that is
no user may be a password typed in the wrong field). Two workers checking at the same instant may
each let one attempt through (the count is read, then written): the bound is the limit plus
at most one per worker, never N times the limit. Addresses are the TCP peer's: behind a
reverse proxy every client shares its address (``serve`` does not trust forwarded headers).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from plantwarden.store.engine import WRITE_OPTION
from plantwarden.web.models import LoginFailure

FAILURES = 5
WINDOW_S = 300.0


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class LoginLimiter:
    """Failures per key in a sliding window, kept in the store behind ``engine``."""

    def __init__(
        self,
        engine: Engine,
        failures: int = FAILURES,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.failures = failures
        self.window_s = window_s
        self.clock = clock  # seconds since the epoch: every worker must read the same time

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def _writing(self) -> Session:
        return Session(self.engine.execution_options(**{WRITE_OPTION: True}))

    def blocked(self, *keys: str) -> float | None:
        """Seconds until an attempt is allowed again when any key is over the limit, else None."""
        now = self._now()
        since = now - timedelta(seconds=self.window_s)
        waits: list[float] = []
        with Session(self.engine) as session:
            for key in keys:
                times = list(
                    session.scalars(
                        select(LoginFailure.at)
                        .where(LoginFailure.key_sha256 == digest(key), LoginFailure.at > since)
                        .order_by(LoginFailure.at)
                    )
                )
                if len(times) >= self.failures:  # allowed once all but failures-1 have left
                    waits.append((times[len(times) - self.failures] - since).total_seconds())
        return max(waits) if waits else None

    def failed(self, *keys: str) -> None:
        now = self._now()
        with self._writing() as session, session.begin():
            session.execute(
                delete(LoginFailure).where(LoginFailure.at <= now - timedelta(seconds=self.window_s))
            )
            session.add_all(LoginFailure(key_sha256=digest(key), at=now) for key in keys)

    def succeeded(self, name_key: str) -> None:
        """A right password clears the user name's failures (not the address's)."""
        with self._writing() as session, session.begin():
            session.execute(delete(LoginFailure).where(LoginFailure.key_sha256 == digest(name_key)))
