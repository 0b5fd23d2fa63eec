"""The ``/fleet`` page in a real browser on a real server: two plants (the dairy demo and the
cheese plant, each with its real captures), a provider's analyst given both and a plant's
viewer given one. The per-site table worst first; the firmware question asked through the
form (htmx swaps the answer in); the known-exploited question; the viewer sees only their plant."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from plantwarden.people import users
from plantwarden.report.run import DemoPaths, run_demo
from plantwarden.store.sites import choose_site
from tests.conftest import ROOT
from tests.fleet import expect
from tests.web.browser.conftest import DAIRY, Console
from tests.web.fleet_world import CHEESE, add_cheese_by_cli
from tests.web.serving import serving

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]
PASSWORDS = {"nora": "provider analyst of two plants 3", "kurt": "viewer of the cheese plant 4"}


@pytest.fixture(scope="module")
def fleet_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fleet-console') / 'fleet.db'}"
    run_demo(DemoPaths(ROOT / "examples" / "dairy"), url)
    add_cheese_by_cli(url)
    for name, roles in (("nora", {DAIRY: "analyst", CHEESE: "analyst"}), ("kurt", {CHEESE: "viewer"})):
        users.add_user(url, name, PASSWORDS[name], is_admin=False, actor="setup")
        for site, role in roles.items():
            users.grant(url, name, choose_site(url, site), role, actor="setup")
    with serving(url, timeout_s=120) as served:
        yield Console(served, url)


def sign_in(page: Page, console: Console, name: str) -> None:
    page.goto(console.base + "/fleet")
    assert "/login" in page.url
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: url.endswith("/fleet"))


def test_the_firmware_question_through_the_form(page: Page, fleet_console: Console, shot: Shot) -> None:
    sign_in(page, fleet_console, "nora")
    rows = page.locator("#fleet-risk tbody tr")
    assert rows.count() == 2
    assert DAIRY in rows.nth(0).inner_text() and CHEESE in rows.nth(1).inner_text()  # worst first
    assert "EUR/h" in rows.nth(0).inner_text()
    shot("fleet")
    page.get_by_label("Firmware").fill("IOS XE 17.9.3")
    page.get_by_label("Vendor (optional)").fill("Rockwell")
    page.get_by_role("button", name="Ask").first.click()
    table = page.locator("#firmware-answer #firmware-table tbody tr")
    table.first.wait_for()
    assert page.url.endswith("/fleet")  # swapped into the page, not a new one
    shown = [table.nth(i).inner_text() for i in range(table.count())]
    wanted: set[str] = set()
    for site in (DAIRY, CHEESE):
        alone, others = expect.firmware_assets(fleet_console.url, site, "IOS XE 17.9.3")
        wanted |= alone | others
        for asset in alone:
            assert any(asset in row and site in row and "yes" in row for row in shown), (asset, shown)
    assert len(shown) == len(wanted)
    assert "covered by vat-switches" in page.locator("#firmware-answer").inner_text()
    shot("firmware")
    page.get_by_role("button", name="Ask").nth(1).click()
    kev = page.locator("#kev-answer #kev-table tbody tr")
    kev.first.wait_for()
    cheese = expect.kev_exposed(fleet_console.url, CHEESE) | expect.kev_exposed(fleet_console.url, DAIRY)
    assert kev.count() == len(cheese)
    assert all(cve in page.locator("#kev-answer").inner_text() for _, _, cve in cheese)
    shot("kev")


def test_a_plant_viewer_sees_only_their_plant(page: Page, fleet_console: Console) -> None:
    sign_in(page, fleet_console, "kurt")
    assert page.locator("#fleet-risk tbody tr").count() == 1
    page.get_by_label("Firmware").fill("V3.3.0")
    page.get_by_role("button", name="Ask").first.click()
    answer = page.locator("#firmware-answer #firmware-table")
    answer.wait_for()
    text = page.locator("main").inner_text()
    assert "plc-ripen" in answer.inner_text() and DAIRY not in text and "plc-recv" not in text
