"""The upload page in a real browser, on ``serve --workers 2`` over PostgreSQL: an engineer
signs in, uploads the dairy's real capture with a reason, and watches the progress page
htmx refreshes until it says done; every refresh is answered 200, whichever worker takes it,
and the capture is in the store."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.store.engine import connected
from plantwarden.store.models import Capture
from store.conftest import _postgres_url, pg_database
from tests.web.central import NORMAL, PASSWORD, SITE, Central, running_central

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

__all__ = ["pg_database"]  # the session's PostgreSQL database (tests/store/conftest.py)
pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]
Shot = Callable[[str], Path]


@pytest.fixture
def central(request: pytest.FixtureRequest) -> Iterator[Central]:
    with running_central(_postgres_url(request)) as served:
        yield served


def test_upload_and_follow_its_progress(page: Page, central: Central, shot: Shot, tmp_path: Path) -> None:
    capture = tmp_path / "line2-week.pcap"  # the real capture, five times over: a few refreshes
    subprocess.run(["mergecap", "-a", "-w", str(capture), *[str(NORMAL)] * 5], check=True, timeout=120)
    polls: list[int] = []

    def seen(response: Response) -> None:
        if "/captures/jobs/" in response.url:
            polls.append(response.status)

    page.on("response", seen)
    captures = f"{central.base}/sites/{quote(SITE, safe='')}/captures"
    page.goto(captures)
    page.get_by_label("Name").fill("eng")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(captures)
    page.locator('input[type="file"]').set_input_files(str(capture))
    page.locator('[name="why"]').fill("the weekly capture of line 2")
    page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click()
    page.wait_for_url(lambda url: "/captures/jobs/" in url)
    assert page.get_by_role("heading", name="Analysing line2-week.pcap").is_visible()
    page.locator("#job .ok").wait_for(timeout=180_000)  # "done", after the refreshes
    shot("done")
    text = page.locator("#job").inner_text()
    assert "100%" in text and "packets stored as capture" in text
    assert len(polls) >= 2 and set(polls) == {200}, polls
    with connected(central.url) as engine, Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Capture)) == 1
