"""The reachback on the alert's page in a real browser on a real server (the demo store): an
analyst asks for an alert's evidence frames with a reason, the page says the request waits
for a sensor; once the site's sensor delivered a pcap (through the service its upload route
calls, frames of a real capture) the page links it and the browser downloads exactly it."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session

from plantwarden.capture.source import open_capture
from plantwarden.sensors import frame_requests as service
from plantwarden.sensors.pcapout import write_pcap
from plantwarden.sensors.registry import find_sensor, register_sensor
from plantwarden.store.engine import connected
from plantwarden.store.sites import choose_site
from tests.conftest import ROOT
from tests.web.browser.conftest import DAIRY, Console
from tests.web.browser.test_console import SITE, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]


def test_ask_for_the_frames_then_download_them(
    page: Page, console: Console, shot: Shot, tmp_path: Path
) -> None:
    sign_in(page, console, "anna", SITE + "/alerts")
    page.locator("#queue tbody tr a[href*='/alerts/A']").first.click()
    page.wait_for_url(re.compile(r"/alerts/A[0-9a-f]{12}$"))
    alert_id = page.url.rsplit("/", 1)[1]
    assert page.get_by_role("heading", name="Evidence frames from the plant").is_visible()
    assert "none have been asked for" in page.locator("main").inner_text()
    form = page.locator(f"form[action$='/alerts/{alert_id}/frames']")
    form.get_by_label("Why").fill("what did it send to the filler?")
    form.get_by_role("button", name="Ask the sensor for the frames").click()
    page.wait_for_url(re.compile(r"done="))
    text = page.locator("main").inner_text()
    assert "frames requested from the site's sensors" in text and "waiting for a sensor of the site" in text
    assert page.get_by_role("button", name="Ask the sensor for the frames").count() == 0  # one open
    shot("requested")

    register_sensor(console.url, "dairy-1", choose_site(console.url, DAIRY), None, actor="setup")
    with connected(console.url) as engine, Session(engine) as session:
        sensor = find_sensor(session, "dairy-1")
    assert sensor is not None
    [open_request] = service.open_for_sensor(console.url, sensor)
    with open_capture(str(ROOT / "tests" / "data" / "captures" / "detect-modbus.pcap")) as source:
        frames = list(islice(source.frames(), 3))
    pcap = write_pcap(frames[0].linktype, frames)
    manifest = {"captures": [{"capture": "detect-modbus.pcap", "frames": [1, 2, 3], "evidence": [2]}]}
    service.deliver(console.url, sensor, open_request.id, pcap, manifest)

    page.reload()
    assert "delivered by sensor dairy-1: 3 frames" in page.locator("main").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the frames").click()
    saved = tmp_path / "frames.pcap"
    info.value.save_as(saved)
    assert info.value.suggested_filename == f"{alert_id}-frames.pcap" and saved.read_bytes() == pcap
    shot("delivered")
