"""The compliance page of the demo store in a real browser: the weakest areas first, statuses
in words and symbols, then a statement attached through the form (CSRF from the session)
and shown beside plantwarden's own status. Screenshot in the test's tmp folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from tests.web.browser.conftest import DAIRY, Console
from tests.web.browser.test_console import sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
SITE = f"/sites/{quote(DAIRY, safe='')}"


def test_the_compliance_page_of_the_demo_plant(
    page: Page, console: Console, shot: Callable[[str], Path]
) -> None:
    sign_in(page, console, "chief", SITE + "/compliance")
    assert page.get_by_role("heading", name="Weakest areas").is_visible()
    weakest = page.locator("#weakest + ol li").all_inner_texts()
    assert len(weakest) == 3 and all("score" in w for w in weakest)
    first_group = page.locator("section.cgroup h2").first.inner_text()
    assert first_group.split(" (")[0] in weakest[0]  # the weakest area is the first group shown
    assert page.get_by_text("\u2717 not satisfied").first.is_visible()
    assert page.locator(".evidence li", has_text="source access").count() > 0
    page.get_by_role("link", name="nist-csf-2.0").click()
    page.wait_for_url(lambda url: "framework=nist-csf-2.0" in url)
    assert page.locator("section.cgroup").count() == 6  # GV ID PR DE RS RC
    page.get_by_label("Requirement").select_option("nist-csf-2.0:PR.AA-01")
    page.get_by_label("Statement").fill("badge readers at every door, checked weekly")
    page.get_by_role("button", name="Attest").click()
    page.wait_for_url(lambda url: "done=" in url)
    assert "attested: nist-csf-2.0:PR.AA-01" in page.locator(".notice").inner_text()
    row = page.locator("tr", has_text="PR.AA-01")
    assert "chief" in row.inner_text() and "badge readers" in row.inner_text()
    assert shot("compliance").stat().st_size > 20_000
