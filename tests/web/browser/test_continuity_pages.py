"""The what-if and the asset pages in a real browser: Debian's chromium driven by Playwright
(``executable_path``: no browser is downloaded) against ``plantwarden serve`` on a copy of
the demo store. Sign in, pick the two label printers (htmx fetches the result as each box is
ticked), see packaging stop after its buffers; click an asset on the map and read the
provenance of its fields. Screenshots of each page go under the test's temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.web.serving import serving
from tests.web.world import DAIRY, PASSWORD, World

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("PLANTWARDEN_CHROMIUM", "/usr/bin/chromium")
SITE = "/sites/" + quote(DAIRY, safe="")

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium at {CHROMIUM} (apt install chromium)", allow_module_level=True)


@dataclass
class H3Server:
    base: str
    shots: Path


@pytest.fixture
def h3_server(world: World, tmp_path: Path) -> Iterator[H3Server]:
    """``plantwarden serve`` on this test's copy of the two-site store."""
    with serving(world.url) as served:
        shots = tmp_path / "screenshots"
        shots.mkdir()
        yield H3Server(served.base, shots)


@pytest.fixture
def browser_page(h3_server: H3Server) -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


def sign_in(page: object, server: H3Server, name: str, target: str) -> None:
    page.goto(f"{server.base}/login?next={quote(target, safe='')}")  # type: ignore[attr-defined]
    page.fill("#name", name)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{server.base}{target}")  # type: ignore[attr-defined]


def test_what_if_on_the_two_label_printers(h3_server: H3Server, browser_page: object) -> None:
    page = browser_page
    sign_in(page, h3_server, "vic", SITE + "/what-if")
    result = page.locator("#result")  # type: ignore[attr-defined]
    assert "Pick one or more" in result.inner_text()
    page.check("input[name=fail][value=lblprt-1]")  # type: ignore[attr-defined]
    page.wait_for_selector("#result >> text=No line stops")  # type: ignore[attr-defined]
    page.check("input[name=fail][value=lblprt-2]")  # type: ignore[attr-defined]
    page.wait_for_selector("#result >> text=packaging")  # type: ignore[attr-defined]
    text = result.inner_text()
    assert "1 line stops: 6,500 EUR/h" in text
    assert "after a 30 min buffer" in text and "stopped at 35 min" in text
    assert page.url.endswith("/what-if")  # type: ignore[attr-defined]  # htmx replaced the result only
    page.fill("#outage", "4h")  # type: ignore[attr-defined]
    page.click("text=Show the impact")  # type: ignore[attr-defined]
    page.wait_for_selector("#result >> text=over 240 min")  # type: ignore[attr-defined]
    assert "22,208 EUR over 240 min" in result.inner_text()
    bar = page.locator("svg.timeline rect.stopped")  # type: ignore[attr-defined]
    assert bar.count() == 1 and float(bar.get_attribute("width")) > 0
    page.screenshot(path=str(h3_server.shots / "what-if.png"), full_page=True)  # type: ignore[attr-defined]


def test_open_an_assets_provenance_from_the_map(h3_server: H3Server, browser_page: object) -> None:
    page = browser_page
    sign_in(page, h3_server, "vic", SITE + "/map")
    page.screenshot(path=str(h3_server.shots / "map.png"), full_page=True)  # type: ignore[attr-defined]
    page.click(f"svg.map a[href='{SITE}/assets/plc-proc']")  # type: ignore[attr-defined]
    page.wait_for_url(f"{h3_server.base}{SITE}/assets/plc-proc")  # type: ignore[attr-defined]
    fields = page.locator("#fields")  # type: ignore[attr-defined]
    row = fields.locator("tr", has_text="firmware")
    assert "V3.3.0" in row.inner_text() and "s7comm" in row.inner_text() and "frame" in row.inner_text()
    assert "differs" in page.inner_text("dl.facts")  # type: ignore[attr-defined]
    page.screenshot(path=str(h3_server.shots / "asset.png"), full_page=True)  # type: ignore[attr-defined]
    page.goto(f"{h3_server.base}{SITE}/assets?status=differs")  # type: ignore[attr-defined]
    assert "firmware: declared V4.4, observed V3.3.0" in page.inner_text("#assets")  # type: ignore[attr-defined]
    page.screenshot(path=str(h3_server.shots / "assets.png"), full_page=True)  # type: ignore[attr-defined]


PAGES = [
    "assets",
    "assets/plc-proc",
    "map",
    "what-if?fail=sw-ctrl-01",
    "spof",
    "segmentation",
    "raci",
    "lifecycle",
]


def test_every_page_fits_a_laptop_and_a_tablet_without_errors(
    h3_server: H3Server, browser_page: object
) -> None:
    page = browser_page
    problems: list[str] = []
    page.on(  # type: ignore[attr-defined]
        "console", lambda m: problems.append(m.text) if m.type == "error" and "404" not in m.text else None
    )
    page.on(  # type: ignore[attr-defined]
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None
        ),
    )
    sign_in(page, h3_server, "vic", SITE + "/spof")
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 1000})  # type: ignore[attr-defined]
        for rest in PAGES:
            page.goto(f"{h3_server.base}{SITE}/{rest}")  # type: ignore[attr-defined]
            assert page.locator("main h1").count() == 1, rest  # type: ignore[attr-defined]
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")  # type: ignore[attr-defined]
            assert wide <= 0, f"{rest} at {width} px is {wide} px too wide"
            name = rest.replace("/", "_").replace("?", "_").replace("=", "-")
            page.screenshot(path=str(h3_server.shots / f"{name}-{width}.png"), full_page=True)  # type: ignore[attr-defined]
    assert problems == []
