"""Browser tests: Playwright drives Debian's chromium (``executable_path``; browsers are not
downloaded) against a real ``plantwarden serve`` process on a demo store.

``console`` (once per module): ``run_demo`` into a store of its own, an admin and an analyst
made through the people services, ``plantwarden serve`` on a free port (waited for until it
answers, ended afterwards). ``browser``: chromium, once per module; each test gets a new page
(``page``) and writes its screenshots under its own tmp folder (``shot``).

Without chromium or Playwright the tests are skipped with the reason, or fail when
``PLANTWARDEN_REQUIRE_BROWSER=1`` (as in CI, which installs the ``chromium`` package).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from plantwarden.people import users
from plantwarden.report.run import DemoPaths, run_demo
from plantwarden.store.sites import choose_site
from tests.conftest import ROOT
from tests.web.serving import Served, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("PLANTWARDEN_CHROMIUM", "/usr/bin/chromium")
ENV_REQUIRE = "PLANTWARDEN_REQUIRE_BROWSER"
DAIRY = "Molkerei Talblick (dairy, example)"
PASSWORDS = {"chief": "admin for the browser tests 1", "anna": "analyst on the dairy line 2"}


def _unavailable(message: str) -> None:
    if os.environ.get(ENV_REQUIRE) == "1":
        pytest.fail(f"{ENV_REQUIRE}=1 but {message}")
    pytest.skip(message)


@dataclass(frozen=True)
class Console:
    served: Served
    url: str  # the store's

    @property
    def base(self) -> str:
        return self.served.base


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    url = f"sqlite:///{tmp_path_factory.mktemp('console') / 'demo.db'}"
    run_demo(DemoPaths(ROOT / "examples" / "dairy"), url)
    users.add_user(url, "chief", PASSWORDS["chief"], is_admin=True, actor="setup")
    users.add_user(url, "anna", PASSWORDS["anna"], is_admin=False, actor="setup")
    users.grant(url, "anna", choose_site(url, DAIRY), "analyst", actor="setup")
    with serving(url, timeout_s=120) as served:  # a loaded CI machine starts it slowly
        yield Console(served, url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install playwright)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def shot(page: Page, tmp_path: Path) -> Callable[[str], Path]:
    """``shot("queue")``: a full-page screenshot, ``tmp_path/queue.png``."""

    def take(name: str, **options: Any) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, **options)
        return path

    return take
