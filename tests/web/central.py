"""A central for the tests of several workers: ``plantwarden serve --workers 2`` as a real
process group on a store, and which worker answered a request (the worker process holding
the server side of the answer's TCP connection, read from /proc)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import httpx

from plantwarden.people import tokens, users
from plantwarden.store.sites import choose_site
from tests.web.serving import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE = "plant-a"
PASSWORD = "correct horse battery staple"
JOBS = f"/api/v1/sites/{quote(SITE)}/captures"
NORMAL = ROOT / "examples" / "dairy" / "captures" / "normal.pcap"


@dataclass
class Central:
    url: str  # the store
    base: str
    process: subprocess.Popen[bytes]
    token: str

    def workers(self) -> list[int]:
        found: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            found += [int(pid) for pid in (task / "children").read_text().split()]
        return found

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {self.token}"}, timeout=60)


def _env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    return {**out, "PYTHONPATH": str(ROOT / "src")}


@contextmanager
def running_central(url: str) -> Iterator[Central]:
    """``serve --workers 2`` on the store ``url`` (empty), with a site and an engineer ``eng``
    (password :data:`PASSWORD`, and an API token)."""
    site = choose_site(url, SITE, create=True, add=True)
    users.add_user(url, "eng", PASSWORD, is_admin=False, actor="test")
    users.grant(url, "eng", site, "engineer", actor="test")
    _, token = tokens.create_token(
        url, "eng", site=None, role=None, expires=timedelta(days=1), name="test", actor="test"
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "plantwarden", "serve", "--workers", "2", "--port", str(port), "--db", url],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own group: the workers are ended with it
    )
    served = Central(url, f"http://127.0.0.1:{port}", process, token)
    try:
        deadline = time.monotonic() + 120
        while len(served.workers()) < 2 or not _answers(served.base):
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        yield served
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _answers(base: str) -> bool:
    try:
        return httpx.get(base + "/api/v1/openapi.json", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _server_socket(client_port: int, server_port: int) -> str:
    """The inode of the server's side of the connection from ``client_port`` (/proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(x.split(":")[1], 16) for x in fields[1:3])
        if local == server_port and remote == client_port:
            return fields[9]
    raise AssertionError(f"no server socket for the client port {client_port}")


def worker_of(central: Central, answer: httpx.Response) -> int:
    """The worker process that answered: it holds the server side of the answer's connection."""
    stream = answer.extensions["network_stream"]
    client_port = stream.get_extra_info("client_addr")[1]
    inode = _server_socket(client_port, int(central.base.rsplit(":", 1)[1]))
    for pid in central.workers():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker holds the connection from port {client_port}")


def one_client_per_worker(central: Central, within_s: float = 90) -> dict[int, httpx.Client]:
    """A kept-alive connection to each of the two workers (a worker just started may take a
    while to accept)."""
    found: dict[int, httpx.Client] = {}
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        client = central.client()
        answer = client.get("/api/v1/me")
        assert answer.status_code == 200, answer.text
        pid = worker_of(central, answer)
        if pid in found:
            client.close()
            time.sleep(0.05)
        else:
            found[pid] = client
        if len(found) == 2:
            return found
    raise AssertionError(f"for {within_s} s every connection reached the same worker {list(found)}")
