"""The demo's incident: opened from the PLC STOP alert once; a second run stores nothing."""

from __future__ import annotations

from pathlib import Path

from plantwarden.incidents.demo import demo_incident
from plantwarden.incidents.service import list_incidents
from plantwarden.people import audit
from plantwarden.site.model import SiteModel

from .helpers import plc_stop


def test_the_demo_incident_is_opened_once(demo_db: str, dairy: SiteModel, tmp_path: Path) -> None:
    first = demo_incident(demo_db, None, dairy, tmp_path / "ev")
    assert first is not None
    inc, pb = first
    assert inc.document["alerts"] == [plc_stop(demo_db)] and len(inc.evidence) == 1
    assert pb.step("containment").options[0].id == "containment.block-source"
    entries = len(audit.entries(demo_db))
    again = demo_incident(demo_db, None, dairy, tmp_path / "ev")
    assert again is not None and again[0] == inc
    assert len(list_incidents(demo_db, None)) == 1 and len(audit.entries(demo_db)) == entries
    assert len(list((tmp_path / "ev").iterdir())) == 1
