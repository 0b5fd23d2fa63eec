"""The alert queue page with a browser's session: worst first like the API, filters (the
htmx answer is the table alone), bulk acknowledge with a reason (CSRF-checked, audited as
``session``), one alert's page with its history and the actions its state allows."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.web.conftest import headers
from tests.web.test_api_core import get, site_url
from tests.web.world import DAIRY, PASSWORD, World

PAGE = f"/sites/{quote(DAIRY, safe='')}/alerts"
ROW_ID = re.compile(r'/alerts/(A[0-9a-f]{12})"')


def sign_in(client: TestClient, name: str) -> str:
    """Sign in with the login form; the session's CSRF token (from a page)."""
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/login", data={"name": name, "password": PASSWORD, "csrf": token.group(1)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    page = client.get(PAGE).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    return csrf.group(1)


def listed(html: str) -> list[str]:
    return list(dict.fromkeys(ROW_ID.findall(html)))


def test_the_page_lists_open_alerts_worst_first(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    page = client.get(PAGE)
    assert page.status_code == 200 and "<html" in page.text
    api = get(client, world, "ana", site_url(DAIRY, "/alerts"), state="new,acknowledged", limit=50)
    assert listed(page.text) == [a["id"] for a in api["items"]]
    assert 'name="ids"' in page.text and "Acknowledge selected" in page.text
    assert "◆◆ critical" in page.text  # severity said with a symbol and a word, not colour alone
    assert 'rel="next"' not in page.text or api["next"]


def test_filters_and_the_htmx_table(client: TestClient, world: World) -> None:
    sign_in(client, "vic")
    critical = client.get(PAGE, params={"severity": "critical", "zone": "control"})
    api = get(client, world, "vic", site_url(DAIRY, "/alerts"), severity="critical", zone="control",
              state="new,acknowledged")  # fmt: skip
    assert listed(critical.text) == [a["id"] for a in api["items"]] and api["items"]
    assert 'name="ids"' not in critical.text  # a viewer has nothing to select
    partial = client.get(PAGE, params={"severity": "critical"}, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="queue">') and "<html" not in partial.text
    bad = client.get(PAGE, params={"state": "opn", "since": "soon"})
    assert bad.status_code == 422
    assert "opn" in bad.text and "since" in bad.text and "not understood" in bad.text


def test_bulk_acknowledge_with_a_reason(client: TestClient, world: World) -> None:
    csrf = sign_in(client, "ana")
    chosen = listed(client.get(PAGE).text)[:3]
    form = {"csrf": csrf, "ids": chosen, "why": "on it: vendor called"}
    refused = client.post(PAGE + "/ack", data={**form, "csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    done = client.post(PAGE + "/ack", data=form, follow_redirects=False, headers={"Referer": PAGE})
    assert done.status_code == 303 and "done=3+acknowledged" in done.headers["location"]
    assert "3 acknowledged" in client.get(done.headers["location"]).text
    states = {
        a["id"]: a["state"] for a in get(client, world, "ana", site_url(DAIRY, "/alerts"), limit=500)["items"]
    }
    assert [states[i] for i in chosen] == ["acknowledged"] * 3
    audit = get(client, world, "ana", site_url(DAIRY, "/audit"), action="alert.ack")["items"]
    assert {e["target"] for e in audit} == {f"alert {i}" for i in chosen}
    assert {(e["actor"], e["why"], e["details"]["via"]) for e in audit} == {
        ("ana", "on it: vendor called", "session")
    }


def test_one_alert_its_actions_and_history(client: TestClient, world: World) -> None:
    csrf = sign_in(client, "ana")
    first = listed(client.get(PAGE).text)[0]
    page = client.get(f"{PAGE}/{first}").text
    assert "Nobody has acted" in page
    assert [m for m in re.findall(r"/alerts/A[0-9a-f]{12}/(\w+)\"", page) if m != "frames"] == [
        "ack",
        "close",
        "learn",
        "mute",
        "unmute",
    ]
    closed = client.post(
        f"{PAGE}/{first}/close", data={"csrf": csrf, "why": "false alarm"}, follow_redirects=False
    )
    assert closed.status_code == 303
    page = client.get(closed.headers["location"]).text
    assert "close: closed" in page and "false alarm" in page and "<td>ana</td>" in page
    found = re.findall(r"/alerts/A[0-9a-f]{12}/(\w+)\"", page)
    assert [m for m in found if m != "frames"] == ["reopen", "unmute"]  # frames: test_frames_page
    again = client.post(f"{PAGE}/{first}/close", data={"csrf": csrf, "why": "twice"})
    assert again.status_code == 409 and "already closed" in again.text


def test_a_viewer_may_not_acknowledge(client: TestClient, world: World) -> None:
    csrf = sign_in(client, "vic")
    first = listed(client.get(PAGE).text)[0]
    denied = client.post(PAGE + "/ack", data={"csrf": csrf, "ids": [first], "why": "x"})
    assert denied.status_code == 403
    assert get(client, world, "vic", site_url(DAIRY, f"/alerts/{first}"))["state"] == "new"
    assert client.get(f"{PAGE}/{first}", headers=headers(world, "vic")).status_code == 200
