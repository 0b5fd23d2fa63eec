"""The reachback on the alert's page and in the API: an analyst asks for the evidence frames
with a reason (a viewer may not), the page says where the request stands, and once a sensor
of the site delivered a pcap (through the service the sensor route calls, with frames of a
real capture) the page links the download, which a signed-in analyst follows. Requests
nobody answers expire; an answered request takes no second answer."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from itertools import islice
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from plantwarden.capture.source import open_capture
from plantwarden.errors import InputError
from plantwarden.people.audit import entries
from plantwarden.sensors import frame_requests as service
from plantwarden.sensors.pcapout import check_pcap, write_pcap
from plantwarden.sensors.registry import SensorInfo, find_sensor, register_sensor
from plantwarden.store.engine import connected
from plantwarden.store.sites import choose_site
from tests.web.conftest import headers
from tests.web.signin import sign_in
from tests.web.test_alerts_page import PAGE, listed
from tests.web.test_api_core import site_url
from tests.web.world import DAIRY, World

CAPTURE = "tests/data/captures/detect-modbus.pcap"


def real_pcap(n: int) -> bytes:
    with open_capture(CAPTURE) as source:
        frames = list(islice(source.frames(), n))
    return write_pcap(frames[0].linktype, frames)


def dairy_sensor(world: World) -> SensorInfo:
    register_sensor(world.url, "dairy-sensor", choose_site(world.url, DAIRY), None, actor="test")
    from sqlalchemy.orm import Session

    with connected(world.url) as engine, Session(engine) as session:
        found = find_sensor(session, "dairy-sensor")
    assert found is not None
    return found


def test_ask_on_the_page_then_download_what_the_sensor_delivered(client: TestClient, world: World) -> None:
    first = listed(client.get(PAGE, headers=headers(world, "vic")).text)[0]
    page_url = f"{PAGE}/{first}"
    viewer = client.get(page_url, headers=headers(world, "vic")).text
    assert "none have been asked for" in viewer and "Ask the sensor" not in viewer  # a viewer may not
    csrf = sign_in(client, "ana")
    assert "Ask the sensor for the frames" in client.get(page_url).text
    empty = client.post(f"{page_url}/frames", data={"csrf": csrf, "why": " "}, follow_redirects=False)
    assert empty.status_code == 422
    asked = client.post(f"{page_url}/frames", data={"csrf": csrf, "why": "what did it send?"})
    assert asked.status_code == 200 and "frames requested from the site&#39;s sensors" in asked.text
    assert "waiting for a sensor of the site" in asked.text and "Ask the sensor" not in asked.text
    api = site_url(DAIRY, f"/alerts/{first}/frames")
    state = client.get(api, headers=headers(world, "vic")).json()
    assert state["state"] == "requested" and state["requested_by"] == "ana"
    missing = client.get(api + ".pcap")
    assert missing.status_code == 404 and "no frames delivered" in missing.json()["error"]["message"]

    sensor = dairy_sensor(world)
    pcap = real_pcap(4)
    manifest = {"captures": [{"capture": "detect-modbus.pcap", "frames": [1, 2, 3, 4], "evidence": [2]}]}
    with pytest.raises(InputError, match="lists 1 frames, the pcap holds 4"):
        service.deliver(world.url, sensor, state["id"], pcap, {"captures": [{"capture": "x", "frames": [1]}]})
    service.deliver(world.url, sensor, state["id"], pcap, manifest)
    with pytest.raises(service.RequestClosed, match="delivered already"):
        service.fail(world.url, sensor, state["id"], "too late")
    shown = client.get(page_url).text
    assert "delivered by sensor dairy-sensor: 4 frames" in shown and hashlib.sha256(pcap).hexdigest() in shown
    link = f"/api/v1/sites/{quote(DAIRY, safe='')}/alerts/{first}/frames.pcap"
    assert link in shown
    got = client.get(link)  # the signed-in browser follows the link
    assert got.status_code == 200 and got.content == pcap and check_pcap(got.content, "got").frames == 4
    assert "attachment" in got.headers["content-disposition"]
    assert client.get(link, headers=headers(world, "vic")).status_code == 403
    downloads = [e for e in entries(world.url) if e.action == "alert.frames.download"]
    assert [(e.actor, e.details["via"], e.details["frames"]) for e in downloads] == [("ana", "session", 4)]


def test_a_request_nobody_answers_expires(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = listed(client.get(PAGE, headers=headers(world, "vic")).text)[0]
    api = site_url(DAIRY, f"/alerts/{first}/frames")
    monkeypatch.setattr(service, "LIFETIME", timedelta(seconds=-1))
    asked = client.post(api, json={"why": "one day"}, headers=headers(world, "ana"))
    assert asked.status_code == 200 and asked.json()["created"] is True
    state = client.get(api, headers=headers(world, "ana")).json()
    assert state["state"] == "expired" and "no sensor of the site answered" in state["text"]
    assert service.open_for_sensor(world.url, dairy_sensor(world)) == []
    again = client.post(api, json={"why": "once more"}, headers=headers(world, "ana")).json()
    assert again["created"] is True and again["id"] != state["id"]  # a new request after it expired
    requests = [e for e in entries(world.url) if e.action == "alert.frames.request"]
    assert [e.why for e in requests] == ["one day", "once more"]
