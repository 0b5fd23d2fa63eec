"""Sensor fixtures: a sensor's store made by the real commands from real captures, and the
central on a SQLite file or on PostgreSQL (the store tests' own throw-away database)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plantwarden.sensors.registry import register_sensor
from plantwarden.store.sites import choose_site
from store.conftest import pg_database, store_url

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = ROOT / "tests" / "data" / "captures"
SITE = "alpha"
SENSOR = "plant-a"


def cli(
    *args: str, db: Path | str, check: bool = True, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PLANTWARDEN_SITE", None)
    done = subprocess.run(
        [sys.executable, "-m", "plantwarden", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"plantwarden {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done


@pytest.fixture(scope="session")
def sensor_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A sensor's store (site alpha) holding real analyses with alerts and a baseline, all
    queued because the central was unreachable; and the sensor's public key."""
    db = tmp_path_factory.mktemp("sensor") / "sensor.db"
    public_key = cli("sensor", "init", SENSOR, "--site-name", SITE, db=db).stdout.strip()
    cli("baseline", "learn", str(CAPTURES / "modbus-pymodbus.pcap"), db=db)
    captures = [
        str(CAPTURES / name) for name in ("detect-modbus.pcap", "s7comm-snap7.pcap", "opcua-asyncua.pcap")
    ]
    run = cli(
        "sensor",
        "--central",
        "http://127.0.0.1:1",
        "--token",
        "pw_none",
        "--retry-for",
        "0s",
        *captures,
        db=db,
    )
    assert "stay queued" in run.stderr
    alerts = cli("alerts", "--json", db=db).stdout
    first = json.loads(alerts)["alerts"][0]["id"]
    cli("alert", "ack", first, "--by", "ana", "--why", "seen at the plant", db=db)
    return db, public_key


@pytest.fixture
def sensor_db(sensor_template: tuple[Path, str], tmp_path: Path) -> str:
    copy = tmp_path / "sensor.db"
    shutil.copy(sensor_template[0], copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def public_key(sensor_template: tuple[Path, str]) -> str:
    return sensor_template[1]


def make_central(url: str, public_key: str | None, sites: tuple[str, ...] = (SITE, "beta")) -> str:
    """A central store with the sites and sensor plant-a of alpha registered; returns its token."""
    for name in sites:
        choose_site(url, name, create=True, add=True)
    return register_sensor(url, SENSOR, choose_site(url, SITE), public_key, actor="test")


__all__ = ["pg_database", "store_url"]
