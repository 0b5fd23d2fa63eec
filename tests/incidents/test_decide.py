"""Decisions: rules D1-D4 (safety gate first, the gate is EHS's, cutting off a safety system,
stopping a running line without its owner), overrides with their reasons, safety systems never
chosen, legal state moves; refused decisions store nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from plantwarden.errors import UsageError
from plantwarden.incidents import service
from plantwarden.incidents.decide import decide
from plantwarden.incidents.records import IncidentView
from plantwarden.incidents.service import OpenRequest
from plantwarden.people import audit
from plantwarden.site.model import SiteModel

from .helpers import plc_stop

NOON = datetime(2026, 12, 9, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def stop_incident(demo_db: str, dairy: SiteModel, tmp_path: Path) -> IncidentView:
    req = OpenRequest(alerts=(plc_stop(demo_db),), by="jonas", why="console", evidence_dir=tmp_path / "ev")
    return service.open_incident(demo_db, None, req, dairy)


def refused(db: str, dairy: SiteModel, option: str, by: str, words: str, override: str | None = None) -> None:
    before = (service.get_incident(db, None, "INC-1"), len(audit.entries(db)))
    with pytest.raises(UsageError, match=words):
        decide(db, None, "INC-1", option, by, "test", dairy, override, NOON)
    assert (service.get_incident(db, None, "INC-1"), len(audit.entries(db))) == before


def test_d1_the_safety_gate_comes_first(demo_db: str, dairy: SiteModel, stop_incident: IncidentView) -> None:
    refused(demo_db, dairy, "containment.isolate-source", "Anna Keller", "D1: the safety gate is not decided")
    inc = decide(
        demo_db,
        None,
        "INC-1",
        "containment.isolate-source",
        "Anna Keller",
        "ews-01 is compromised",
        dairy,
        "operator reports smoke: no time to wait for EHS",
        NOON,
    )
    d = inc.decisions[-1]
    assert (d.option, d.override, d.predicted_cost_per_hour, inc.state) == (
        "containment.isolate-source",
        "operator reports smoke: no time to wait for EHS",
        0.0,
        "contained",
    )


def test_d2_the_gate_is_the_process_safety_owners(
    demo_db: str, dairy: SiteModel, stop_incident: IncidentView
) -> None:
    refused(demo_db, dairy, "safety.clear", "jonas", "D2: the safety gate is the process-safety owner's")
    for who in ("Markus Braun", "EHS-OFFICER"):  # a person of the role, or the role's id
        inc = decide(
            demo_db,
            None,
            "INC-1",
            "safety.clear",
            who,
            "SIS healthy, ammonia plant normal",
            dairy,
            None,
            NOON,
        )
        assert inc.decisions[-1].override is None and inc.state == "open"


def test_d4_stopping_running_lines_needs_their_owner(
    demo_db: str, dairy: SiteModel, stop_incident: IncidentView
) -> None:
    decide(demo_db, None, "INC-1", "safety.clear", "ehs-officer", "SIS healthy", dairy, None, NOON)
    refused(
        demo_db, dairy, "containment.isolate-target", "jonas", "D4: stops running line reception-processing"
    )
    inc = decide(
        demo_db,
        None,
        "INC-1",
        "containment.isolate-target",
        "Anna Keller",
        "the PLC runs foreign code",
        dairy,
        None,
        NOON,
    )
    d = inc.decisions[-1]
    assert (d.by, d.predicted_cost_per_hour, d.currency, d.override) == ("Anna Keller", 30000.0, "EUR", None)
    assert [m["mark"] for m in d.marks] == ["stops-line"]
    assert [e.kind for e in inc.entries][-2:] == ["decision", "state"] and inc.state == "contained"
    logged = [e for e in audit.entries(demo_db) if e.action == "incident.decide"][-1]
    assert (
        logged.details["option"] == "containment.isolate-target"
        and logged.details["predicted_cost_per_hour"] == 30000.0
    )


def test_d3_cutting_a_host_off_the_sis_needs_an_override(demo_db: str, dairy: SiteModel) -> None:
    req = OpenRequest(
        title="SCADA server compromised", assets=("scada-a",), source="qa-ws-01", by="it", why="EDR"
    )
    service.open_incident(demo_db, None, req, dairy)
    decide(demo_db, None, "INC-1", "safety.clear", "ehs-officer", "SIS trips locally", dairy, None, NOON)
    refused(
        demo_db,
        dairy,
        "containment.isolate-target",
        "Anna Keller",
        "D3: cuts scada-a off safety system sis-01",
    )
    inc = decide(
        demo_db,
        None,
        "INC-1",
        "containment.isolate-target",
        "Anna Keller",
        "ransomware on scada-a",
        dairy,
        "EHS agrees: SIS status read at the panel meanwhile",
        NOON,
    )
    assert inc.decisions[-1].override == "EHS agrees: SIS status read at the panel meanwhile"


def test_a_safety_system_cannot_be_chosen_even_with_an_override(demo_db: str, dairy: SiteModel) -> None:
    req = OpenRequest(title="odd writes to the SIS", assets=("sis-01",), source="scada-a", by="x", why="y")
    service.open_incident(demo_db, None, req, dairy)
    refused(
        demo_db,
        dairy,
        "containment.isolate-target",
        "ehs-officer",
        "not offered: never isolate or query a safety system",
        "please",
    )


def test_bad_decisions_store_nothing(demo_db: str, dairy: SiteModel, stop_incident: IncidentView) -> None:
    refused(demo_db, dairy, "containment.isolate-target", "Anna Keller", "--override needs its reason", "  ")
    refused(demo_db, dairy, "containment.reboot", "Anna Keller", "unknown option 'containment.reboot'")
    refused(demo_db, dairy, "recovery.restore", "ehs-officer", "D1")
    decide(demo_db, None, "INC-1", "safety.clear", "ehs-officer", "SIS healthy", dairy, None, NOON)
    refused(demo_db, dairy, "recovery.restore", "Anna Keller", "is open: it cannot become recovered")
    service.close(demo_db, None, "INC-1", "Anna Keller", "false alarm: planned stop")
    refused(demo_db, dairy, "cause.fault", "Anna Keller", "is closed: no more decisions")
