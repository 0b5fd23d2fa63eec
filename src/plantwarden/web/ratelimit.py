"""The login rate limit: at most :data:`FAILURES` failed sign-ins per :data:`WINDOW`, counted
per user name and per client address; beyond it, every attempt (a right password too) is
refused with 429 until the oldest failure leaves the window.

Kept in the serving process's memory (several ``--workers`` each count on their own, so
the limit is per worker; a restart forgets it). Addresses are the TCP peer's: behind a
reverse proxy every client shares its address (``serve`` does not trust forwarded headers).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

FAILURES = 5
WINDOW_S = 300.0
MAX_KEYS = 100_000  # an attacker cycling names cannot grow the table without bound


class LoginLimiter:
    """Failures per key in a sliding window (thread-safe: sign-ins run in worker threads)."""

    def __init__(
        self,
        failures: int = FAILURES,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures = failures
        self.window_s = window_s
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._seen.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._seen[key]
        return times

    def blocked(self, *keys: str) -> float | None:
        """Seconds until an attempt is allowed again when any key is over the limit, else None."""
        now = self.clock()
        with self._lock:
            waits = [
                times[0] + self.window_s - now
                for key in keys
                if len(times := self._recent(key, now)) >= self.failures
            ]
        return max(waits) if waits else None

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._seen) >= MAX_KEYS:
                for old in list(self._seen):
                    self._recent(old, now)
            for key in keys:
                self._recent(key, now)
                if key in self._seen or len(self._seen) < MAX_KEYS:
                    self._seen.setdefault(key, deque()).append(now)

    def succeeded(self, name_key: str) -> None:
        """A right password clears the user name's failures (not the address's)."""
        with self._lock:
            self._seen.pop(name_key, None)
