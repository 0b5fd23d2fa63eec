"""The batches the kernel thread has walked and the Python side has not applied yet.

A queue bounded by bytes, not by items: the kernel runs as far ahead as the backlog allows
(it never waits on a slow chunk of the Python side while there is room), and memory stays
bounded however long the capture is. One batch always fits, whatever its size.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

MAX_BYTES = 64 << 20


class Backlog:
    def __init__(self, max_bytes: int | None = None) -> None:
        self.items: deque[tuple[Any, int]] = deque()
        self.bytes = 0
        self.max_bytes = MAX_BYTES if max_bytes is None else max_bytes
        self.cond = threading.Condition()
        self.closed = False

    def put(self, item: object, nbytes: int) -> bool:
        """Queue ``item`` (waits for room); False when the consumer has closed the backlog."""
        with self.cond:
            while self.items and self.bytes + nbytes > self.max_bytes and not self.closed:
                self.cond.wait()
            if self.closed:
                return False
            self.items.append((item, nbytes))
            self.bytes += nbytes
            self.cond.notify_all()
            return True

    def get(self) -> Any:
        with self.cond:
            while not self.items:
                self.cond.wait()
            item, nbytes = self.items.popleft()
            self.bytes -= nbytes
            self.cond.notify_all()
            return item

    def close(self) -> None:
        """The consumer stops: a waiting producer returns, later puts are refused."""
        with self.cond:
            self.closed = True
            self.items.clear()
            self.cond.notify_all()
