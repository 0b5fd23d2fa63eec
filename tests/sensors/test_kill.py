"""The sensor's push loop killed with SIGKILL mid-push (a real child process), restarted, killed
again: the central on PostgreSQL ends with exactly the sensor's rows, none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.sensors.models import ReceivedBatch, Sensor
from plantwarden.sensors.outbox import depth
from plantwarden.store.engine import connected
from plantwarden.store.imports import record_capture
from plantwarden.store.sites import choose_site
from sensors.conftest import ROOT, SITE, make_central
from sensors.content import site_content
from store.conftest import _postgres_url
from store.helpers import capture_doc

PUSHER = """
import sys
from plantwarden.sensors.ingest import apply_batch
from plantwarden.sensors.push import push
sensor, central = sys.argv[1], sys.argv[2]
push(sensor, lambda batch: apply_batch(central, "plant-a", batch).as_dict(), max_items=2)
"""


def acknowledged(central: str) -> int:
    with connected(central) as engine, Session(engine) as session:
        return session.scalars(select(Sensor.last_seq)).one()


def start(sensor: str, central: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen([sys.executable, "-c", PUSHER, sensor, central], env=env, stderr=subprocess.PIPE)


@pytest.mark.postgres
@pytest.mark.slow
def test_sigkilled_pushes_leave_exactly_the_sensors_rows(
    request: pytest.FixtureRequest, sensor_db: str, public_key: str
) -> None:
    central = _postgres_url(request)
    make_central(central, public_key)
    site = choose_site(sensor_db, SITE).id
    for i in range(150):  # more analyses at the plant, queued as the real ones are
        record_capture(sensor_db, capture_doc(f"line-{i}.pcap", packets=100 + i), site)
    total = depth(sensor_db).newest_seq
    assert total is not None and total > 150
    kills = []
    for target in (total // 5, total // 2, 4 * total // 5):
        child = start(sensor_db, central)
        deadline = time.monotonic() + 120
        while acknowledged(central) < target and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        child.send_signal(signal.SIGKILL)
        child.wait()
        kills.append(acknowledged(central))
    assert kills == sorted(kills) and kills[-1] < total  # each kill was mid-push
    child = start(sensor_db, central)
    assert child.wait(timeout=300) == 0, child.stderr.read().decode() if child.stderr else ""
    assert depth(sensor_db).items == 0 and acknowledged(central) == total
    mine, theirs = site_content(sensor_db, SITE), site_content(central, SITE)
    assert len(theirs["captures"]) == 153 and mine == theirs
    with connected(central) as engine, Session(engine) as session:
        applied = session.scalar(select(func.sum(ReceivedBatch.items)))
    assert applied == total  # every item applied exactly once
