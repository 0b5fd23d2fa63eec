"""The playbooks of the demo plant's PLC STOP and program download incidents: containment
options priced by hand from examples/dairy/site.yaml, the SIS never offered for isolation,
owners from the RACI; a line inside its maintenance window is not running."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from plantwarden.incidents import service
from plantwarden.incidents.generate import for_incident
from plantwarden.incidents.options import CUTS_SAFETY, STOPS_LINE
from plantwarden.incidents.playbook import Playbook
from plantwarden.incidents.service import OpenRequest
from plantwarden.site.model import SiteModel

from .helpers import plc_stop, program_download

BERLIN = ZoneInfo("Europe/Berlin")
WEDNESDAY_NOON = datetime(2026, 12, 9, 12, 0, tzinfo=BERLIN)  # no maintenance window
# examples/dairy/site.yaml, by hand: reception-processing needs plc-proc and plc-recv directly (buffer
# 0, 9,500 EUR/h); filling needs reception-processing with a 120 min buffer (14,000 EUR/h);
# packaging needs filling with a 20 min buffer (6,500 EUR/h): 0, 120 and 140 min, 30,000 EUR/h.
DOWNSTREAM = [
    ("reception-processing", 0.0, 9500.0),
    ("filling", 120.0, 14000.0),
    ("packaging", 140.0, 6500.0),
]


def playbook(
    db: str, dairy: SiteModel, tmp_path: Path, alert: str, now: datetime = WEDNESDAY_NOON
) -> Playbook:
    req = OpenRequest(alerts=(alert,), by="jonas", why="console", evidence_dir=tmp_path / "ev")
    inc = service.open_incident(db, None, req, dairy)
    return for_incident(db, None, inc, dairy, now)


def rungs(pb: Playbook) -> dict[str, tuple[float, list[tuple[str, float, float]]]]:
    return {
        o.id.removeprefix("containment."): (
            o.cost_per_hour,
            [(s.line, s.after_minutes, s.cost_per_hour) for s in o.stops],
        )
        for o in pb.step("containment").options
    }


def never_isolates_the_sis(pb: Playbook) -> None:
    for step in pb.steps:
        for o in step.options:
            assert o.acts_on != "sis-01"
            assert "sis-01" not in (o.device or "")


def test_plc_stop(demo_db: str, dairy: SiteModel, tmp_path: Path) -> None:
    pb = playbook(demo_db, dairy, tmp_path, plc_stop(demo_db))
    assert (pb.source, pb.target) == ("ews-01", "plc-proc")
    assert rungs(pb) == {
        "block-source": (0.0, []),  # nothing in the model needs the engineering workstation
        "tighten-conduit": (0.0, []),
        "isolate-source": (0.0, []),
        "isolate-target": (30000.0, DOWNSTREAM),
    }
    block = pb.option("containment.block-source")
    assert block is not None and block.device == "fw-cell" and "operations-to-control" in block.text
    tighten = pb.option("containment.tighten-conduit")
    # operations-to-control allows s7comm, enip, modbus, opcua, jetdirect, vnc;
    # the baseline never saw the last two
    assert tighten is not None and "stops: jetdirect/9100, vnc/5900" in tighten.text
    target = pb.option("containment.isolate-target")
    assert target is not None and target.approvers == ("plant-manager",)  # RACI: the lines' Accountable
    assert [m.mark for m in target.marks] == [STOPS_LINE]
    assert all(s.running and s.owners == ("plant-manager",) for s in target.stops)
    assert pb.gate.required and pb.gate.deciders == ("ehs-officer",)
    assert pb.gate.reasons == (
        "G2: plc-proc runs line reception-processing, which needs safety system sis-01",
    )
    assert pb.step("cause").owners == ("ot-automation",)  # RACI incidents Responsible via the lines
    assert pb.step("containment").owners == ("plant-manager",)
    recovery = pb.step("recovery").text
    assert any("Siemens AG: Support hotline, +49 911 555 5000" in t for t in recovery)
    assert any("V4.4" in t and "held by ot-automation" in t for t in recovery)
    assert pb.withheld == ()
    never_isolates_the_sis(pb)


def test_program_download(demo_db: str, dairy: SiteModel, tmp_path: Path) -> None:
    pb = playbook(demo_db, dairy, tmp_path, program_download(demo_db))
    assert (pb.source, pb.target) == ("qa-ws-01", "plc-recv")
    # the source is an office PC: separating IT from OT is offered; by hand (test_exercise has the
    # path): packaging after 530 min (labels), filling after 600 (MES), reception after 720 (logons)
    assert rungs(pb) == {
        "block-source": (0.0, []),
        "isolate-source": (0.0, []),
        "separate-it-ot": (
            30000.0,
            [
                ("packaging", 530.0, 6500.0),
                ("filling", 600.0, 14000.0),
                ("reception-processing", 720.0, 9500.0),
            ],
        ),
        "isolate-target": (30000.0, DOWNSTREAM),
    }
    assert list(rungs(pb)) == ["block-source", "isolate-source", "separate-it-ot", "isolate-target"]
    block = pb.option("containment.block-source")
    # no conduit allows enterprise -> control: blocked at the enterprise zone's boundary device
    assert (
        block is not None
        and block.device == "fw-itot"
        and "no conduit allows enterprise -> control" in block.text
    )
    assert [o for o, _ in pb.withheld] == ["containment.tighten-conduit"]
    assert pb.gate.reasons == (
        "G2: plc-recv runs line reception-processing, which needs safety system sis-01",
    )
    assert any("qa-ws-01: memory image" in t for t in pb.to_secure)
    assert any("plc-recv: controller program and firmware version (V3.2.17)" in t for t in pb.to_secure)
    never_isolates_the_sis(pb)


def test_a_line_in_its_maintenance_window_is_not_running(
    demo_db: str, dairy: SiteModel, tmp_path: Path
) -> None:
    # sunday-biweekly (filling, packaging), every 2 weeks from 2025-01-05: 2026-12-06 is week 100
    sunday = datetime(2026, 12, 6, 7, 0, tzinfo=BERLIN)
    pb = playbook(demo_db, dairy, tmp_path, plc_stop(demo_db), sunday)
    target = pb.option("containment.isolate-target")
    assert target is not None
    assert [(s.line, s.running, s.window) for s in target.stops] == [
        ("reception-processing", True, None),
        ("filling", False, "sunday-biweekly"),
        ("packaging", False, "sunday-biweekly"),
    ]
    assert target.cost_per_hour == 30000.0  # the cost is still predicted
    (mark,) = target.marks
    assert mark.mark == STOPS_LINE and "filling" not in mark.text


def test_a_redundant_partner_carries_the_load(demo_db: str, dairy: SiteModel, tmp_path: Path) -> None:
    req = OpenRequest(title="filler lane A", assets=("plc-fill-a",), source="hmi-fill", by="x", why="y")
    inc = service.open_incident(demo_db, None, req, dairy)
    pb = for_incident(demo_db, None, inc, dairy, WEDNESDAY_NOON)
    target = pb.option("containment.isolate-target")
    assert target is not None and target.stops == () and target.cost_per_hour == 0.0
    assert target.partners == ("plc-fill-b carries filling-plcs",)
    assert pb.option("stabilise.partner") is not None
    assert not any(m.mark == CUTS_SAFETY for m in target.marks)
