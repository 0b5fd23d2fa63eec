"""The rules on remote sessions against grants and on incident records, each on a small
constructed state: satisfied, not satisfied, not enough evidence."""

from __future__ import annotations

import hashlib
from pathlib import Path

from plantwarden.compliance.evidence import Evidence, Status, combine
from plantwarden.compliance.rules import all_rules, run
from plantwarden.compliance.rules_access import AccessRecord, GrantFact, SessionFact
from plantwarden.compliance.rules_incidents import Decided, IncidentRecord, Kept, Step
from tests.compliance.helpers import captured_at, state

T = captured_at()


def found(rule: str, **records: object) -> list[Evidence]:
    return run(all_rules()[rule], state(**records))  # type: ignore[arg-type]


def statuses(rule: str, **records: object) -> list[Status]:
    return [e.status for e in found(rule, **records)]


def grant(key: str = "G1", by: str = "Jana", approver: str | None = "Ole") -> GrantFact:
    return GrantFact(key, "approved", by, approver, T - 3600 if approver else None)


def session(findings: tuple[str, ...] = (), grant_key: str | None = "G1") -> SessionFact:
    return SessionFact(T - 600, T - 60, "10.0.9.5", "10.0.1.10", "vnc", "Acme", grant_key, findings)


def test_sessions_inside_grants_approved_by_another_person_satisfy() -> None:
    record = AccessRecord((grant(),), (session(), session()))
    got = found("remote.sessions", access=record)
    assert [e.status for e in got] == [Status.SATISFIED, Status.SATISFIED]
    assert got[0].summary == "all 2 remote sessions stayed within their grants"
    assert got[0].source == "access" and got[0].observed_at == T - 60
    assert "four eyes" in got[1].summary


def test_a_session_outside_its_grant_fails_and_is_named() -> None:
    record = AccessRecord((grant(),), (session(), session(("no-grant",), None)))
    got = found("remote.sessions", access=record)
    assert got[0].status is Status.NOT_SATISFIED
    assert got[0].summary == "1 of 2 remote sessions were outside their grants"
    assert got[0].items == (
        {
            "client": "10.0.9.5",
            "server": "10.0.1.10",
            "proto": "vnc",
            "vendor": "Acme",
            "grant": None,
            "findings": ["no-grant"],
        },
    )
    assert combine(got)[0] is Status.PARTLY


def test_a_grant_approved_by_its_requester_breaks_four_eyes() -> None:
    record = AccessRecord((grant(), grant("G2", "Ole", "ole")), (session(),))
    assert statuses("remote.sessions", access=record) == [Status.SATISFIED, Status.NOT_SATISFIED]


def test_remote_sessions_without_records_or_sessions_are_not_enough_evidence() -> None:
    assert statuses("remote.sessions") == [Status.NOT_ENOUGH]
    assert found("remote.sessions")[0].summary == (
        "not enough evidence: remote-access grants and sessions not recorded"
    )
    only_requested = AccessRecord((GrantFact("G1", "requested", "Jana", None, None),), ())
    assert statuses("remote.sessions", access=only_requested) == [Status.NOT_ENOUGH, Status.NOT_ENOUGH]
    assert combine(found("remote.sessions", access=only_requested))[0] is Status.NOT_ENOUGH


def test_old_sessions_no_longer_satisfy() -> None:
    record = AccessRecord((grant(),), (session(),))
    stale = run(all_rules()["remote.sessions"], state(access=record, days=45))
    assert stale[0].status is Status.NOT_ENOUGH and "days old" in stale[0].summary


def kept(tmp_path: Path, name: str, data: bytes, recorded: bytes | None = None) -> Kept:
    path = tmp_path / name
    path.write_bytes(data)
    return Kept(str(path), hashlib.sha256(recorded or data).hexdigest(), "Jana", T)


def incident(
    steps: tuple[Step, ...] | None = None,
    decisions: tuple[Decided, ...] = (),
    evidence: tuple[Kept, ...] = (),
    state_: str = "closed",
) -> IncidentRecord:
    if steps is None:
        steps = (Step(T, "Jana", "alert seen", "open"), Step(T + 60, "Ole", "false alarm", "closed"))
    return IncidentRecord("INC-1", state_, steps, decisions, evidence)


def test_incidents_with_timelines_decisions_and_kept_evidence_satisfy(tmp_path: Path) -> None:
    one = incident(
        decisions=(Decided(T + 30, "Ole", "line 2 can stop", "isolate the HMI"),),
        evidence=(kept(tmp_path, "inc-1.pcap", b"frames"),),
    )
    got = found("incidents.decisions", incidents=[one])
    assert [e.status for e in got] == [Status.SATISFIED] * 3
    assert got[0].summary == "1 incidents with 2 timeline steps, each with who and why"
    assert combine(got)[0] is Status.SATISFIED


def test_incident_gaps_fail(tmp_path: Path) -> None:
    unclosed = incident(steps=(Step(T, "Jana", "seen", "open"),))  # state closed, no closing step
    nameless = incident(steps=(Step(T, "", "seen", "open"),), state_="open")
    bare = incident(decisions=(Decided(T, "Ole", " ", "isolate"),))
    changed = incident(evidence=(kept(tmp_path, "inc.pcap", b"changed", b"frames"),))
    got = found("incidents.decisions", incidents=[unclosed, nameless, bare, changed])
    assert [e.status for e in got] == [Status.NOT_SATISFIED] * 3
    assert got[0].summary == "2 of 4 incidents have gaps in their timelines"
    assert [g["gap"] for g in got[0].items] == [
        "closed without a recorded closing step",
        "a step without who or why",
    ]
    assert got[1].summary == "1 of 1 incident decisions lack who or why"


def test_evidence_moved_away_is_partly(tmp_path: Path) -> None:
    moved = kept(tmp_path, "inc.pcap", b"frames")
    Path(moved.path).unlink()
    got = found("incidents.decisions", incidents=[incident(evidence=(moved,))])
    assert got[2].status is Status.PARTLY and "not where they were kept" in got[2].summary


def test_incidents_without_records_decisions_or_evidence_are_not_enough_evidence() -> None:
    assert [e.summary for e in found("incidents.decisions")] == [
        "not enough evidence: incident records not recorded"
    ]
    got = found("incidents.decisions", incidents=[incident()])
    assert [e.status for e in got] == [Status.SATISFIED, Status.NOT_ENOUGH, Status.NOT_ENOUGH]
    assert combine(got)[0] is Status.PARTLY  # satisfied where evidence exists, some missing
