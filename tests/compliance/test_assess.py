"""A framework assessed on a state: combining rules, SL-T per zone, statements, weakest areas;
every requirement has a status with evidence or a reason."""

from __future__ import annotations

import pytest

from plantwarden.compliance.assess import assess, judge, weakest
from plantwarden.compliance.catalog import CPG, CSF, IEC, load
from plantwarden.compliance.evidence import Evidence, Status, combine
from tests.compliance.helpers import model, state


def ev(status: Status, summary: str = "s") -> Evidence:
    return Evidence("r", status, summary, "captures")


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], Status.NOT_ASSESSED),
        ([Status.NOT_ENOUGH, Status.NOT_ENOUGH], Status.NOT_ENOUGH),
        ([Status.SATISFIED, Status.SATISFIED], Status.SATISFIED),
        ([Status.SATISFIED, Status.NOT_ENOUGH], Status.PARTLY),  # never satisfied with evidence missing
        ([Status.NOT_SATISFIED, Status.NOT_SATISFIED], Status.NOT_SATISFIED),
        ([Status.NOT_SATISFIED, Status.SATISFIED], Status.PARTLY),
        ([Status.PARTLY], Status.PARTLY),
    ],
)
def test_combining_rules(statuses: list[Status], expected: Status) -> None:
    assert combine([ev(s) for s in statuses])[0] is expected


@pytest.mark.parametrize("framework", [IEC, CSF, CPG])
def test_every_requirement_has_a_status_and_a_reason(framework: str) -> None:
    a = assess(state(), framework)
    assert len(a.results) == len(load(framework).requirements)
    for r in a.results:
        assert r.reason, r.requirement.id
        if r.status in (Status.SATISFIED, Status.NOT_SATISFIED, Status.PARTLY):
            assert r.evidence and any(e.status is not Status.NOT_ENOUGH for e in r.evidence)
        if r.status is Status.NOT_ASSESSED:
            assert not r.rules


def test_segmentation_on_the_zones_capture() -> None:
    sr51 = judge(state(), load(IEC).get("SR 5.1"))  # type: ignore[arg-type]
    assert sr51.status is Status.PARTLY  # zones declared, violations and flat subnets in some zones
    assert sr51.target_sl == {"ops": 2, "cell": 3, "sis": 3, "office": 1, "dmz": 2}
    assert {e.rule for e in sr51.evidence} == {"zones.defined", "conduits.conformance", "zones.flat"}


def test_a_zone_at_sl_t_0_for_an_fr_asks_nothing_of_it() -> None:
    site = model(
        {
            "sl_t: 1, cidrs: [127.0.6.16/30]": "sl_t: 1, sl_t_fr: {rdf: 0}, cidrs: [127.0.6.16/30]"
        }
    )
    sr51 = judge(state(site), load(IEC).get("SR 5.1"))  # type: ignore[arg-type]
    assert all(e.zone != "office" for e in sr51.evidence)
    assert "zones at SL-T 0 for FR 5 left out: office" in sr51.reason
    sr41 = judge(state(site), load(IEC).get("SR 4.1"))  # type: ignore[arg-type]
    assert any(e.zone == "office" for e in sr41.evidence)  # FR 4 keeps the zone's sl_t 1


def test_zone_option_judges_one_zone() -> None:
    sis = judge(state(zone="sis"), load(IEC).get("SR 5.2"))  # type: ignore[arg-type]
    assert sis.status is Status.SATISFIED and {e.zone for e in sis.evidence} == {"sis"}


def test_statements_are_shown_beside_and_never_change_the_status() -> None:
    st = state()
    st.statements.append(
        {"requirement": "iec62443-3-3:SR 1.1", "by": "Ann", "why": "AD policy", "created_at": 1.0}
    )
    sr11 = judge(st, load(IEC).get("SR 1.1"))  # type: ignore[arg-type]
    assert sr11.status is Status.NOT_ASSESSED and sr11.statements[0]["by"] == "Ann"


def test_weakest_areas_are_the_groups_doing_worst() -> None:
    groups = weakest(assess(state(), IEC))
    assert len(groups) == 3
    scores = [g["score"] for g in groups]
    assert scores == sorted(scores)
    assert groups[0]["group"] in {"FR 3", "FR 4", "FR 5"}  # cleartext and segmentation fail on this capture
