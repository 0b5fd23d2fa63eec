"""Every grant and incident change says in its audit entry how it came (``details.via``): the
command line ``cli``; the API ``token`` (with the token's id); a page ``session``. The walk
does each grant and incident action from the CLI on the web world's store (and an alert's
ack), then from the API, then a request from the access page's form, and reads back every
``access.*``, ``incident.*`` and ``alert.*`` entry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from plantwarden.cli.app import main
from plantwarden.people.models import AuditEntry
from tests.web.conftest import headers
from tests.web.test_api_core import get, site_url
from tests.web.world import DAIRY, PASSWORD, World

GRANTS = site_url(DAIRY, "/access/grants")
INCIDENTS = site_url(DAIRY, "/incidents")
FILLER = {
    "grantee": "Piet Jansen", "company": "Systemintegrator Nord GmbH", "assets": ["plc-fill-a"],
    "protocols": ["s7comm"], "operations": "view", "hours": 4, "reason": "check the diagnostics",
}  # fmt: skip


def cli(world: World, *argv: str) -> None:
    try:
        main([*argv, "--db", str(world.path), "--site-name", DAIRY])
    except SystemExit as exc:
        assert not exc.code, argv


def api(client: TestClient, world: World, user: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(path, headers=headers(world, user), json=body)
    assert answer.status_code in (200, 201), answer.text
    found: dict[str, Any] = answer.json()
    return found


def entries(world: World, *kinds: str) -> list[tuple[str, str, dict[str, Any]]]:
    engine = create_engine(world.url)
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEntry).order_by(AuditEntry.seq)).all()
    engine.dispose()
    return [(r.action, r.target, r.details) for r in rows if r.action.startswith(kinds)]


def plc_stop(client: TestClient, world: World) -> str:
    [alert] = get(client, world, "vic", site_url(DAIRY, "/alerts"), rule="mode-change")["items"]
    return str(alert["id"])


def cli_walk(world: World, alert_id: str, evidence: Path) -> None:
    request = [
        "access", "request", "--vendor", FILLER["company"], "--person", "Piet Jansen",
        "--asset", "plc-fill-a", "--protocol", "s7comm", "--for", "4h", "--reason", "diagnostics",
    ]  # fmt: skip
    cli(world, *request, "--by", "eng")  # G1
    cli(world, "access", "approve", "G1", "--by", "Anna Keller", "--why", "ticket checked")
    cli(world, "access", "revoke", "G1", "--by", "Anna Keller", "--why", "done early")
    cli(world, *request, "--by", "eng")  # G2
    cli(world, "access", "deny", "G2", "--by", "Anna Keller", "--why", "not this week")
    cli(world, "alert", "ack", alert_id, "--by", "ana", "--why", "looking at it")
    opened = ["incident", "open", "--alert", alert_id, "--by", "ana", "--why", "PLC stopped"]
    cli(world, *opened, "--evidence-dir", str(evidence))  # INC-1
    cli(world, "incident", "note", "INC-1", "called the shift lead", "--by", "ana")
    cli(world, "incident", "decide", "INC-1", "safety.clear", "--by", "ehs-officer", "--why", "SIS fine")
    cli(world, "incident", "decide", "INC-1", "containment.block-source", "--by", "ana", "--why", "cheapest")
    cli(world, "incident", "close", "INC-1", "--by", "ana", "--why", "lessons learned")


def api_walk(client: TestClient, world: World, alert_id: str) -> None:
    g3 = api(client, world, "eng", GRANTS, FILLER)["grant"]
    api(client, world, "anna.keller", f"{GRANTS}/{g3}/approve", {"why": "ticket checked"})
    api(client, world, "anna.keller", f"{GRANTS}/{g3}/revoke", {"why": "done early"})
    g4 = api(client, world, "eng", GRANTS, FILLER)["grant"]
    api(client, world, "anna.keller", f"{GRANTS}/{g4}/deny", {"why": "not this week"})
    ref = api(client, world, "ana", INCIDENTS, {"alerts": [alert_id], "why": "PLC stopped again"})["id"]
    api(client, world, "ana", f"{INCIDENTS}/{ref}/note", {"text": "called the shift lead"})
    api(client, world, "markus.braun", f"{INCIDENTS}/{ref}/decide", {"option": "safety.clear", "why": "SIS"})
    block = {"option": "containment.block-source", "why": "cheapest"}
    api(client, world, "ana", f"{INCIDENTS}/{ref}/decide", block)
    api(client, world, "ana", f"{INCIDENTS}/{ref}/close", {"why": "lessons learned"})


def page_walk(client: TestClient) -> None:
    """eng requests a grant on the access page's form (a session, not a token)."""
    site = f"/sites/{quote(DAIRY, safe='')}"
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    form = {"name": "eng", "password": PASSWORD, "csrf": token.group(1)}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(site + "/access").text)
    assert csrf is not None
    data = {"grantee": "Piet Jansen", "company": FILLER["company"], "assets": "plc-fill-a",
            "protocols": "s7comm", "operations": "view", "hours": "4", "reason": "from the page"}  # fmt: skip
    done = client.post(site + "/access/grants", data={**data, "csrf": csrf.group(1)}, follow_redirects=False)
    assert done.status_code == 303, done.text


def test_every_grant_and_incident_change_says_its_way_in(
    client: TestClient, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alert_id = plc_stop(client, world)
    cli_walk(world, alert_id, tmp_path / "evidence")
    capsys.readouterr()
    api_walk(client, world, alert_id)
    page_walk(client)
    found = entries(world, "access.", "incident.")
    actions = [
        "access.request", "access.approve", "access.revoke", "access.request", "access.deny",
        "incident.open", "incident.note", "incident.decide", "incident.decide", "incident.close",
    ]  # fmt: skip
    assert [a for a, _, _ in found] == [*actions, *actions, "access.request"]
    by_cli, by_api, by_page = found[:10], found[10:20], found[20:]
    assert [(t, d["via"]) for _, t, d in by_cli] == [(t, "cli") for _, t, _ in by_cli]
    assert {t for _, t, _ in by_cli} == {"grant G1", "grant G2", "INC-1"}
    assert all(d["via"] == "token" and isinstance(d["token_id"], int) for _, _, d in by_api), by_api
    assert {t for _, t, _ in by_api} == {"grant G3", "grant G4", "INC-2"}
    assert [(t, d["via"]) for _, t, d in by_page] == [("grant G5", "session")]
    assert "token_id" not in by_page[0][2]
    assert [(a, d["via"]) for a, _, d in entries(world, "alert.")] == [("alert.ack", "cli")]
    # the details the services wrote before stay beside it
    assert by_cli[1][2]["state"] == "approved" and by_api[5][2]["alerts"] == [alert_id]
    assert by_cli[7][2]["option"] == "safety.clear" and by_api[8][2]["option"] == "containment.block-source"
