"""``GET /api/v1/fleet/alerts``: per site the open alerts by severity, counted as the store
holds them, and only the sites the caller may view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.store.detect_models import DetectAlert
from plantwarden.store.engine import connected
from plantwarden.store.sites import choose_site
from tests.web.conftest import headers
from tests.web.world import DAIRY, LAB, World


def expected(world: World, site: str) -> Counter[str]:
    site_id = choose_site(world.url, site).id
    with connected(world.url) as engine, Session(engine) as session:
        rows = session.scalars(
            select(DetectAlert.severity).where(DetectAlert.site_id == site_id, DetectAlert.state != "closed")
        )
        return Counter(rows)


def test_open_alerts_per_site_for_what_the_caller_may_view(client: TestClient, world: World) -> None:
    dairy = client.get("/api/v1/fleet/alerts", headers=headers(world, "ana")).json()["sites"]
    assert [s["site"] for s in dairy] == [DAIRY]
    want = expected(world, DAIRY)
    assert sum(want.values()) > 0 and dairy[0]["open"] == sum(want.values())
    assert {k: v for k, v in dairy[0]["by_severity"].items() if v} == dict(want)
    lab = client.get("/api/v1/fleet/alerts", headers=headers(world, "lab")).json()["sites"]
    assert [s["site"] for s in lab] == [LAB] and lab[0]["open"] == sum(expected(world, LAB).values())
    assert client.get("/api/v1/fleet/alerts").status_code == 401


def test_the_fleet_command_lists_every_site(world: World, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    env.pop("PLANTWARDEN_SITE", None)
    run = [sys.executable, "-m", "plantwarden", "fleet", "--db", world.url]
    doc = json.loads(
        subprocess.run([*run, "--json"], capture_output=True, text=True, env=env, check=True).stdout
    )
    got = {s["site"]: s for s in doc["sites"]}
    assert set(got) == {DAIRY, LAB}
    for site in (DAIRY, LAB):
        assert {k: v for k, v in got[site]["by_severity"].items() if v} == dict(expected(world, site))
    table = subprocess.run([*run, "--csv"], capture_output=True, text=True, env=env, check=True).stdout
    assert table.splitlines()[0] == "site,open,critical,high,medium,low,info" and DAIRY in table
    missing = subprocess.run(
        [*run[:-1], f"sqlite:///{tmp_path / 'none.db'}"], capture_output=True, text=True, env=env, check=False
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert not (tmp_path / "none.db").exists()  # a reading command creates no store
