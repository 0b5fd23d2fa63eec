"""The traffic rules on the zones capture (real pymodbus/asyncua stacks) against the zones
site: what each rule must find there, and how the site model changes it.

The capture holds: ops -> cell opcua (conduit allows modbus only), office -> cell modbus (no
conduit), cell -> ops modbus/5020 (conduit runs the other way), office -> ops modbus/5020 and
ops -> sis modbus (allowed); all hosts in one /24; dmz never seen.
"""

from __future__ import annotations

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.compliance.evidence import Status
from plantwarden.compliance.rules import all_rules, run
from plantwarden.compliance.sources import CaptureRecord, SiteRecord
from plantwarden.compliance.state import State
from plantwarden.site import load_site_text
from tests.compliance.helpers import ROOT, by_zone, model, state

CAPTURES = ROOT / "tests" / "data" / "captures"

ALLOW_ALL = """
  - {name: ops-to-cell-opcua, from: ops, to: cell, allow: [opcua]}
  - {name: office-to-cell, from: office, to: cell, allow: [modbus]}
  - {name: cell-to-ops, from: cell, to: ops, allow: [modbus/5020]}
"""


def evidence(rule: str, **kwargs: object) -> dict[str | None, str]:
    return by_zone(run(all_rules()[rule], state(**kwargs)))  # type: ignore[arg-type]


def test_conduits_judge_each_zone_that_traffic_shows() -> None:
    assert evidence("conduits.conformance") == {
        "ops": "not satisfied",
        "cell": "not satisfied",
        "office": "not satisfied",
        "sis": "satisfied",  # ops -> sis modbus is what ops-to-sis allows
        "dmz": "not enough evidence",  # never seen: never "satisfied"
    }


def test_conduits_that_allow_every_observed_flow_satisfy_every_seen_zone() -> None:
    site = model({"conduits:\n": "conduits:" + ALLOW_ALL})
    found = by_zone(run(all_rules()["conduits.conformance"], state(site)))
    assert found == {z: "satisfied" for z in ("ops", "cell", "office", "sis")} | {
        "dmz": "not enough evidence"
    }


def test_the_evidence_names_the_flows_and_the_source() -> None:
    items = run(all_rules()["conduits.conformance"], state())
    office = next(e for e in items if e.zone == "office")
    assert office.source == "captures" and office.observed_at is not None
    assert [(g["client"], g["server_zone"], g["service"]) for g in office.items] == [
        ("127.0.6.17", "cell", "modbus")
    ]


def test_flat_networks_fail_the_zones_that_share_a_subnet_across_trust() -> None:
    assert evidence("zones.flat") == {
        "ops": "satisfied",
        "cell": "not satisfied",
        "sis": "not satisfied",
        "office": "not satisfied",
        "dmz": "not enough evidence",
    }


def test_exposure_paths_are_judged_for_control_and_safety_zones_only() -> None:
    assert evidence("exposure.paths") == {"cell": "not satisfied", "sis": "satisfied"}


def test_cleartext_crossing_a_boundary_fails_at_sl_t_2_and_is_partly_below() -> None:
    assert evidence("cleartext.engineering") == {
        "ops": "not satisfied",  # SL-T 2: office -> ops modbus
        "cell": "not satisfied",
        "sis": "not satisfied",
        "office": "partly",  # SL-T 1
        "dmz": "not enough evidence",
    }


def test_a_zone_sl_t_per_fr_decides_the_cleartext_judgement() -> None:
    site = model(
        {
            "sl_t: 2, cidrs: [127.0.6.4/30]": "sl_t: 2, sl_t_fr: {dc: 1}, cidrs: [127.0.6.4/30]"
        }
    )
    assert by_zone(run(all_rules()["cleartext.engineering"], state(site)))["ops"] == "partly"


def test_no_it_service_in_control_and_safety_zones_is_satisfied() -> None:
    assert evidence("services.unused") == {"cell": "satisfied", "sis": "satisfied"}


IT_SITE = """
site: {name: it services, timezone: UTC, currency: EUR}
zones:
  - {name: cell, level: control, sl_t: 3, cidrs: [127.0.5.0/30]}
  - {name: office, level: enterprise, sl_t: 1, cidrs: [127.0.0.0/30]}
conduits:
  - {name: office-to-cell, from: office, to: cell, allow: [smb, syslog]}
assets:
  - {name: plc-web, role: plc, zone: cell, ips: [127.0.5.1]}
  - {name: ews, role: engineering_workstation, zone: cell, ips: [127.0.5.2]}
  - {name: office-pc, role: it_workstation, zone: office, ips: [127.0.0.1]}
"""


def test_services_unused_names_what_a_control_host_serves_that_no_conduit_needs() -> None:
    # it-python.pcap: real Python servers on 127.0.5.1 (ftp, http, tftp from .2; smb from .1)
    doc = analyze_capture(CAPTURES / "it-python.pcap").doc
    record = CaptureRecord(doc["name"], doc["first_ts"], doc["last_ts"], doc["last_ts"], doc)
    site = load_site_text(IT_SITE, "it.yaml")
    st = State({"site": SiteRecord(site, doc["last_ts"]), "captures": [record]}, doc["last_ts"] + 3600)
    (cell,) = [e for e in run(all_rules()["services.unused"], st) if e.zone == "cell"]
    assert cell.status is Status.NOT_SATISFIED
    assert sorted({i["proto"] for i in cell.items}) == ["ftp", "http", "tftp"]  # smb: the conduit needs it
    clear = {e.zone: e for e in run(all_rules()["cleartext.engineering"], st)}
    assert clear["cell"].status is Status.PARTLY and "inside zone cell only" in clear["cell"].summary


def test_stale_captures_never_satisfy_but_a_violation_stays_a_finding() -> None:
    found = {e.zone: e for e in run(all_rules()["conduits.conformance"], state(days=31))}
    assert found["sis"].status is Status.NOT_ENOUGH and "days old" in found["sis"].summary
    assert found["office"].status is Status.NOT_SATISFIED


def test_zone_option_keeps_that_zone_only() -> None:
    assert evidence("conduits.conformance", zone="sis") == {"sis": "satisfied"}


def test_without_captures_every_traffic_rule_says_what_is_missing() -> None:
    for rule in (
        "conduits.conformance",
        "zones.flat",
        "exposure.paths",
        "cleartext.engineering",
        "services.unused",
    ):
        (only,) = run(all_rules()[rule], state(captures=None))
        assert only.status is Status.NOT_ENOUGH
        assert only.summary == "not enough evidence: analysed captures not recorded"
