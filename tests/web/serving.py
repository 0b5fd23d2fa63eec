"""``plantwarden serve`` as a real process on a free port, for the tests that need a server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Served:
    process: subprocess.Popen[str]
    base: str
    started_s: float  # from starting the process to the first answer

    def output(self) -> str:
        self.process.terminate()
        out, _ = self.process.communicate(timeout=20)
        return out


@contextmanager
def serving(db_url: str, *extra: str, scheme: str = "http", timeout_s: float = 30) -> Iterator[Served]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "plantwarden", "serve", "--port", str(port), "--db", db_url, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    base = f"{scheme}://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve ended early: {process.communicate()[0]}")
            try:
                httpx.get(base + "/api/v1/openapi.json", verify=False, timeout=1)
                break
            except httpx.TransportError:
                if time.perf_counter() - started > timeout_s:
                    raise
                time.sleep(0.02)
        yield Served(process, base, time.perf_counter() - started)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
