"""Incidents in the store: opened from alerts or by hand, notes, close, list; legal state
moves only; every change in the audit log; bad input stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden.errors import NotFoundError, UsageError
from plantwarden.incidents import service
from plantwarden.incidents.service import OpenRequest
from plantwarden.incidents.states import check_move, legal, parse_ref
from plantwarden.people import audit
from plantwarden.site.model import SiteModel

from .helpers import plc_stop


def _open(db: str, dairy: SiteModel, tmp_path: Path, **kw: object) -> service.IncidentView:
    req = OpenRequest(**{"by": "jonas", "why": "seen on the console", "evidence_dir": tmp_path / "ev", **kw})  # type: ignore[arg-type]
    return service.open_incident(db, None, req, dairy)


def test_opened_from_the_plc_stop_alert(demo_db: str, dairy: SiteModel, tmp_path: Path) -> None:
    alert = plc_stop(demo_db)
    inc = _open(demo_db, dairy, tmp_path, alerts=(alert[:6],))
    assert (inc.label, inc.state, inc.severity) == ("INC-1", "open", "critical")
    assert (inc.source, inc.target) == ("ews-01", "plc-proc")
    assert inc.document["alerts"] == [alert]
    assert inc.document["lines"] == ["reception-processing", "filling", "packaging"]
    assert [e.kind for e in inc.entries] == ["opened", "alert", "evidence"]
    assert inc.entries[0].by == "jonas" and inc.entries[0].why == "seen on the console"
    logged = [e for e in audit.entries(demo_db) if e.action == "incident.open"]
    assert [(e.target, e.actor, e.details["alerts"]) for e in logged] == [("INC-1", "jonas", [alert])]
    assert audit.verify(demo_db).broken_at is None
    second = _open(demo_db, dairy, tmp_path, alerts=(alert,))
    assert second.label == "INC-2"


def test_opened_by_hand(demo_db: str, dairy: SiteModel, tmp_path: Path) -> None:
    inc = _open(demo_db, dairy, tmp_path, title="Filler lane A behaves oddly", assets=("plc-fill-a",))
    assert (inc.target, inc.source, inc.severity) == ("plc-fill-a", None, "medium")
    assert inc.document["lines"] == ["filling", "packaging"]
    assert inc.evidence == []


@pytest.mark.parametrize(
    ("kw", "error", "words"),
    [
        ({"alerts": ("Anope",)}, NotFoundError, "no alert 'Anope'"),
        ({"title": "x", "assets": ("plc-nope",)}, NotFoundError, "'plc-nope' is not an asset"),
        ({"alerts": (), "assets": ()}, UsageError, "needs --alert"),
        ({"alerts": ("A",), "why": " "}, UsageError, "needs --why"),
        ({"title": "x", "assets": ("plc-pack",), "severity": "dire"}, UsageError, "unknown severity 'dire'"),
    ],
)
def test_bad_input_stores_nothing(
    demo_db: str, dairy: SiteModel, tmp_path: Path, kw: dict[str, object], error: type[Exception], words: str
) -> None:
    before = len(audit.entries(demo_db))
    with pytest.raises(error, match=words):
        _open(demo_db, dairy, tmp_path, **kw)
    assert service.list_incidents(demo_db, None) == []
    assert len(audit.entries(demo_db)) == before
    assert not (tmp_path / "ev").exists() or not list((tmp_path / "ev").iterdir())


def test_notes_and_close(demo_db: str, dairy: SiteModel, tmp_path: Path) -> None:
    inc = _open(demo_db, dairy, tmp_path, alerts=(plc_stop(demo_db),))
    service.note(demo_db, None, "inc-1", "operator confirms the pasteuriser is in STOP", "lea")
    closed = service.close(demo_db, None, "1", "lea", "planned test by the integrator, not announced")
    assert closed.state == "closed" and closed.closed_at is not None
    assert [e.kind for e in closed.entries][-2:] == ["note", "state"]
    count = len(closed.entries)
    with pytest.raises(UsageError, match="a note needs its text"):
        service.note(demo_db, None, inc.label, " ", "lea")
    with pytest.raises(UsageError, match="closed"):
        service.note(demo_db, None, inc.label, "late", "lea")
    with pytest.raises(UsageError, match="closed"):
        service.close(demo_db, None, inc.label, "lea", "again")
    assert len(service.get_incident(demo_db, None, "INC-1").entries) == count
    assert [e.action for e in audit.entries(demo_db)][-2:] == ["incident.note", "incident.close"]
    assert [i.label for i in service.list_incidents(demo_db, None, frozenset({"closed"}))] == ["INC-1"]
    assert service.list_incidents(demo_db, None, frozenset({"open"})) == []


def test_unknown_incident_and_bad_ids(demo_db: str) -> None:
    with pytest.raises(NotFoundError, match="no incident INC-9"):
        service.get_incident(demo_db, None, "INC-9")
    for text in ("INC-", "x7", "0", "-3"):
        with pytest.raises(UsageError, match="not an incident id"):
            parse_ref(text)


def test_only_legal_moves() -> None:
    assert legal("open", "contained") and legal("contained", "stabilised")
    assert legal("open", "stabilised")  # a fault: nothing to contain
    assert legal("stabilised", "recovered") and legal("recovered", "closed") and legal("open", "closed")
    for before, after in [
        ("contained", "recovered"),
        ("open", "recovered"),
        ("contained", "open"),
        ("closed", "open"),
    ]:
        assert not legal(before, after)
        with pytest.raises(UsageError):
            check_move("INC-1", before, after)
