"""The vulnerability pages in a real browser on a real server (the demo store: its shipped
bundle matches the Stratix 5800 switch, on the KEV list, and the CompactLogix pair): the list
worst first with each item's why and production at risk, one item's evidence, the roll-up,
the asset page's section. Screenshots go to the test's tmp folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web.browser.conftest import Console
from tests.web.browser.test_console import SITE, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]


def test_the_list_then_an_items_evidence(page: Page, console: Console, shot: Shot) -> None:
    sign_in(page, console, "anna", SITE + "/vulns")
    assert page.get_by_role("heading", name="Vulnerabilities, most urgent first").is_visible()
    rows = page.locator("#vulns tbody tr")
    assert rows.count() == 4
    first = rows.first.inner_text()
    assert "sw-ctrl-01" in first and "known exploited" in first and "30,000 EUR/h" in first
    assert "stops filling" in first
    assert shot("vulns").stat().st_size > 10_000
    page.get_by_label("known exploited only").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(lambda url: "kev=true" in url)
    assert page.locator("#vulns tbody tr").count() == 2
    rows.first.get_by_role("link", name="CVE-2023-").click()
    page.wait_for_url(lambda url: "/vulns/sw-ctrl-01/CVE-" in url)
    assert page.get_by_role("heading", name="Evidence").is_visible()
    fields = page.locator("#provenance-table tbody").inner_text()
    assert "Stratix 5800" in fields and "declared (site model)" in fields
    assert "SSVCv2/E:A/" in page.locator("main").inner_text()
    assert shot("evidence").stat().st_size > 10_000


def test_the_rollup_and_the_asset_section(page: Page, console: Console, shot: Shot) -> None:
    sign_in(page, console, "anna", SITE + "/vulns/rollup")
    lines = page.locator("table[aria-describedby='by-line'] tbody").inner_text()
    assert "filling" in lines and "14,000 EUR" in lines
    shot("rollup")
    page.goto(console.base + SITE + "/assets/plc-fill-a")
    section = page.locator("#vulnerabilities + div table").inner_text()
    assert "CVE-2024-6207" in section
    shot("asset")
