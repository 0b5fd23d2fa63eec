"""The CACAO 2.0 export, validated against the OASIS CACAO 2.0 JSON schemas shipped in
tests/data/cacao-2.0 (Apache-2.0; NOTICE.md there), and the printable control-room page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from plantwarden.incidents import service
from plantwarden.incidents.cacao import export, timestamp
from plantwarden.incidents.generate import for_incident
from plantwarden.incidents.html import page
from plantwarden.incidents.service import OpenRequest
from plantwarden.site.model import SiteModel
from tests.conftest import DATA

from .helpers import plc_stop

SCHEMAS = DATA / "cacao-2.0" / "schemas"
NOW = datetime(2026, 12, 9, 11, 0, tzinfo=UTC)


def schema(rel: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / rel).read_text())
    return loaded


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    resources = [
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT7))
        for s in (json.loads(p.read_text()) for p in SCHEMAS.rglob("*.json"))
    ]
    return Draft7Validator(schema("playbook.json"), registry=Registry().with_resources(resources))


def properties(*rels: str) -> set[str]:
    """The properties the schemas define (their own and their allOf parts): the CACAO schemas say
    ``unevaluatedProperties: false`` under a draft-07 ``$schema``, which draft-07 ignores."""
    found: set[str] = set()
    for rel in rels:
        s = schema(rel)
        for part in [s, *s.get("allOf", [])]:
            found |= set(part.get("properties", {}))
    return found


@pytest.fixture
def doc(demo_db: str, dairy: SiteModel, tmp_path: Path) -> dict[str, Any]:
    req = OpenRequest(alerts=(plc_stop(demo_db),), by="jonas", why="console", evidence_dir=tmp_path / "ev")
    inc = service.open_incident(demo_db, None, req, dairy)
    return export(for_incident(demo_db, None, inc, dairy, NOW), dairy, inc.opened_at, NOW)


def test_the_export_is_a_valid_cacao_2_playbook(doc: dict[str, Any], validator: Draft7Validator) -> None:
    assert [e.message for e in validator.iter_errors(doc)] == []
    step_props = properties("workflows/workflow-step.json")
    manual = validator.evolve(schema={"$ref": schema("commands/manual.json")["$id"]})
    assert not manual.is_valid({"type": "ssh", "command": "x"})  # the schema is in force
    for step in doc["workflow"].values():
        assert set(step) <= step_props | properties(f"workflows/{step['type']}.json"), step
        for command in step.get("commands", []):
            assert command["type"] == "manual" and command["command"]
            assert set(command) <= properties("commands/command-data.json", "commands/manual.json")
            assert manual.is_valid(command)
    for agent in doc["agent_definitions"].values():
        assert set(agent) <= properties(
            "agent-target/agent-target.json", f"agent-target/{agent['type']}.json"
        )
    broken = json.loads(json.dumps(doc))
    action = next(k for k, v in broken["workflow"].items() if v["type"] == "action")
    del broken["workflow"][action]["agent"]
    assert any("'agent' is a required property" in e.message for e in validator.iter_errors(broken))


def test_the_workflow_follows_the_playbook(doc: dict[str, Any]) -> None:
    flow = doc["workflow"]
    names = {k: v["name"] for k, v in flow.items()}
    start = flow[doc["workflow_start"]]
    gate = flow[start["on_completion"]]
    assert gate["name"] == "Safety gate: is a safety function involved?"
    assert "required before any other decision" in gate["description"]
    assert doc["agent_definitions"][gate["agent"]]["name"] == "ehs-officer"
    cause = flow[gate["on_completion"]]
    assert cause["type"] == "if-condition"
    rungs = []
    step = cause["on_true"]
    while flow[step]["name"] != "Stabilise and continue":
        rungs.append(names[step])
        step = flow[step]["on_failure"]
    assert rungs == [
        "Block ews-01 at fw-cell",
        "Tighten operations-to-control to the baseline",
        "Isolate the source ews-01",
        "Isolate the target plc-proc",
    ]
    last = next(v for v in flow.values() if v["name"] == "Isolate the target plc-proc")
    assert "MARKED" in last["description"] and "30,000 EUR/h" in last["commands"][0]["command"]
    assert doc["agent_definitions"][last["agent"]]["name"] == "plant-manager"
    assert timestamp(NOW) == "2026-12-09T11:00:00.000Z" == doc["modified"]


def test_the_page_is_printable_and_escaped(demo_db: str, dairy: SiteModel, tmp_path: Path) -> None:
    req = OpenRequest(
        title="<script>alert(1)</script>", assets=("plc-proc",), source="ews-01", by="x", why="y"
    )
    inc = service.open_incident(demo_db, None, req, dairy)
    html = page(for_incident(demo_db, None, inc, dairy, NOW), inc)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "REQUIRED, decided first" in html and "ehs-officer" in html
    assert "30,000 EUR/h" in html and "@media print" in html
    assert html.index("Safety gate") < html.index("Contain")
