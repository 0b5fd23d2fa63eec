"""The vulnerability API and pages on the dairy demo (its shipped bundle matches a Stratix 5800
on the KEV list and more): ranking, filters, paging, one item's evidence, the status change
(engineer, audited), the roll-up and the content status."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from plantwarden.people.audit import entries
from plantwarden.store.sites import choose_site
from tests.web.conftest import headers
from tests.web.shape import assert_error
from tests.web.world import DAIRY, LAB, World

API = "/api/v1/sites/" + quote(DAIRY, safe="")
PAGE = "/sites/" + quote(DAIRY, safe="")
ITEM = "/vulns/sw-ctrl-01/CVE-2023-20198"


def _all(client: TestClient, world: World, **params: Any) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 1, **({"cursor": cursor} if cursor else {})}
        body = client.get(API + "/vulns", headers=headers(world, "vic"), params=query).json()
        got.extend(body["items"])
        if body["next"] is None:
            return got
        cursor = body["next"]


def test_the_list_is_worst_first_and_pages_the_same(client: TestClient, world: World) -> None:
    whole = client.get(API + "/vulns", headers=headers(world, "vic")).json()
    items = whole["items"]
    assert whole["next"] is None and len(items) >= 4
    assert items[0]["kev"] and items[0]["asset"] == "sw-ctrl-01"
    assert items[0]["production_at_risk"]["per_hour"] == 30000.0 and "stops filling" in items[0]["why"]
    order = {"Immediate": 0, "Out-of-Cycle": 1, "Scheduled": 2, "Defer": 3}
    ranks = [(order[i["decision"]], not i["kev"], -i["production_at_risk"]["per_hour"]) for i in items]
    assert ranks == sorted(ranks)
    paged = _all(client, world)
    assert [(i["asset"], i["cve"]) for i in paged] == [(i["asset"], i["cve"]) for i in items]


def test_filters_narrow(client: TestClient, world: World) -> None:
    every = _all(client, world)
    kev = _all(client, world, kev="true")
    assert kev and all(i["kev"] for i in kev) and len(kev) < len(every)
    one = _all(client, world, asset="sw-ctrl-01")
    assert one and {i["asset"] for i in one} == {"sw-ctrl-01"}
    line = _all(client, world, line="filling")
    assert line and all(any(x["line"] == "filling" for x in i["production_at_risk"]["lines"]) for i in line)
    decided = _all(client, world, decision=every[-1]["decision"].lower())
    assert decided and {i["decision"] for i in decided} == {every[-1]["decision"]}
    assert _all(client, world, status="accepted") == []
    assert len(_all(client, world, status="not_remediated,in_progress")) == len(every)


def test_bad_filters_are_422_naming_them(client: TestClient, world: World) -> None:
    vic = headers(world, "vic")
    for params, name in (
        ({"status": "done"}, "status"),
        ({"decision": "now"}, "decision"),
        ({"line": "x"}, "line"),
    ):
        error = assert_error(client.get(API + "/vulns", headers=vic, params=params), 422)
        assert error["details"][0]["loc"] == ["query", name]
    assert_error(client.get(API + "/vulns/sw-ctrl-01/not-a-cve", headers=vic), 422)


def test_one_item_has_its_evidence_and_404s(client: TestClient, world: World) -> None:
    vic = headers(world, "vic")
    item = client.get(API + ITEM, headers=vic).json()
    assert item["ssvc"].startswith("SSVCv2/E:A/") and item["advisory"] == "ICSA-23-297-01"
    fields = {f["field"]: f for f in item["evidence"]["asset_fields"]}
    assert fields["product"]["value"] == "Stratix 5800" and fields["product"]["source"]
    assert "Web UI" in item["evidence"]["entry"]["name"]
    assert_error(client.get(API + "/vulns/sw-ctrl-01/CVE-2020-0001", headers=vic), 404)
    assert_error(client.get(API + "/vulns/no-such-asset/CVE-2023-20198", headers=vic), 404)
    other = "/api/v1/sites/" + quote(LAB, safe="")
    assert_error(client.get(API + ITEM, headers=headers(world, "lab")), 404)
    assert client.get(other + "/vulns", headers=headers(world, "lab")).json() == {"items": [], "next": None}


def test_status_needs_an_engineer_and_is_audited(client: TestClient, world: World) -> None:
    url = API + ITEM + "/status"
    accept = {"status": "accepted", "why": "Web UI disabled", "until": "2027-01-31T00:00:00Z"}
    assert_error(client.post(url, json=accept), 401)
    assert_error(client.post(url, headers=headers(world, "ana"), json=accept), 403)
    error = assert_error(client.post(url, headers=headers(world, "eng"), json={**accept, "until": None}), 422)
    assert error["details"][0]["loc"] == ["body", "until"]
    assert_error(client.post(url, headers=headers(world, "eng"), json={**accept, "status": "gone"}), 422)
    assert_error(client.post(url, headers=headers(world, "eng"), json={"status": "remediated"}), 422)
    assert_error(
        client.post(
            API + "/vulns/sw-ctrl-01/CVE-2020-0001/status", headers=headers(world, "eng"), json=accept
        ),
        404,
    )
    done = client.post(url, headers=headers(world, "eng"), json=accept)
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["status_who"], body["status_until"][:10]) == (
        "accepted",
        "eng",
        "2027-01-31",
    )
    assert [i["cve"] for i in _all(client, world, status="accepted")] == ["CVE-2023-20198"]
    site = choose_site(world.url, DAIRY)
    logged = [e for e in entries(world.url, site_id=site.id) if e.action == "vuln.status"]
    assert len(logged) == 1 and logged[0].actor == "eng" and logged[0].why == "Web UI disabled"
    assert logged[0].details["via"] == "token" and logged[0].details["before"] == "not_remediated"


def test_rollup_and_content(client: TestClient, world: World) -> None:
    body = client.get(API + "/vulns/rollup", headers=headers(world, "vic")).json()
    lines = {g["line"]: g for g in body["by_line"]}
    assert lines["filling"]["per_hour_at_risk"] == 14000.0 and lines["filling"]["kev"] >= 1
    assert sum(g["items"] for g in body["by_zone"]) == len(_all(client, world))
    assert_error(client.get("/api/v1/content"), 401)
    content = client.get("/api/v1/content", headers=headers(world, "lab")).json()["bundles"]
    kinds = {b["kind"]: b for b in content}
    assert {"csaf", "kev", "attack", "oui"} <= set(kinds) and kinds["csaf"]["items"] == 39
    assert all("path" not in b for b in content)


def test_pages_show_the_list_the_rollup_the_item_and_the_asset(client: TestClient, world: World) -> None:
    vic = headers(world, "vic")
    listing = client.get(PAGE + "/vulns", headers=vic)
    assert listing.status_code == 200 and "CVE-2023-20198" in listing.text and "30,000 EUR/h" in listing.text
    assert "known exploited" in listing.text and "stops filling" in listing.text
    kev = client.get(PAGE + "/vulns", headers=vic, params={"kev": "true", "limit": 1})
    assert kev.text.count('class="why"') == 1 and "Next page" in kev.text
    roll = client.get(PAGE + "/vulns/rollup", headers=vic)
    assert "Per production line" in roll.text and "14,000 EUR" in roll.text
    item = client.get(PAGE + ITEM, headers=vic)
    assert "SSVCv2/E:A/" in item.text and "declared (site model)" in item.text
    asset = client.get(PAGE + "/assets/sw-ctrl-01", headers=vic)
    assert 'id="vulnerabilities"' in asset.text and "CVE-2023-20198" in asset.text
    clean = client.get(PAGE + "/assets/erp-01", headers=vic)
    assert clean.status_code == 200 and "No advisory in use matches" in clean.text
