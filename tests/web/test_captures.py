"""Uploading a capture: an engineer's file is analysed in the background and stored in the
site (progress followed by its job, the upload audited); others are refused; a file that is
no capture, one past the size limit, and one damaged further on answer in the one error
shape or fail their job with the readers' message; nothing is stored for them."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from plantwarden.web.api import captures
from tests.conftest import DATA
from tests.web.conftest import headers
from tests.web.shape import assert_error
from tests.web.test_alerts_page import sign_in
from tests.web.test_api_core import get, site_url
from tests.web.world import DAIRY, LAB, World

UPLOAD = site_url(LAB, "/captures")
MODBUS = DATA / "captures" / "modbus-pymodbus.pcap"  # not yet in the lab (the world holds detect-modbus)


def send(
    client: TestClient, world: World, user: str, body: bytes, name: str = "x.pcap", why: str = "w"
) -> Any:
    return client.post(UPLOAD, headers=headers(world, user), files={"file": (name, body)}, data={"why": why})


def wait(client: TestClient, world: World, job_id: str, user: str = "lab") -> dict[str, Any]:
    for _ in range(600):
        job: dict[str, Any] = get(client, world, user, site_url(LAB, f"/captures/jobs/{job_id}"))
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end")


def test_an_engineer_uploads_a_capture(client: TestClient, world: World) -> None:
    before = get(client, world, "lab", site_url(LAB))["captures"]
    answer = send(client, world, "lab", MODBUS.read_bytes(), "line2 span.pcap", "weekly capture")
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["state"] in ("queued", "running", "done") and job["name"] == "line2_span.pcap"
    assert job["size"] == MODBUS.stat().st_size and job["by"] == "lab"
    done = wait(client, world, job["id"])
    assert done["state"] == "done" and done["progress"] == 1.0 and isinstance(done["capture_id"], int)
    assert get(client, world, "lab", site_url(LAB))["captures"] == before + 1
    entries = get(client, world, "lab", site_url(LAB, "/audit"), action="capture.upload")["items"]
    assert [(e["actor"], e["target"], e["why"]) for e in entries] == [
        ("lab", "capture line2_span.pcap", "weekly capture")
    ]
    assert entries[0]["details"]["capture_id"] == done["capture_id"]
    # the job is the lab's: on the dairy it does not exist, and the dairy's people do not see the lab
    assert_error(
        client.get(site_url(DAIRY, f"/captures/jobs/{job['id']}"), headers=headers(world, "admin")), 404
    )
    assert_error(client.get(site_url(LAB, f"/captures/jobs/{job['id']}"), headers=headers(world, "eng")), 404)


def test_only_engineers_upload(client: TestClient, world: World) -> None:
    body = MODBUS.read_bytes()
    dairy = site_url(DAIRY, "/captures")
    for user in ("vic", "ana"):
        refused = client.post(
            dairy, headers=headers(world, user), files={"file": ("a.pcap", body)}, data={"why": "w"}
        )
        assert "engineer" in assert_error(refused, 403)["message"]
    assert_error(send(client, world, "ana", body), 404)  # the lab does not exist for ana
    assert_error(client.post(UPLOAD, headers=headers(world, "lab"), data={"why": "w"}), 422)  # no file
    no_why = client.post(UPLOAD, headers=headers(world, "lab"), files={"file": ("a.pcap", body)})
    assert_error(no_why, 422)


def test_refused_files_store_nothing(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = get(client, world, "lab", site_url(LAB))["captures"]
    text = assert_error(send(client, world, "lab", b"hello, not a capture\n" * 10, "notes.txt"), 422)
    assert "notes.txt" in text["message"] and text["details"][0]["loc"] == ["body", "file"]
    assert_error(send(client, world, "lab", b""), 422)
    monkeypatch.setattr(captures, "MAX_BYTES", 1000)
    big = assert_error(send(client, world, "lab", MODBUS.read_bytes(), "big.pcap"), 413)
    assert "big.pcap" in big["message"] and "limit" in big["message"]
    monkeypatch.undo()
    damaged = bytearray(MODBUS.read_bytes())
    damaged[24 + 8 : 24 + 12] = (0x7FFFFFFF).to_bytes(4, "little")  # the first packet's length
    answer = send(client, world, "lab", bytes(damaged), "damaged.pcap")
    assert answer.status_code == 202, answer.text
    failed = wait(client, world, answer.json()["id"])
    assert failed["state"] == "failed" and "damaged.pcap" in failed["message"], failed
    assert "\n" not in failed["message"] and "Traceback" not in failed["message"]
    assert get(client, world, "lab", site_url(LAB))["captures"] == before


def test_damage_after_some_packets_is_named(client: TestClient, world: World) -> None:
    body = bytearray(MODBUS.read_bytes())
    offset = 24  # the pcap header, then records of 16 bytes of header and their captured bytes
    for _ in range(5):
        offset += 16 + int.from_bytes(body[offset + 8 : offset + 12], "little")
    body[offset + 8 : offset + 12] = (0x7FFFFFFF).to_bytes(4, "little")  # the 6th record's length
    answer = send(client, world, "lab", bytes(body), "cut.pcap")
    job = wait(client, world, answer.json()["id"])
    assert job["state"] == "done" and job["packets"] == 5, job
    assert "after frame 5" in job["message"] and "stopped reading" in job["message"]


def test_the_upload_page_and_its_progress(client: TestClient, world: World, tmp_path: Path) -> None:
    sign_in(client, "admin")
    page = f"/sites/{quote(LAB, safe='')}/captures"
    form = client.get(page).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None and 'type="file"' in form
    files = {"file": ("lab.pcap", MODBUS.read_bytes())}
    forged = client.post(page, files=files, data={"csrf": "forged", "why": "w"}, follow_redirects=False)
    assert forged.status_code == 403
    sent = client.post(page, files=files, data={"csrf": csrf.group(1), "why": "lab"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    job_page = sent.headers["location"]
    assert wait(client, world, job_page.rsplit("/", 1)[1], "admin")["state"] == "done"
    shown = client.get(job_page).text
    assert "done" in shown and 'value="100"' in shown and "every 1s" not in shown  # no more polling
    assert client.get(job_page, headers={"HX-Request": "true"}).text.lstrip().startswith('<div id="job"')
