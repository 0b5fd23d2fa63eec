"""The access and incident pages under TestClient: who sees which form, forms post with the
session's CSRF token (refused without), the request form stores a grant, approve from the
grant page, an incident opened from the form, an empty override refused, the printable page."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.web.shape import assert_error
from tests.web.test_api_core import get, site_url
from tests.web.world import DAIRY, PASSWORD, World

SITE = f"/sites/{quote(DAIRY, safe='')}"


def sign_in(client: TestClient, name: str, page: str) -> tuple[str, str]:
    """Sign in with the login form; the page's HTML and the session's CSRF token."""
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/login", data={"name": name, "password": PASSWORD, "csrf": token.group(1)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    html = client.get(page).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', html) or re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert csrf is not None
    return html, csrf.group(1)


REQUEST = {
    "grantee": "Piet Jansen",
    "company": "Systemintegrator Nord GmbH",
    "assets": "plc-fill-a, plc-fill-b",
    "protocols": "s7comm",
    "operations": "engineering",
    "hours": "4",
    "reason": "firmware check",
}


def test_request_form_and_approval_on_the_pages(client: TestClient, world: World) -> None:
    html, csrf = sign_in(client, "eng", SITE + "/access")
    assert (
        'id="request-form"' in html
        and "siemens-ews-sunday" in html
        and "expired: its window has ended" in html
    )
    refused = client.post(SITE + "/access/grants", data=REQUEST, follow_redirects=False)
    assert_error(refused, 403)  # no CSRF token
    done = client.post(SITE + "/access/grants", data={**REQUEST, "csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("/access/grants/G1?done=requested")
    stored = get(client, world, "vic", site_url(DAIRY, "/access/grants/G1"))["grant"]
    assert stored["assets"] == ["plc-fill-a", "plc-fill-b"] and stored["operations"] == "engineering"
    page = client.get(SITE + "/access/grants/G1").text
    assert "requested, waiting for an approver" in page and "/approve" not in page  # eng may not approve
    bad = client.post(SITE + "/access/grants", data={**REQUEST, "hours": "-1", "csrf": csrf})
    assert bad.status_code == 422 and "hours" in bad.text
    client.post("/logout", data={"csrf": csrf})
    html, csrf = sign_in(client, "anna.keller", SITE + "/access/grants/G1")
    assert "/access/grants/G1/approve" in html and "/access/grants/G1/deny" in html
    approved = client.post(SITE + "/access/grants/G1/approve", data={"why": "T-1", "csrf": csrf})
    assert approved.status_code == 200 and "active: its window is open now" in approved.text


def test_viewer_sees_no_forms_and_may_not_post(client: TestClient, world: World) -> None:
    html, csrf = sign_in(client, "vic", SITE + "/access")
    assert 'id="request-form"' not in html
    assert_error(client.post(SITE + "/access/grants", data={**REQUEST, "csrf": csrf}), 403)
    assert 'id="open-form"' not in client.get(SITE + "/incidents").text
    sessions = client.get(SITE + "/access/sessions?findings=1").text
    assert "access-no-grant" in sessions and "inside its grant" not in sessions


def test_incident_from_the_form_decide_and_print(client: TestClient, world: World) -> None:
    stop = get(client, world, "vic", site_url(DAIRY, "/alerts"), rule="mode-change")["items"][0]["id"]
    html, csrf = sign_in(client, "anna.keller", f"{SITE}/incidents?alert={stop}")
    assert f'name="alerts" value="{stop}"' in html
    opened = client.post(SITE + "/incidents", data={"alerts": stop, "why": "PLC to STOP", "csrf": csrf})
    assert opened.status_code == 200 and "opened INC-1" in opened.text
    assert "Safety gate: decide first" in opened.text and "MARKED stops-line" in opened.text
    empty = client.post(
        SITE + "/incidents/INC-1/decide",
        data={"option": "containment.isolate-target", "why": "now", "override": "", "csrf": csrf},
    )
    assert_error(empty, 422)
    assert get(client, world, "vic", site_url(DAIRY, "/incidents/INC-1"))["decisions"] == []
    printed = client.get(SITE + "/incidents/INC-1/print")
    assert printed.status_code == 200 and "containment.block-source" in printed.text
    assert printed.text.startswith("<!DOCTYPE html>")
