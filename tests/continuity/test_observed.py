"""Observed traffic held against declared dependencies (data/zones.yaml and its capture)."""

from __future__ import annotations

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.continuity.observed import NOT_OBSERVED, observed_report
from tests.continuity.helpers import ZONES_CAPTURE, site


def test_missing_not_observed_and_not_covered() -> None:
    model, graph = site("zones")
    report = observed_report(model, graph, [analyze_capture(ZONES_CAPTURE).doc])
    missing = {(m["dependent"], m["requires"]) for m in report.missing}
    # scada-01 -> opc-01 and scada-01 -> sis-01 are related through plc-01: not suggested
    assert missing == {
        ("office-01", "ops-srv"),
        ("office-01", "plc-01"),
        ("scada-01", "ops-srv"),
        ("ops-srv", "plc-01"),
        ("plc-01", "ops-srv"),
    }
    evidence = next(m for m in report.missing if m["dependent"] == "office-01" and m["requires"] == "plc-01")
    assert evidence["evidence"][0]["proto"] == "modbus" and evidence["evidence"][0]["port"] == 502
    assert [(x["dependent"], x["requires"], x["status"]) for x in report.not_observed] == [
        ("plc-01", "sis-01", NOT_OBSERVED)
    ]
    assert [(x["dependent"], x["requires"]) for x in report.not_covered] == [("scada-01", "jump-01")]
    assert {(x["dependent"], x["requires"]) for x in report.confirmed} == {
        ("plc-01", "opc-01"),
        ("scada-01", "plc-01"),
    }
