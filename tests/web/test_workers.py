"""``plantwarden serve --workers 2`` on PostgreSQL, real processes: what one worker started
another answers. Each request goes over a kept-alive connection whose worker is known (the
worker process holding the server side of that TCP connection, read from /proc), so the
upload lands on one worker and its polls on the other; failed sign-ins alternate between the
two and count together; a worker SIGKILLed mid-analysis leaves its job failed with the reason."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.analyze.job_models import CaptureJob
from plantwarden.analyze.jobs import RESTARTED
from plantwarden.people import audit
from plantwarden.store.engine import connected
from plantwarden.store.models import Capture
from store.conftest import _postgres_url, pg_database
from tests.web.central import (
    JOBS,
    NORMAL,
    PASSWORD,
    Central,
    one_client_per_worker,
    running_central,
    worker_of,
)
from tests.web.shape import assert_error

__all__ = ["pg_database"]  # the session's PostgreSQL database (tests/store/conftest.py)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def central(request: pytest.FixtureRequest) -> Iterator[Central]:
    with running_central(_postgres_url(request)) as served:
        yield served


def job_row(url: str, job_id: str) -> CaptureJob:
    with connected(url) as engine, Session(engine) as session:
        row = session.get(CaptureJob, job_id)
        assert row is not None
        return row


def captures_stored(url: str) -> int:
    with connected(url) as engine, Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Capture)) or 0


def test_an_upload_on_one_worker_is_followed_on_the_other(central: Central) -> None:
    clients = one_client_per_worker(central)
    (taker, upload_via), (other, poll_via) = clients.items()
    files = {"file": ("line 2.pcap", NORMAL.read_bytes())}
    answer = upload_via.post(JOBS, files=files, data={"why": "weekly capture"})
    assert answer.status_code == 202, answer.text
    assert worker_of(central, answer) == taker
    job_id = answer.json()["id"]
    assert job_row(central.url, job_id).pid == taker  # the worker that took the upload analyses it
    states: list[str] = []
    answered_by: set[int] = set()
    polls = 0
    while polls < 50 or states[-1] not in ("done", "failed"):
        via = poll_via if polls % 2 == 0 else upload_via  # mostly the other worker
        polled = via.get(f"{JOBS}/jobs/{job_id}")
        assert polled.status_code == 200, (polls, polled.text)
        answered_by.add(worker_of(central, polled))
        states.append(polled.json()["state"])
        polls += 1
        assert polls < 3000, "the job did not end"
        time.sleep(0.05)
    assert answered_by == {taker, other}
    done = poll_via.get(f"{JOBS}/jobs/{job_id}").json()
    assert done["state"] == "done" and done["progress"] == 1.0 and isinstance(done["capture_id"], int), done
    assert done["packets"] > 1000 and done["by"] == "eng" and done["name"] == "line_2.pcap"
    assert "running" in states or "queued" in states  # its progress was followed, not just its end
    assert captures_stored(central.url) == 1
    entries = [e for e in audit.entries(central.url) if e.action == "capture.upload"]
    assert len(entries) == 1 and entries[0].details["capture_id"] == done["capture_id"]
    for client in clients.values():
        client.close()


def test_failed_sign_ins_count_across_the_workers(central: Central) -> None:
    clients = list(one_client_per_worker(central).values())
    form_page = clients[0].get("/login")
    token = form_page.cookies["pw_login"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', form_page.text)
    assert csrf is not None and token == csrf.group(1)

    def attempt(i: int, password: str) -> httpx.Response:
        form = {"name": "eng", "password": password, "csrf": token}
        return clients[i % 2].post("/login", data=form, headers={"Cookie": f"pw_login={token}"})

    assert [attempt(i, "not the password").status_code for i in range(5)] == [401] * 5
    refused = attempt(5, PASSWORD)  # the right password, after five failures on two workers
    assert "too many failed sign-ins" in assert_error(refused, 429)["message"]
    assert 290 <= int(refused.headers["Retry-After"]) <= 301
    assert attempt(6, PASSWORD).status_code == 429  # on the other worker too
    actions = [e.action for e in audit.entries(central.url) if e.action.startswith("login")]
    assert sorted(actions) == ["login.failed"] * 4 + ["login.limited"]
    for client in clients:
        client.close()


def test_a_worker_killed_during_the_analysis_fails_its_job(central: Central, tmp_path: Path) -> None:
    big = tmp_path / "week.pcap"  # the dairy's real capture, twenty times over: long to analyse
    subprocess.run(["mergecap", "-a", "-w", str(big), *[str(NORMAL)] * 20], check=True, timeout=120)
    clients = one_client_per_worker(central)
    (taker, upload_via), (_, poll_via) = clients.items()
    with big.open("rb") as body:
        answer = upload_via.post(JOBS, files={"file": ("week.pcap", body)}, data={"why": "w"})
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    deadline = time.monotonic() + 60
    while (row := job_row(central.url, job_id)).state != "running":
        assert row.state == "queued" and time.monotonic() < deadline, row.state
        time.sleep(0.02)
    assert row.pid == taker
    os.kill(taker, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while (polled := poll_via.get(f"{JOBS}/jobs/{job_id}")).json()["state"] != "failed":
        assert polled.status_code == 200 and polled.json()["state"] == "running", polled.text
        assert time.monotonic() < deadline, "the job still reads running"
        time.sleep(0.1)
    failed = polled.json()
    assert failed["message"] == RESTARTED and failed["finished_at"] is not None
    assert captures_stored(central.url) == 0
    for client in clients.values():
        client.close()
    deadline = time.monotonic() + 120  # the supervisor starts a new worker; both answer the job
    while taker in central.workers() or len(central.workers()) < 2:
        assert time.monotonic() < deadline, "no worker replaced the killed one"
        time.sleep(0.2)
    for pid, client in one_client_per_worker(central).items():
        again = client.get(f"{JOBS}/jobs/{job_id}")
        assert again.status_code == 200 and again.json()["message"] == RESTARTED, (pid, again.text)
        client.close()
