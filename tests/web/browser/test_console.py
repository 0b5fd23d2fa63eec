"""The console in a real browser on a real server: sign in, the site's answer page, filtering
the alert queue, acknowledging alerts with a reason and finding that in the audit page.
Screenshots of each page go to the test's tmp folder."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import pytest

from tests.web.browser.conftest import DAIRY, PASSWORDS, Console

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
Shot = Callable[[str], Path]
SITE = f"/sites/{quote(DAIRY, safe='')}"


def sign_in(page: Page, console: Console, name: str, then: str = "/") -> None:
    page.goto(console.base + then)
    assert "/login" in page.url  # no session yet: sent to sign in, and back after
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def rows(page: Page) -> list[list[str]]:
    cells = page.locator("#queue tbody tr").evaluate_all(
        "trs => trs.map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()))"
    )
    return [list(c) for c in cells]


def test_sign_in_and_the_answer_page(page: Page, console: Console, shot: Shot) -> None:
    sign_in(page, console, "anna")
    assert page.url == console.base + SITE  # the first site anna may view: its answer first
    headline = page.locator(".headline").inner_text()
    assert "Production at risk" in headline and "EUR/h" in headline
    assert page.get_by_role("heading", name="Worst open alerts").is_visible()
    assert page.locator("header .who").inner_text().startswith("Signed in as anna · analyst")
    assert shot("answer").stat().st_size > 10_000


def test_filter_the_alert_queue(page: Page, console: Console, shot: Shot) -> None:
    sign_in(page, console, "anna", SITE + "/alerts")
    everything = rows(page)
    assert len(everything) > 10
    shot("queue")
    page.get_by_label("Severity at least").select_option("critical")  # htmx swaps the table
    page.wait_for_url(re.compile(r"severity=critical"))
    page.wait_for_function("document.querySelectorAll('#queue tbody tr').length > 0")
    critical = rows(page)
    assert critical and len(critical) < len(everything)
    assert {r[1] for r in critical} == {"◆◆ critical"}
    page.get_by_label("Zone").select_option("safety")
    page.wait_for_url(re.compile(r"zone=safety"))
    page.get_by_text("No alert matches these filters.").wait_for()
    shot("queue-filtered")
    api = httpx.get(
        console.base + "/api/v1" + SITE + "/alerts",
        params={"severity": "critical", "state": "new,acknowledged"},
        headers={"Cookie": "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())},
    )
    assert api.status_code == 200 and len(api.json()["items"]) == len(critical)


def test_acknowledge_with_a_reason_and_find_it_in_the_audit(page: Page, console: Console, shot: Shot) -> None:
    sign_in(page, console, "anna", SITE + "/alerts?state=new")
    boxes = page.locator("#queue tbody input[name=ids]")
    chosen = [boxes.nth(i).get_attribute("value") for i in (0, 1)]
    for i in (0, 1):
        boxes.nth(i).check()
    page.get_by_label("Why").fill("vendor maintenance, ticket 4711")
    page.get_by_role("button", name="Acknowledge selected").click()
    page.get_by_text("2 acknowledged").wait_for()
    shot("acknowledged")
    assert all(i not in page.locator("#queue").inner_text() for i in chosen if i)  # state=new: gone
    page.goto(console.base + f"{SITE}/alerts/{chosen[0]}")
    history = page.locator("table").last.inner_text()
    assert "ack" in history and "anna" in history and "vendor maintenance, ticket 4711" in history
    shot("alert")
    page.get_by_role("link", name="Audit").click()
    page.wait_for_url(re.compile(r"/audit$"))
    table = page.locator("table").inner_text()
    for alert_id in chosen:
        line = next(x for x in table.splitlines() if f"alert {alert_id}" in x)
        assert "anna" in line and "alert.ack" in line and "vendor maintenance, ticket 4711" in line
        assert "via=session" in line
    from playwright.sync_api import expect  # the browser tests' own import, as the fixtures do

    # the verdict walks the whole chain and arrives after the page (htmx, hx-trigger="load")
    expect(page.locator(".verdict")).to_contain_text("Chain intact", timeout=60_000)
    shot("audit")
