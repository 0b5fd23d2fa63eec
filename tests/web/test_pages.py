"""The pages: the production answer first, the audit page with the chain's verdict, the
site switcher showing only one's sites, and a page without identity sending to /login."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import text

from plantwarden.store.engine import open_engine
from plantwarden.web.pages import audit as audit_pages
from tests.web.signin import HTML, sign_in
from tests.web.world import DAIRY, LAB, World

DAIRY_PAGE = "/sites/" + quote(DAIRY, safe="")


def test_a_page_without_identity_goes_to_login(client: TestClient) -> None:
    answer = client.get(DAIRY_PAGE + "/audit", headers=HTML, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=" + quote(f"/sites/{DAIRY}/audit", safe="")


def test_root_goes_to_the_first_site(client: TestClient) -> None:
    sign_in(client, "lab")
    answer = client.get("/", headers=HTML, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/sites/modbus%20lab"


def test_the_home_page_answers_first(client: TestClient) -> None:
    sign_in(client, "vic")
    page = client.get(DAIRY_PAGE, headers=HTML)
    assert page.status_code == 200
    html = page.text
    # at-risk money first, then lines (state in words and symbols), worst alerts, SPOF
    at_risk = html.index("Production at risk: 30,000 EUR/h")
    assert (
        at_risk
        < html.index(">Lines<")
        < html.index("Worst open alerts")
        < html.index("Single points of failure")
    )
    for line, cost in (("filling", "14,000"), ("reception-processing", "9,500"), ("packaging", "6,500")):
        assert f"<td>{line}</td>" in html and f"{cost} EUR/h" in html
    assert "\u2715 stopped" in html and "plc-proc was put in STOP (mode-change)" in html
    assert "Controller operating mode change" in html and "ews-01 → plc-proc" in html
    assert "<td>sw-ctrl-01</td>" in html
    # the switcher and navigation: only the sites vic may view
    assert LAB not in html and 'aria-current="page">Overview' in html


def test_the_same_answer_through_the_api(client: TestClient, world: World) -> None:
    from tests.web.conftest import headers

    body = client.get(f"/api/v1/sites/{quote(DAIRY, safe='')}/answer", headers=headers(world, "vic")).json()
    from plantwarden.detect.store_alerts import list_alerts
    from plantwarden.store.sites import choose_site

    stored = list_alerts(world.url, site=choose_site(world.url, DAIRY).id)
    opened = sum(1 for a in stored if a.state != "closed")  # what the CLI's queue holds open
    assert body["at_risk_per_hour"] == 30000.0 and body["open_alerts"] == opened > len(body["worst_alerts"])
    assert [x["state"] for x in body["lines"]] == ["stopped"] * 3
    lab = client.get("/api/v1/sites/modbus%20lab/answer", headers=headers(world, "lab")).json()
    assert lab["site"] == LAB and lab["open_alerts"] == 0


def test_the_audit_page_shows_entries_and_the_verdict(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    page = client.get(DAIRY_PAGE + "/audit", headers=HTML)
    assert page.status_code == 200 and "user.grant" in page.text
    assert "user.add" not in page.text  # store-wide entries are not the site's
    assert f'hx-get="{DAIRY_PAGE}/audit/verdict" hx-trigger="load"' in page.text
    fragment = client.get(DAIRY_PAGE + "/audit/verdict", headers={**HTML, "HX-Request": "true"})
    assert (
        fragment.text.lstrip().startswith('<p class="verdict"') and "&#10003; Chain intact:" in fragment.text
    )
    assert client.get("/audit", headers=HTML).status_code == 403  # the store's log: admins only
    assert client.get("/audit/verdict", headers=HTML).status_code == 403
    engine = open_engine(world.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET why = 'edited' WHERE seq = 3"))
    engine.dispose()
    # the verdict is reused for a minute within the process; a new one finds the edit
    assert "Chain intact" in client.get(DAIRY_PAGE + "/audit/verdict", headers=HTML).text
    audit_pages.VERDICT_TTL_S, before = 0.0, audit_pages.VERDICT_TTL_S
    try:
        whole = client.get(DAIRY_PAGE + "/audit/verdict", headers=HTML)  # without htmx: a whole page
    finally:
        audit_pages.VERDICT_TTL_S = before
    assert "<html" in whole.text and "Chain broken at entry 3:" in whole.text
    assert "changed after it was written" in whole.text


def test_the_store_audit_page_for_an_admin_pages_on(client: TestClient) -> None:
    sign_in(client, "admin")
    page = client.get("/audit?limit=3", headers=HTML)
    assert page.status_code == 200 and "of the whole store" in page.text and "(store)" in page.text
    assert "Older entries" in page.text
    cursor = page.text.split('href="?cursor=')[1].split('"')[0]
    older = client.get(f"/audit?limit=3&cursor={cursor}", headers=HTML)
    assert older.status_code == 200 and older.text != page.text
    assert "Chain intact" in client.get("/audit/verdict", headers={**HTML, "HX-Request": "true"}).text


def test_a_user_without_sites(client: TestClient, world: World) -> None:
    from plantwarden.people import users

    users.add_user(world.url, "newbie", "a long enough passphrase", is_admin=False, actor="t")
    sign_in(client, "newbie", "a long enough passphrase")
    page = client.get("/", headers=HTML)
    assert page.status_code == 200 and "You hold no role on any site" in page.text


def test_an_htmx_request_without_identity_is_sent_to_login(client: TestClient) -> None:
    hx = {"HX-Request": "true", "HX-Current-URL": "http://testserver" + DAIRY_PAGE + "/audit"}
    answer = client.get(DAIRY_PAGE + "/audit/verdict", headers=hx, follow_redirects=False)
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"] == "/login?next=" + quote(DAIRY_PAGE + "/audit", safe="")
