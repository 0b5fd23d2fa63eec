"""Reliability with real processes: ``plantwarden serve --workers 2`` on PostgreSQL and two
sensors (their own processes, the real httpx transport) pushing two sites' real captures; the
central is SIGKILLed and restarted three times during the push, a sensor once. At the end the
central holds exactly what each sensor's store holds (captures, conversations, hosts,
anomalies, alerts and their events), nothing twice, nothing on the wrong site.

Each sensor analysed its plant's real captures with ``plantwarden sensor`` (as ``analyze
--detect``, central unreachable, so everything stayed queued): plant-a the project's captures
of real stacks (pymodbus, python-snap7, asyncua, c104, cpppo, bacpypes3...; tests/data), plant-b
the public ICS captures (Modbus, S7comm, EtherNet/IP, DNP3, BACnet, OPC UA, IEC 104;
/work/shared/captures). Each file is cut into ring-buffer files of 60 frames by ``editcap -c``
(what a sensor capturing with ``dumpcap -b`` writes), so that the push lasts long enough to
be killed three times: about ninety real analyses per sensor.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.models import Sensor
from plantwarden.sensors.outbox import depth
from plantwarden.sensors.registry import register_sensor
from plantwarden.store.engine import connected
from plantwarden.store.sites import choose_site
from sensors.conftest import CAPTURES, ROOT
from sensors.content import site_content
from store.conftest import _postgres_url
from tests.conftest import shared_captures
from web.serving import free_port

PUSHER = """
import sys
from plantwarden.sensors.push import Backoff, push
from plantwarden.sensors.transport import HttpTransport
db, central, name, token = sys.argv[1:5]
report = push(db, HttpTransport(central, name, token, timeout_s=10), max_items=3, backoff=Backoff(0.05, 0.5))
print(report.batches, report.retries)
"""
SITES = {"plant-a": "alpha", "plant-b": "beta"}
OUR_CAPTURES = (  # real stacks and real scans, with detections
    "detect-modbus", "detect-ops", "detect-zones", "segmentation-scan", "s7comm-snap7", "opcua-asyncua",
    "iec104-c104", "enip-pipelined-cpppo", "bacnet-bacpypes3", "it-daemons", "modbus-pymodbus",
)  # fmt: skip


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    return {**out, "PYTHONPATH": str(ROOT / "src")}


def start_central(db: str, port: int) -> subprocess.Popen[bytes]:
    """serve with two workers, in a process group of its own (SIGKILL takes the workers too)."""
    args = ["serve", "--workers", "2", "--port", str(port), "--db", db]
    process = subprocess.Popen(
        [sys.executable, "-m", "plantwarden", *args],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.05)
    kill(process)
    raise AssertionError("serve did not answer within 120 s")


def kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def acknowledged(central: str) -> dict[str, int]:
    with connected(central) as engine, Session(engine) as session:
        return {name: seq for name, seq in session.execute(select(Sensor.name, Sensor.last_seq))}


def ring_files(sources: list[Path], folder: Path) -> list[str]:
    """The real captures cut into files of 60 frames (``editcap -c 60``), as a ring buffer writes."""
    folder.mkdir()
    for source in sources:
        stem = source.name.split(".")[0]
        subprocess.run(["editcap", "-c", "60", str(source), str(folder / f"{stem}.pcap")], check=True)
    return sorted(str(p) for p in folder.iterdir())


def analysed_at_the_plant(db: Path, name: str, site: str, captures: list[str]) -> subprocess.Popen[str]:
    """``plantwarden sensor`` on the plant's captures, the central unreachable: all stays queued."""
    subprocess.run(
        [sys.executable, "-m", "plantwarden", "sensor", "init", name, "--site-name", site, "--db", str(db)],
        env=env(),
        check=True,
        capture_output=True,
    )
    run = ["sensor", "--central", "http://127.0.0.1:1", "--token", "pw_none", "--retry-for", "0s"]
    return subprocess.Popen(
        [sys.executable, "-m", "plantwarden", *run, *captures, "--db", str(db)],
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def plants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The two sensors' stores, their outboxes full of their plant's real analyses."""
    if shutil.which("editcap") is None:
        pytest.skip("editcap (tshark's tools) is not installed")
    folder = tmp_path_factory.mktemp("plants")
    ours = [CAPTURES / f"{n}.pcap" for n in OUR_CAPTURES]
    public = shared_captures()
    assert len(public) >= 10, "the shared captures are missing (../shared/captures)"
    runs = {}
    for (name, site), sources in zip(SITES.items(), (ours, public), strict=True):
        files = ring_files(sources, folder / name)
        runs[name] = analysed_at_the_plant(folder / f"{name}.db", name, site, files)
    for name, run in runs.items():
        _, stderr = run.communicate(timeout=600)
        assert run.returncode == 0 and "stay queued" in stderr, f"{name}: {stderr}"
    return {name: f"sqlite:///{folder / (name + '.db')}" for name in SITES}


@pytest.mark.postgres
@pytest.mark.slow
def test_central_and_sensor_sigkilled_during_the_push(
    request: pytest.FixtureRequest, plants: dict[str, str], tmp_path: Path
) -> None:
    central = _postgres_url(request)
    stores: dict[str, str] = {}
    tokens: dict[str, str] = {}
    total = 0
    for name, site in SITES.items():
        stores[name] = f"sqlite:///{tmp_path / (name + '.db')}"
        shutil.copy(plants[name].removeprefix("sqlite:///"), stores[name].removeprefix("sqlite:///"))
        key = load_identity(stores[name]).public_key
        choose_site(central, site, create=True, add=True)
        tokens[name] = register_sensor(central, name, choose_site(central, site), key, actor="test")
        newest = depth(stores[name]).newest_seq
        assert newest is not None and newest > 60
        total += newest
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_central(central, port)
    pushers = {
        n: subprocess.Popen([sys.executable, "-c", PUSHER, stores[n], base, n, tokens[n]], env=env())
        for n in SITES
    }
    sensor_killed = False
    underway: list[bool] = []  # at each kill, the push was not over
    try:
        for share in (0.15, 0.4, 0.65):  # the central killed three times, mid-push
            while sum(acknowledged(central).values()) < share * total and server.poll() is None:
                time.sleep(0.02)
            underway.append(sum(acknowledged(central).values()) < total)
            kill(server)
            if not sensor_killed:  # and sensor a once, while the central is down
                pushers["plant-a"].send_signal(signal.SIGKILL)
                pushers["plant-a"].wait()
                sensor_killed = True
                pushers["plant-a"] = subprocess.Popen(
                    [sys.executable, "-c", PUSHER, stores["plant-a"], base, "plant-a", tokens["plant-a"]],
                    env=env(),
                )
            time.sleep(0.5)
            server = start_central(central, port)
        for n, pusher in pushers.items():
            assert pusher.wait(timeout=120) == 0, n
    finally:
        if server.poll() is None:
            kill(server)
        for pusher in pushers.values():
            if pusher.poll() is None:
                pusher.kill()
                pusher.wait()
    assert sum(acknowledged(central).values()) == total and underway == [True, True, True]
    for name, site in SITES.items():
        assert depth(stores[name]).items == 0
        at_plant, at_central = site_content(stores[name], site), site_content(central, site)
        assert at_central == at_plant, name
        for kind in ("captures", "conversations", "hosts", "capture_hosts", "alerts"):
            assert at_plant[kind], kind  # the comparison is over real rows
        assert len(at_plant["captures"]) > 60 and len(at_plant["conversations"]) > 100, name
