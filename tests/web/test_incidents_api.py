"""The incidents API (issue 25 through issue 21): open from the demo's PLC-stop alert (its
frames preserved as evidence, the SHA-256 re-read), the playbook from the site model, the
safety gate decided by the EHS officer, the least disruptive containment decided, an override
only with its reason and the approver role, close, CACAO; each change in the audit log."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import headers
from tests.web.shape import assert_error
from tests.web.test_api_core import get, site_url
from tests.web.world import DAIRY, LAB, World

INCIDENTS = site_url(DAIRY, "/incidents")


def post(client: TestClient, world: World, user: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, headers=headers(world, user), json=body)


def plc_stop(client: TestClient, world: World) -> str:
    alerts = get(client, world, "vic", site_url(DAIRY, "/alerts"), rule="mode-change")["items"]
    assert len(alerts) == 1
    return str(alerts[0]["id"])


def opened(client: TestClient, world: World) -> dict[str, Any]:
    answer = post(
        client, world, "ana", INCIDENTS, {"alerts": [plc_stop(client, world)], "why": "PLC stopped"}
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_open_from_the_plc_stop_with_evidence(client: TestClient, world: World) -> None:
    made = opened(client, world)
    assert made["id"] == "INC-1" and made["state"] == "open" and made["opened_by"] == "ana"
    assert (made["source"], made["target"]) == ("ews-01", "plc-proc")
    [evidence] = made["evidence"]
    path = Path(evidence["path"])
    assert path.parent == world.path.parent / "plantwarden-evidence"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == evidence["sha256"]
    assert evidence["custody"]["taken_by"] == "ana" and evidence["frames_named"]
    shown = get(client, world, "vic", f"{INCIDENTS}/INC-1")
    assert shown["evidence"] == made["evidence"]
    pb = shown["playbook"]
    assert pb["safety_gate"]["required"] and pb["safety_gate"]["deciders"] == ["ehs-officer"]
    ladder = {o["id"]: o for o in next(s for s in pb["steps"] if s["id"] == "containment")["options"]}
    assert (
        next(iter(ladder)) == "containment.block-source"
        and ladder["containment.block-source"]["cost_per_hour"] == 0
    )
    assert [m["mark"] for m in ladder["containment.isolate-target"]["marks"]] == ["stops-line"]
    assert all(o["acts_on"] != "sis-01" for o in ladder.values())
    entry = [
        e for e in get(client, world, "admin", site_url(DAIRY, "/audit"))["items"] if e["target"] == "INC-1"
    ]
    assert [(e["action"], e["actor"], e["why"]) for e in entry] == [("incident.open", "ana", "PLC stopped")]


def test_the_gate_first_then_the_least_disruptive_option(client: TestClient, world: World) -> None:
    opened(client, world)
    decide = f"{INCIDENTS}/INC-1/decide"
    first = assert_error(
        post(client, world, "ana", decide, {"option": "containment.block-source", "why": "x"}), 422
    )
    assert "D1: the safety gate is not decided" in first["message"]
    gate = post(client, world, "markus.braun", decide, {"option": "safety.clear", "why": "SIS unaffected"})
    assert gate.status_code == 200, gate.text
    done = post(
        client, world, "ana", decide, {"option": "containment.block-source", "why": "least disruptive"}
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["state"] == "contained"
    assert [(d["option"], d["by"], d["predicted_cost_per_hour"]) for d in body["decisions"]] == [
        ("safety.clear", "markus.braun", 0), ("containment.block-source", "ana", 0),
    ]  # fmt: skip
    actions = [e["action"] for e in get(client, world, "admin", site_url(DAIRY, "/audit"))["items"]]
    assert actions[:3] == ["incident.decide", "incident.decide", "incident.open"]


def test_an_override_needs_its_reason_and_the_approver(client: TestClient, world: World) -> None:
    opened(client, world)
    decide = f"{INCIDENTS}/INC-1/decide"
    body = {"option": "containment.isolate-target", "why": "stop it now"}
    needs = assert_error(post(client, world, "ana", decide, body), 422)
    assert "needs --override REASON" in needs["message"]
    assert_error(post(client, world, "ana", decide, {**body, "override": "attack in progress"}), 403)
    blank = assert_error(post(client, world, "anna.keller", decide, {**body, "override": "  "}), 422)
    assert "override needs its reason" in blank["message"]
    assert get(client, world, "vic", f"{INCIDENTS}/INC-1")["decisions"] == []
    done = post(client, world, "anna.keller", decide, {**body, "override": "attack in progress"})
    assert done.status_code == 200, done.text
    [d] = done.json()["decisions"]
    assert d["override"] == "attack in progress" and d["predicted_cost_per_hour"] == 30000.0


def test_note_close_and_nothing_after(client: TestClient, world: World) -> None:
    opened(client, world)
    assert (
        post(client, world, "ana", f"{INCIDENTS}/INC-1/note", {"text": "called the shift lead"}).status_code
        == 200
    )
    closed = post(client, world, "ana", f"{INCIDENTS}/INC-1/close", {"why": "lessons: block TeamViewer"})
    assert closed.json()["state"] == "closed"
    late = assert_error(post(client, world, "ana", f"{INCIDENTS}/INC-1/note", {"text": "x"}), 422)
    assert "is closed" in late["message"]
    late = assert_error(
        post(client, world, "ana", f"{INCIDENTS}/INC-1/decide", {"option": "safety.clear", "why": "x"}), 422
    )
    assert "closed: no more decisions" in late["message"]
    kinds = [e["kind"] for e in get(client, world, "vic", f"{INCIDENTS}/INC-1")["timeline"]]
    assert kinds[-2:] == ["note", "state"]


def test_who_may_and_bad_input(client: TestClient, world: World) -> None:
    alert = plc_stop(client, world)
    assert_error(post(client, world, "vic", INCIDENTS, {"alerts": [alert], "why": "x"}), 403)
    assert_error(
        post(client, world, "lab", site_url(LAB, "/incidents"), {"alerts": [alert], "why": "x"}), 404
    )
    assert_error(post(client, world, "ana", INCIDENTS, {"alerts": ["Anothere"], "why": "x"}), 404)
    assert_error(post(client, world, "ana", INCIDENTS, {"alerts": [alert]}), 422)
    assert_error(post(client, world, "ana", INCIDENTS, {"why": "by hand without anything"}), 422)
    assert get(client, world, "vic", INCIDENTS)["items"] == []
    assert_error(client.get(f"{INCIDENTS}/INC-9", headers=headers(world, "vic")), 404)
    assert_error(client.get(INCIDENTS, headers=headers(world, "vic"), params={"state": "asleep"}), 422)
    opened(client, world)
    assert_error(client.get(site_url(LAB, "/incidents/INC-1"), headers=headers(world, "lab")), 404)


def test_list_pages_and_cacao(client: TestClient, world: World) -> None:
    for i in range(3):
        made = post(
            client,
            world,
            "ana",
            INCIDENTS,
            {"title": f"by hand {i}", "assets": ["plc-fill-a"], "why": "drill"},
        )
        assert made.status_code == 201, made.text
    first = get(client, world, "vic", INCIDENTS, limit=2)
    rest = get(client, world, "vic", INCIDENTS, limit=2, cursor=first["next"])
    assert [i["id"] for i in first["items"] + rest["items"]] == ["INC-3", "INC-2", "INC-1"] and rest[
        "next"
    ] is None
    assert [i["id"] for i in get(client, world, "vic", INCIDENTS, state="open")["items"]] == [
        "INC-3",
        "INC-2",
        "INC-1",
    ]
    cacao = get(client, world, "vic", f"{INCIDENTS}/INC-2/cacao")
    assert cacao["type"] == "playbook" and cacao["spec_version"] == "cacao-2.0"
    assert cacao["workflow_start"] in cacao["workflow"]
