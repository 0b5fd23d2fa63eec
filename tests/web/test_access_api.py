"""The access API (issue 24 through issue 21): grants listed with filters and pages, requested
by an engineer, approved by a second person who is Responsible or Accountable in the RACI
(four eyes), denied and revoked by approvers, each change in the audit log; the sessions the
demo's detection stored, with their findings."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import headers
from tests.web.shape import assert_error
from tests.web.test_api_core import get, site_url
from tests.web.world import DAIRY, LAB, World

GRANTS = site_url(DAIRY, "/access/grants")
FILLER = {
    "grantee": "Piet Jansen",
    "company": "Systemintegrator Nord GmbH",
    "assets": ["plc-fill-a"],
    "protocols": ["s7comm"],
    "operations": "view",
    "hours": 4,
    "reason": "check the filler's diagnostics",
}


def post(client: TestClient, world: World, user: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, headers=headers(world, user), json=body)


def requested(client: TestClient, world: World, **change: Any) -> str:
    answer = post(client, world, "eng", GRANTS, {**FILLER, **change})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["state"] == "requested" and body["requested_by"] == "eng"
    return str(body["grant"])


def audit_of(client: TestClient, world: World, target: str) -> list[dict[str, Any]]:
    entries = get(client, world, "admin", site_url(DAIRY, "/audit"), limit=50)["items"]
    return [e for e in reversed(entries) if e["target"] == target]


def test_the_standing_grant_of_the_site_model_is_listed(client: TestClient, world: World) -> None:
    items = get(client, world, "vic", GRANTS)["items"]
    assert [(g["grant"], g["source"], g["state"]) for g in items] == [
        ("siemens-ews-sunday", "site", "expired")
    ]
    one = get(client, world, "vic", f"{GRANTS}/siemens-ews-sunday")
    assert one["grant"]["approved_by"] == "Anna Keller" and one["history"][0]["action"] == "declared"


def test_request_approve_revoke_with_history_and_audit(client: TestClient, world: World) -> None:
    key = requested(client, world)
    approved = post(client, world, "anna.keller", f"{GRANTS}/{key}/approve", {"why": "ticket checked"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "active" and approved.json()["approved_by"] == "anna.keller"
    revoked = post(client, world, "anna.keller", f"{GRANTS}/{key}/revoke", {"why": "job done early"})
    assert revoked.json()["state"] == "revoked"
    history = get(client, world, "vic", f"{GRANTS}/{key}")["history"]
    assert [(h["action"], h["actor"], h["why"]) for h in history] == [
        ("request", "eng", FILLER["reason"]),
        ("approve", "anna.keller", "ticket checked"),
        ("revoke", "anna.keller", "job done early"),
    ]
    entries = audit_of(client, world, f"grant {key}")
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("access.request", "eng"), ("access.approve", "anna.keller"), ("access.revoke", "anna.keller"),
    ]  # fmt: skip
    assert entries[1]["why"] == "ticket checked"


def test_four_eyes_and_raci_are_the_services(client: TestClient, world: World) -> None:
    key = requested(client, world)
    # markus.braun (EHS officer) is an approver in plantwarden but neither R nor A for plc-fill-a
    refused = assert_error(post(client, world, "markus.braun", f"{GRANTS}/{key}/approve", {"why": "x"}), 422)
    assert "neither Responsible nor Accountable for 'plc-fill-a'" in refused["message"]
    # the requester approving their own request: anna.keller requests (an approver may request)
    mine = post(client, world, "anna.keller", GRANTS, {**FILLER, "grantee": "Piet's colleague"})
    own = mine.json()["grant"]
    refused = assert_error(post(client, world, "anna.keller", f"{GRANTS}/{own}/approve", {"why": "x"}), 422)
    assert "cannot approve it too (four eyes)" in refused["message"]
    assert get(client, world, "vic", f"{GRANTS}/{key}")["grant"]["state"] == "requested"
    assert [e["action"] for e in audit_of(client, world, f"grant {key}")] == ["access.request"]


def test_deny_then_nothing_more(client: TestClient, world: World) -> None:
    key = requested(client, world)
    denied = post(client, world, "anna.keller", f"{GRANTS}/{key}/deny", {"why": "no ticket"})
    assert denied.json()["state"] == "denied"
    again = assert_error(post(client, world, "anna.keller", f"{GRANTS}/{key}/approve", {"why": "x"}), 422)
    assert "is denied; only a requested grant can be approved" in again["message"]


def test_who_may_do_what(client: TestClient, world: World) -> None:
    assert_error(post(client, world, "ana", GRANTS, FILLER), 403)  # analyst: no requests
    key = requested(client, world)
    for user in ("vic", "ana", "eng"):
        answer = assert_error(post(client, world, user, f"{GRANTS}/{key}/approve", {"why": "x"}), 403)
        assert "needs the role approver" in answer["message"]
    # the dairy's grant through the lab's URL: no such grant there, and the dairy's stays requested
    assert_error(
        post(client, world, "admin", f"{site_url(LAB)}/access/grants/{key}/approve", {"why": "x"}), 404
    )
    assert get(client, world, "vic", f"{GRANTS}/{key}")["grant"]["state"] == "requested"
    assert_error(client.get(f"{GRANTS}/{key}", headers=headers(world, "lab")), 404)
    assert_error(client.get(f"{GRANTS}/{key}"), 401)


def test_bad_requests_are_422_and_store_nothing(client: TestClient, world: World) -> None:
    cases = [
        ({"assets": ["no-such-plc"]}, "no-such-plc"),
        ({"company": "Nobody GmbH"}, "Nobody GmbH"),
        ({"hours": 1000}, "72"),
        ({"end": "2026-01-01T00:00", "hours": None, "start": "2026-01-02T00:00"}, "end"),
        ({"operations": "root"}, "operations"),
    ]
    for change, named in cases:
        error = assert_error(post(client, world, "eng", GRANTS, {**FILLER, **change}), 422)
        assert named in error["message"] + str(error["details"]), (change, error)
    both = assert_error(post(client, world, "eng", GRANTS, {**FILLER, "end": "2026-12-31T10:00"}), 422)
    assert both["details"][0]["loc"] == ["body", "hours"]
    assert len(get(client, world, "vic", GRANTS)["items"]) == 1
    assert_error(client.get(f"{GRANTS}/G999", headers=headers(world, "vic")), 404)
    assert_error(client.get(GRANTS, headers=headers(world, "vic"), params={"state": "sleeping"}), 422)


def test_filters_and_pages(client: TestClient, world: World) -> None:
    keys = [requested(client, world, grantee=f"Person {i}", reason=f"job {i}") for i in range(3)]
    post(client, world, "anna.keller", f"{GRANTS}/{keys[0]}/approve", {"why": "ok"})
    active = get(client, world, "vic", GRANTS, state="active")["items"]
    assert [g["grant"] for g in active] == [keys[0]]
    waiting = get(client, world, "vic", GRANTS, state="requested,expired")["items"]
    assert [g["grant"] for g in waiting] == ["siemens-ews-sunday", keys[2], keys[1]]
    assert [g["grant"] for g in get(client, world, "vic", GRANTS, vendor="siemens")["items"]] == [
        "siemens-ews-sunday"
    ]
    seen, cursor = [], None
    while True:
        page = get(client, world, "vic", GRANTS, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [g["grant"] for g in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == ["siemens-ews-sunday", keys[2], keys[1], keys[0]]


def test_sessions_and_findings_of_the_demo(client: TestClient, world: World) -> None:
    sessions = get(client, world, "vic", site_url(DAIRY, "/access/sessions"))["items"]
    assert len(sessions) >= 2
    starts = [s["started_at"] for s in sessions]
    assert starts == sorted(starts, reverse=True)
    ssh = [s for s in sessions if s["proto"] == "ssh"]
    assert ssh and ssh[0]["server"] == "10.10.30.40" and ssh[0]["findings"]
    findings = get(client, world, "vic", site_url(DAIRY, "/access/findings"))["items"]
    assert findings and all(s["findings"] for s in findings)
    first = get(client, world, "vic", site_url(DAIRY, "/access/sessions"), limit=1)
    second = get(client, world, "vic", site_url(DAIRY, "/access/sessions"), limit=1, cursor=first["next"])
    assert [s["id"] for s in first["items"] + second["items"]] == [s["id"] for s in sessions[:2]]
    assert get(client, world, "lab", site_url(LAB, "/access/sessions"))["items"] == []
