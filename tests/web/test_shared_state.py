"""What the serving workers share through the store, on SQLite and PostgreSQL: the login rate
limit counted by several limiters (one per worker, each on its own engine), and capture jobs
any worker reads, failed when the worker running them is gone."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from plantwarden.analyze.job_models import CaptureJob
from plantwarden.analyze.jobs import RESTARTED, STALE_S, Jobs
from plantwarden.store.engine import open_engine
from plantwarden.store.sites import choose_site
from plantwarden.store.types import utc_now
from plantwarden.web.models import LoginFailure
from plantwarden.web.ratelimit import LoginLimiter
from store.conftest import pg_database, store_url
from tests.conftest import DATA

__all__ = ["pg_database", "store_url"]  # SQLite and PostgreSQL (tests/store/conftest.py)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engines(store_url: str) -> Iterator[list[Engine]]:
    choose_site(store_url, "plant-a", create=True, add=True)
    made = [open_engine(store_url) for _ in range(3)]  # three workers' pools
    yield made
    for engine in made:
        engine.dispose()


def failures(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(LoginFailure)) or 0


def test_the_limit_is_counted_across_workers(engines: list[Engine]) -> None:
    clock = Clock()
    workers = [LoginLimiter(engine, clock=clock) for engine in engines]
    keys = ("name:eng", "addr:10.0.0.9")
    for i in range(4):  # four failures spread over two workers: still allowed
        workers[i % 2].failed(*keys)
        clock.now += 10
    assert all(w.blocked(*keys) is None for w in workers)
    workers[1].failed(*keys)  # the fifth, at +40 s
    for worker in workers:  # the third worker never saw a failure, and refuses too
        assert worker.blocked(*keys) == pytest.approx(300 - 40)
        assert worker.blocked("name:other", "addr:10.0.0.9") == pytest.approx(260)  # the address
        assert worker.blocked("name:eng", "addr:10.0.0.7") == pytest.approx(260)  # the name
        assert worker.blocked("name:other", "addr:10.0.0.7") is None
    clock.now += 261  # the first failure has left the window: four remain
    assert workers[2].blocked(*keys) is None
    workers[2].succeeded("name:eng")  # a right password clears the name, not the address
    workers[0].failed("addr:10.0.0.9")
    assert workers[1].blocked("name:eng") is None
    assert workers[1].blocked("addr:10.0.0.9") == pytest.approx(9)  # until the one at +10 s leaves
    clock.now += 400  # every failure is old: the next one sweeps them
    workers[0].failed("name:x")
    assert failures(engines[0]) == 1


def _row(job_id: str, site_id: int, state: str, host: str, pid: int, beat_age_s: float) -> CaptureJob:
    now = utc_now()
    return CaptureJob(
        id=job_id,
        site_id=site_id,
        name=f"{job_id}.pcap",
        size=100,
        owner="eng",
        state=state,
        progress=0.5 if state == "running" else 0.0,
        message="",
        host=host,
        pid=pid,
        created_at=now - timedelta(seconds=beat_age_s + 1),
        updated_at=now - timedelta(seconds=beat_age_s),
    )


def test_a_job_of_a_gone_worker_reads_failed(store_url: str, engines: list[Engine]) -> None:
    site = choose_site(store_url, "plant-a")
    other = choose_site(store_url, "plant-b", create=True, add=True)
    assert site.id is not None and other.id is not None
    ended = subprocess.Popen(["true"])  # a process that has ended (and been reaped): its pid is free
    ended.wait()
    here = socket.gethostname()
    with Session(engines[0]) as session, session.begin():
        session.add_all(
            [
                _row("a" * 16, site.id, "running", here, ended.pid, 1),  # its process ended
                _row("b" * 16, site.id, "queued", "elsewhere", 4242, 1),  # another host, beating
                _row("c" * 16, site.id, "running", "elsewhere", 4242, STALE_S + 5),  # silent
                _row("d" * 16, other.id, "running", here, ended.pid, 1),  # another site's
            ]
        )
    reader = Jobs(store_url, engines[1])  # another worker answers the poll
    try:
        gone = reader.get("a" * 16, site.id)
        assert gone is not None and gone.state == "failed" and gone.message == RESTARTED
        assert gone.finished_at is not None and gone.progress == 0.5
        alive = reader.get("b" * 16, site.id)
        assert alive is not None and alive.state == "queued" and alive.message == ""
        silent = reader.get("c" * 16, site.id)
        assert silent is not None and silent.state == "failed" and silent.message == RESTARTED
        assert reader.get("d" * 16, site.id) is None  # not this site's
        with Session(engines[2]) as session:  # written to the store, not only answered
            assert session.get(CaptureJob, "a" * 16).state == "failed"  # type: ignore[union-attr]
            assert session.get(CaptureJob, "d" * 16).state == "running"  # type: ignore[union-attr]
    finally:
        reader.shutdown()


def test_a_job_runs_in_its_worker_and_any_worker_reads_it(
    store_url: str, engines: list[Engine], tmp_path: Path
) -> None:
    site = choose_site(store_url, "plant-a")
    assert site.id is not None
    folder = tmp_path / "upload"
    folder.mkdir()
    capture = folder / "modbus.pcap"
    capture.write_bytes((DATA / "captures" / "modbus-pymodbus.pcap").read_bytes())
    runner, reader = Jobs(store_url, engines[0]), Jobs(store_url, engines[1])
    try:
        job = runner.submit(capture, site.id, "eng")
        seen: set[str] = set()
        for _ in range(600):
            found = reader.get(job.id, site.id)
            assert found is not None
            seen.add(found.state)
            if found.state in ("done", "failed"):
                break
            time.sleep(0.1)
        assert found.state == "done" and found.capture_id is not None and found.packets, found
        assert not folder.exists()  # the upload's folder is removed
        assert "failed" not in seen
    finally:
        runner.shutdown()
        reader.shutdown()
