"""Reachback with real processes: ``plantwarden serve`` (on SQLite and on PostgreSQL) and a
sensor that analysed a real capture (``plantwarden sensor``, its own store). A person asks
for an alert's evidence frames at the central; the sensor's push loop (``sensor push
--follow``, a process of its own) picks the request up, reads the frames from the capture
file at the plant and uploads them; the downloaded pcap holds exactly the frames tshark
reads at those numbers in the original capture (bytes and times). A sensor of another site
neither sees nor answers the request; uploads that are no pcap or too large are refused in
the one error shape; a capture changed or removed at the plant -> failed with the reason."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from plantwarden.people.audit import entries
from plantwarden.people.tokens import create_token
from plantwarden.people.users import add_user, grant
from plantwarden.sensors.registry import register_sensor
from plantwarden.store.sites import choose_site
from sensors.conftest import CAPTURES, ROOT, SENSOR, SITE, cli, make_central
from web.serving import serving

WHY = "look at the scan's first packets"


@pytest.fixture(scope="module")
def plant_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A sensor's store that analysed (as ``plantwarden sensor`` does, central unreachable) a
    real capture kept in a folder of the plant's own; its public key."""
    folder = tmp_path_factory.mktemp("plant")
    capture = folder / "detect-modbus.pcap"
    shutil.copy(CAPTURES / "detect-modbus.pcap", capture)
    db = folder / "sensor.db"
    public_key = cli("sensor", "init", SENSOR, "--site-name", SITE, db=db).stdout.strip()
    cli("baseline", "learn", str(CAPTURES / "modbus-pymodbus.pcap"), db=db)
    run = cli("sensor", "--central", "http://127.0.0.1:1", "--token", "pw_none", "--retry-for", "0s",
              str(capture), db=db)  # fmt: skip
    assert "stay queued" in run.stderr
    return db, capture, public_key


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    return {**out, "PYTHONPATH": str(ROOT / "src")}


def tshark_frames(path: Path, numbers: list[int] | None = None) -> list[tuple[str, str]]:
    """(epoch time, raw bytes in hex) of the frames tshark reads (those numbers, in order)."""
    args = ["tshark", "-r", str(path), "-T", "json", "-x"]
    if numbers is not None:
        args += ["-Y", "frame.number in {" + ",".join(map(str, numbers)) + "}"]
    done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=120)
    found = []
    for packet in json.loads(done.stdout):
        layers = packet["_source"]["layers"]
        found.append((layers["frame"]["frame.time_epoch"], layers["frame_raw"][0]))
    return found


def wait_for(check: Any, timeout_s: float = 180) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    return None


def pick_alert(db: Path) -> str:
    """The alert with the most evidence frames in the capture."""
    alerts = json.loads(cli("alerts", "--json", db=db).stdout)["alerts"]
    alerts = [a for a in alerts if a["evidence"] and a["evidence"][0]["capture"] == "detect-modbus.pcap"]
    best = max(alerts, key=lambda a: len(a["evidence"][0]["frames"]))
    return str(best["id"])


def test_the_central_gets_an_alerts_frames_from_the_plant(
    store_url: str, plant_dir: tuple[Path, Path, str], tmp_path: Path
) -> None:
    template, capture, public_key = plant_dir
    sensor_db = tmp_path / "sensor.db"
    shutil.copy(template, sensor_db)
    original = capture.read_bytes()
    central = store_url
    token = make_central(central, public_key)
    token_b = register_sensor(central, "plant-b", choose_site(central, "beta"), None, actor="test")
    add_user(central, "ana", "a long enough password", is_admin=False, actor="test")
    grant(central, "ana", choose_site(central, SITE), "analyst", actor="test")
    add_user(central, "vic", "a long enough password", is_admin=False, actor="test")
    grant(central, "vic", choose_site(central, SITE), "viewer", actor="test")
    ana = create_token(
        central, "ana", site=None, role=None, expires=timedelta(days=1), name="t", actor="test"
    )[1]
    vic = create_token(
        central, "vic", site=None, role=None, expires=timedelta(days=1), name="t", actor="test"
    )[1]
    alert_id = pick_alert(sensor_db)
    try:
        with serving(central) as served:
            base, api = served.base, f"{served.base}/api/v1/sites/{SITE}/alerts/{alert_id}/frames"
            push = ["sensor", "push", "--central", base, "--token", token, "--retry-for", "30s"]
            cli(*push, db=sensor_db)  # the analysis and its alerts reach the central
            as_ana, as_vic = {"Authorization": f"Bearer {ana}"}, {"Authorization": f"Bearer {vic}"}
            refused = httpx.post(api, json={"why": WHY}, headers=as_vic)  # a viewer may not ask
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
            asked = httpx.post(api, json={"why": WHY}, headers=as_ana).json()
            assert asked["state"] == "requested" and asked["created"] is True
            again = httpx.post(api, json={"why": WHY}, headers=as_ana).json()
            assert again["id"] == asked["id"] and again["created"] is False  # one open request
            _other_site_and_bad_uploads(base, token, token_b, asked["id"])
            assert httpx.get(api, headers=as_vic).json()["state"] == "requested"  # nothing changed

            follow = subprocess.Popen(
                [sys.executable, "-m", "plantwarden", *push, "--follow", "--db", str(sensor_db)],
                env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
            try:
                done = wait_for(
                    lambda: (d := httpx.get(api, headers=as_vic).json())["state"] != "requested" and d
                )
            finally:
                follow.terminate()
                log = follow.communicate(timeout=30)[0]
            assert done and done["state"] == "delivered", (done, log)
            assert f"frame request {asked['id']} (alert {alert_id}): delivered" in log
            assert done["sensor"] == SENSOR and done["reason"] is None

            vic_download = httpx.get(api + ".pcap", headers=as_vic)
            assert vic_download.status_code == 403  # the packets: analysts and up
            download = httpx.get(api + ".pcap", headers=as_ana)
            assert download.status_code == 200
            assert download.headers["content-type"] == "application/vnd.tcpdump.pcap"
            pcap = download.content
            assert (
                hashlib.sha256(pcap).hexdigest()
                == done["pcap_sha256"]
                == download.headers["x-content-sha256"]
            )
            (tmp_path / "got.pcap").write_bytes(pcap)
            [entry] = done["manifest"]["captures"]
            assert entry["capture"] == "detect-modbus.pcap" and entry["evidence"]
            assert set(entry["evidence"]) <= set(entry["frames"]) and len(entry["frames"]) == done["frames"]
            got = tshark_frames(tmp_path / "got.pcap")
            assert got == tshark_frames(capture, entry["frames"])  # the same bytes at the same times
            assert len(got) == done["frames"] >= 1

            out = tmp_path / "cli.pcap"  # the command at the central writes the same file
            cli(
                "alert", "frames", alert_id, "--site-name", SITE, "--out", str(out), "--by", "ana", db=central
            )
            assert out.read_bytes() == pcap

            # the capture changed at the plant, then removed: failed, with the reason
            capture.write_bytes(original + b"\0")
            _ask_again_and_push(central, alert_id, push, sensor_db, "SHA-256 differs")
            capture.unlink()
            reason = _ask_again_and_push(central, alert_id, push, sensor_db, "no such file")
            assert reason.startswith("capture detect-modbus.pcap no longer at the plant")
            page = httpx.get(api, headers=as_vic).json()
            assert page["state"] == "failed" and "no longer at the plant" in page["text"]
    finally:
        capture.write_bytes(original)
    actions = [(e.actor, e.action) for e in entries(central) if "frames" in e.action]
    assert ("ana", "alert.frames.request") in actions and ("ana", "alert.frames.download") in actions
    assert (f"sensor:{SENSOR}", "sensor.frames.delivered") in actions
    assert actions.count((f"sensor:{SENSOR}", "sensor.frames.failed")) == 2


def _other_site_and_bad_uploads(base: str, token: str, token_b: str, request_id: int) -> None:
    """Site beta's sensor sees and answers nothing of alpha; bad uploads change nothing."""
    sensors = f"{base}/api/v1/sensors"
    as_b = {"Authorization": f"Bearer {token_b}"}
    seen = httpx.get(f"{sensors}/plant-b/requests", headers=as_b)
    assert seen.status_code == 200 and seen.json() == {"requests": []}
    for path in (f"plant-b/requests/{request_id}/failed", f"plant-b/requests/{request_id}/frames"):
        answer = httpx.post(f"{sensors}/{path}", json={"reason": "not mine"}, headers=as_b)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found", answer.text
    stolen = httpx.get(f"{sensors}/{SENSOR}/requests", headers=as_b)  # another sensor's name
    assert stolen.status_code == 401 and stolen.json()["error"]["code"] == "unauthenticated"
    own = {"Authorization": f"Bearer {token}"}
    assert [r["id"] for r in httpx.get(f"{sensors}/{SENSOR}/requests", headers=own).json()["requests"]] == [
        request_id
    ]
    url = f"{sensors}/{SENSOR}/requests/{request_id}/frames"
    manifest = json.dumps({"captures": [{"capture": "x.pcap", "frames": [1]}]})
    not_pcap = httpx.post(
        url, headers=own, files={"manifest": (None, manifest), "pcap": ("x.pcap", b"GET / HTTP")}
    )
    error = not_pcap.json()["error"]
    assert not_pcap.status_code == 422 and error["code"] == "invalid"
    assert "not a pcap file" in error["message"] and set(error) == {"status", "code", "message", "details"}
    big = httpx.post(
        url, headers=own, files={"manifest": (None, manifest), "pcap": ("x.pcap", b"\0" * (17 << 20))}
    )
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
    wrong = httpx.post(url, headers=own, content=b"\xd4\xc3\xb2\xa1", params={})
    assert wrong.status_code == 415 and wrong.json()["error"]["code"] == "unsupported_media_type"


def _ask_again_and_push(central: str, alert_id: str, push: list[str], sensor_db: Path, expect: str) -> str:
    asked = cli("alert", "frames", alert_id, "--site-name", SITE, "--why", "once more", "--json", db=central)
    assert json.loads(asked.stdout)["state"] == "requested"
    said = cli(*push, db=sensor_db).stdout
    assert "failed" in said and expect in said, said
    shown = json.loads(cli("alert", "frames", alert_id, "--site-name", SITE, "--json", db=central).stdout)
    assert shown["state"] == "failed" and expect in shown["reason"], shown
    return str(shown["reason"])


def test_the_frames_are_bounded_and_a_cut_is_said(
    plant_dir: tuple[Path, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plantwarden.detect.model import Alert, Evidence, Severity
    from plantwarden.sensors import evidence_frames
    from plantwarden.sensors.identity import load_identity
    from plantwarden.sensors.pcapout import check_pcap

    template, _, _ = plant_dir
    db = tmp_path / "sensor.db"
    shutil.copy(template, db)
    url = f"sqlite:///{db}"
    alert_id = pick_alert(db)
    site_id = load_identity(url).site_id
    whole = evidence_frames.collect(url, site_id, alert_id)
    assert whole is not None and whole.manifest["cut"] is None and whole.frames >= 2
    room = len(whole.pcap) - 1  # one byte short: the last frame does not fit
    monkeypatch.setattr(evidence_frames, "MAX_BYTES", room)
    cut = evidence_frames.collect(url, site_id, alert_id)
    assert cut is not None and cut.frames == whole.frames - 1 and len(cut.pcap) <= room
    assert cut.manifest["cut"] == f"cut at {room:,} bytes (the limit)"
    assert check_pcap(cut.pcap, "cut").frames == cut.frames == len(cut.manifest["captures"][0]["frames"])
    assert evidence_frames.collect(url, site_id, "A000000000000") is None  # not this sensor's alert
    many = Alert(
        id="A1", rule="r", title="t", severity=Severity.LOW, techniques=[], src="a", dst="b", assets=[],
        first_ts=0.0, last_ts=0.0, count=1, response="",
        evidence=[Evidence(f"c{i}.pcap", list(range(1, 201)), list(range(300, 400)), 100) for i in range(4)],
    )  # fmt: skip
    plan = evidence_frames.wanted(many)  # 4 captures x 300 frames: the first 1,000 in evidence order
    assert [len(n) for _, n in plan] == [300, 300, 300, 100] and plan[3][1] == list(range(1, 101))
