"""The record rules on small constructed states: inventory against the traffic, monitoring,
baseline age, alert handling, RACI, end of support, vendor remote access, zones declared, the
audit log; and the rules that wait for capabilities not in this plantwarden."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plantwarden.compliance.evidence import Status
from plantwarden.compliance.rules import all_rules, run
from plantwarden.compliance.sources import AuditRecord, BaselineRecord
from plantwarden.detect.model import Alert, Severity
from tests.compliance.helpers import DAY, by_zone, captured_at, model, state

RACI = """
roles:
  - {id: ops-team, kind: ot_production, team: Operations}
  - {id: boss, kind: ot_production, people: [Ann Boss]}
raci:
  - {subject: {line: line-a}, responsible: [ops-team], accountable: [boss]}
"""


def one(rule: str, st: object) -> tuple[Status, str]:
    (only,) = run(all_rules()[rule], st)  # type: ignore[arg-type]
    return only.status, only.summary


def test_every_device_seen_is_declared_except_in_a_zone_never_seen() -> None:
    assert by_zone(run(all_rules()["inventory.coverage"], state())) == {
        "ops": "satisfied",
        "cell": "satisfied",
        "sis": "satisfied",
        "office": "satisfied",
        "dmz": "not enough evidence",
    }


def test_a_device_seen_but_not_declared_fails_its_zone() -> None:
    site = model(
        {
            "  - {name: opc-01, role: opc_server, zone: cell, ips: [127.0.6.10]}\n": "",
            "  - {dependent: plc-01, requires: opc-01}      # observed (.9 -> .10)\n": "",
        }
    )
    found = {e.zone: e for e in run(all_rules()["inventory.coverage"], state(site))}
    assert found["cell"].status is Status.NOT_SATISFIED
    assert {"address": "127.0.6.10", "declared": False} in found["cell"].items


def test_monitoring_covers_the_zones_the_captures_show() -> None:
    found = by_zone(run(all_rules()["monitoring.coverage"], state()))
    assert found == {
        "ops": "satisfied",
        "cell": "satisfied",
        "sis": "satisfied",
        "office": "satisfied",
        "dmz": "not satisfied",
    }


def baseline(days_old: float) -> list[BaselineRecord]:
    made = datetime.fromtimestamp(captured_at() + DAY - days_old * DAY, UTC)
    return [BaselineRecord(3, made, "normal.pcap")]


@pytest.mark.parametrize(("age", "status"), [(10, Status.SATISFIED), (120, Status.PARTLY)])
def test_the_baseline_counts_while_it_is_recent(age: float, status: Status) -> None:
    got, said = one("baseline.age", state(baselines=baseline(age)))
    assert got is status and "v3" in said


def alert(aid: str, severity: Severity, state_: str) -> Alert:
    return Alert(
        aid, "new-talker", "t", severity, [], "a", "b", [], 0.0, captured_at(), 1, [], "", state=state_
    )


@pytest.mark.parametrize(
    ("alerts", "status"),
    [
        ([], Status.SATISFIED),
        ([alert("a1", Severity.HIGH, "acknowledged"), alert("a2", Severity.LOW, "closed")], Status.SATISFIED),
        ([alert("a1", Severity.MEDIUM, "new")], Status.PARTLY),
        ([alert("a1", Severity.CRITICAL, "new"), alert("a2", Severity.LOW, "new")], Status.NOT_SATISFIED),
    ],
)
def test_alerts_are_handled_when_none_stays_unacknowledged(alerts: list[Alert], status: Status) -> None:
    assert one("alerts.handled", state(baselines=baseline(1), alerts=alerts))[0] is status


def test_alerts_without_a_baseline_are_not_enough_evidence_of_monitoring() -> None:
    assert (
        one("alerts.handled", state(alerts=[]))[1] == "not enough evidence: a learned baseline not recorded"
    )


def test_raci_none_assigned_fails_one_row_assigned_is_partly() -> None:
    assert one("raci.complete", state())[0] is Status.NOT_SATISFIED
    got, said = one("raci.complete", state(model(extra=RACI)))
    assert got is Status.PARTLY and "gray areas" in said


def test_end_of_support_per_zone() -> None:
    site = model(
        {
            "ips: [127.0.6.9]}": "ips: [127.0.6.9], end_of_support: 2020-01-01}",
            "ips: [127.0.6.10]}": "ips: [127.0.6.10], end_of_support: 2099-01-01}",
            "ips: [127.0.6.13]}": "ips: [127.0.6.13], end_of_support: 2099-01-01}",
        }
    )
    found = {e.zone: e for e in run(all_rules()["lifecycle.support"], state(site))}
    assert found["cell"].status is Status.PARTLY and found["cell"].items[0]["legacy"] == ["plc-01"]
    assert found["sis"].status is Status.SATISFIED
    assert found["ops"].status is Status.PARTLY and "unknown" in found["ops"].summary


VENDORS = """
vendors:
  - {company: Good Vendor, assets: [plc-01], remote_access: vpn, via: jump-01}
  - {company: Quiet Vendor, assets: [sis-01], remote_access: none}
"""


def test_vendor_remote_access_through_a_managed_path_or_not() -> None:
    assert one("remote.declared", state())[0] is Status.NOT_ENOUGH  # no vendors declared
    assert one("remote.declared", state(model(extra=VENDORS)))[0] is Status.SATISFIED
    modem = VENDORS.replace("remote_access: vpn, via: jump-01", "remote_access: modem")
    got, said = one("remote.declared", state(model(extra=modem)))
    assert got is Status.NOT_SATISFIED and "Good Vendor" in said


def test_zones_declared_with_conduits_enforced() -> None:
    assert one("zones.defined", state())[0] is Status.PARTLY  # conduits with no enforcing device
    enforced = model(extra="").model_copy(
        update={"conduits": tuple(c.model_copy(update={"enforced_by": "jump-01"}) for c in model().conduits)}
    )
    assert one("zones.defined", state(enforced))[0] is Status.SATISFIED


def test_the_audit_log_satisfies_only_while_its_chain_verifies() -> None:
    assert one("audit.chain", state(audit=AuditRecord(4, True, captured_at())))[0] is Status.SATISFIED
    got, said = one("audit.chain", state(audit=AuditRecord(4, False, captured_at(), "entry 2 was changed")))
    assert got is Status.NOT_SATISFIED and "entry 2" in said
    assert one("audit.chain", state())[1] == "not enough evidence: an audit log not recorded"
