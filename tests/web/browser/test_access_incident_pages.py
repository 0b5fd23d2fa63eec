"""Access grants and incidents in a real browser on a real server (issues 24 and 25 in the
console): an approver approves a requested grant and finds it in the audit page; the PLC-stop
alert of the demo becomes an incident whose least disruptive containment option is decided
after the safety gate. Screenshots go to the test's tmp folder."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from plantwarden.access import service
from plantwarden.access.validate import GrantRequest
from plantwarden.continuity.source import stored_model
from plantwarden.detect.store_alerts import list_alerts
from plantwarden.people import users
from plantwarden.report.run import DemoPaths, run_demo
from plantwarden.store.sites import choose_site
from tests.conftest import ROOT
from tests.web.browser.conftest import DAIRY, Console
from tests.web.serving import serving

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]
SITE = f"/sites/{quote(DAIRY, safe='')}"
#: logins of people of the dairy's RACI: the plant manager (approves access to the filler)
#: and the EHS officer (decides the safety gate), both with plantwarden's approver role
PASSWORDS = {"anna.keller": "plant manager of the dairy 7", "markus.braun": "ehs officer of the dairy 8"}


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    url = f"sqlite:///{tmp_path_factory.mktemp('access-console') / 'demo.db'}"
    run_demo(DemoPaths(ROOT / "examples" / "dairy"), url)
    site = choose_site(url, DAIRY)
    for name, password in PASSWORDS.items():
        users.add_user(url, name, password, is_admin=False, actor="setup")
        users.grant(url, name, site, "approver", actor="setup")
    model = stored_model(url, site.id)
    assert model is not None and site.id is not None
    now = datetime.now(UTC)
    req = GrantRequest(
        "Piet Jansen", "Systemintegrator Nord GmbH", ("plc-fill-a",), None, ("s7comm",), "view",
        now, now + timedelta(hours=4), "filler diagnostics", "T-815",
    )  # fmt: skip
    service.request(url, site.id, model, req, "Jonas Weber")
    with serving(url, timeout_s=120) as served:
        yield Console(served, url)


def sign_in(page: Page, plant: Console, name: str, then: str) -> None:
    page.goto(plant.base + then)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_an_approver_approves_a_requested_grant(page: Page, plant: Console, shot: Shot) -> None:
    sign_in(page, plant, "anna.keller", SITE + "/access")
    row = page.locator('#grant-table tr[data-grant="G1"]')
    assert "? requested, waiting for an approver" in row.inner_text()
    assert "expired: its window has ended" in page.locator('tr[data-grant="siemens-ews-sunday"]').inner_text()
    shot("grants")
    row.get_by_role("link", name="G1").click()
    page.wait_for_url(re.compile(r"/access/grants/G1$"))
    page.locator("form.act", has=page.get_by_role("button", name="approve")).get_by_label("Why").fill(
        "ticket T-815 checked"
    )
    page.get_by_role("button", name="approve").click()
    page.get_by_text("approve: active").wait_for()
    assert "active: its window is open now" in page.locator("#grant-state").inner_text()
    history = page.locator("#history-table").inner_text()
    assert "Jonas Weber" in history and "anna.keller" in history and "ticket T-815 checked" in history
    shot("grant-approved")
    page.get_by_role("link", name="Audit").click()
    page.wait_for_url(re.compile(r"/audit$"))
    line = next(
        x for x in page.locator("table").inner_text().splitlines() if "grant G1" in x and "approve" in x
    )
    assert "anna.keller" in line and "access.approve" in line and "ticket T-815 checked" in line
    shot("audit")


def test_plc_stop_to_incident_and_least_disruptive_containment(
    page: Page, plant: Console, shot: Shot
) -> None:
    site = choose_site(plant.url, DAIRY)
    [stop] = [a for a in list_alerts(plant.url, site=site.id) if a.rule == "mode-change"]
    sign_in(page, plant, "markus.braun", f"{SITE}/alerts/{stop.id}")
    page.get_by_role("link", name="Open an incident from this alert").click()
    assert page.get_by_label("Alerts (ids, commas)").input_value() == stop.id
    page.locator("#open-form").get_by_label("Why").fill("plc-proc went to STOP")
    page.get_by_role("button", name="Open incident").click()
    page.get_by_text("opened INC-1").wait_for()
    assert "Safety gate: decide first" in page.locator("#safety-gate").inner_text()
    evidence = page.locator("#evidence-table").inner_text()
    assert re.search(r"[0-9a-f]{64}", evidence)
    shot("incident-opened")

    def decide(option: str, why: str) -> None:
        form = page.locator(f'tr[data-option="{option}"] form.decide')
        form.get_by_label("Why").fill(why)
        form.get_by_role("button", name="Decide").click()

    decide("safety.clear", "the SIS is not involved")
    page.get_by_text("decided safety.clear").wait_for()
    ladder = page.locator("#step-containment tbody tr")
    first = ladder.first
    assert first.get_attribute("data-option") == "containment.block-source"
    assert "0 EUR/h" in first.inner_text() and "nothing" in first.inner_text()
    assert "MARKED stops-line" in page.locator('tr[data-option="containment.isolate-target"]').inner_text()
    decide("containment.block-source", "least disruptive first")
    page.get_by_text("decided containment.block-source (contained)").wait_for()
    assert "contained" in page.locator("#incident-state").inner_text()
    decisions = page.locator("#decision-table").inner_text()
    assert "containment.block-source" in decisions and "markus.braun" in decisions
    shot("incident-contained")
    page.get_by_role("link", name="Printable page for the control room").click()
    page.get_by_text("containment.block-source").first.wait_for()
    shot("incident-print")
