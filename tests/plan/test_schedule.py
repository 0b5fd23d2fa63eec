"""Schedules whose optimum is known by reasoning (the reasoning is in each test)."""

from __future__ import annotations

from typing import Any

from plantwarden.plan.build import make_plan
from tests.plan.helpers import TODAY, model, vuln


def _at(plan: dict[str, Any]) -> dict[str, str | None]:
    return {i["id"]: i["window"] for i in plan["items"]}


def _why(plan: dict[str, Any], item: str) -> str:
    return str(next(i["why"] for i in plan["items"] if i["id"] == item))


def test_a_redundant_pair_is_never_down_together() -> None:
    # Both filling PLCs carry an Immediate CVE and fit w1 (4 h, filling may stop), so each
    # alone would go to w1. The group keeps 1 of 2 up: at most one member per window, so the
    # optimum is one in w1 and the other in w2 (the next window), never both in one.
    plan = make_plan(model(), [vuln("plc-fill-a", "CVE-1"), vuln("plc-fill-b", "CVE-2")], TODAY)
    at = _at(plan)
    assert {at["plc-fill-a"], at["plc-fill-b"]} == {"w1@2027-01-10", "w2@2027-01-17"}
    later = "plc-fill-a" if at["plc-fill-a"] == "w2@2027-01-17" else "plc-fill-b"
    assert "group fill-plcs keeps 1 of 2 up" in _why(plan, later)
    assert plan["status"] == "optimal" and plan["gap"] == 0


def test_a_line_stopping_item_never_goes_into_a_window_that_keeps_its_line_running() -> None:
    # plc-pack alone runs packing, so updating it stops packing. w1 (the earliest) lets only
    # filling stop; the first window that lets packing stop is w2.
    plan = make_plan(model(), [vuln("plc-pack", "CVE-3")], TODAY)
    assert _at(plan)["plc-pack"] == "w2@2027-01-17"
    assert "stops line packing, which w1@2027-01-10 keeps running" in _why(plan, "plc-pack")
    w2 = next(w for w in plan["windows"] if w["id"] == "w2@2027-01-17")
    # PLC default downtime 1.5 h x 2000 EUR/h of packing
    assert w2["lines_stopping"] == ["packing"] and w2["production_cost"] == 3000.0


def test_a_held_vendor_version_waits_for_its_date() -> None:
    # Siemens holds the version until 2027-01-20: hmi-fill (Siemens) fits every window but may
    # only go into one starting on or after that day, i.e. w3 (01-24).
    held = {"qualification": [{"vendor": "Siemens AG", "state": "held", "until": "2027-01-20"}]}
    plan = make_plan(model(remediation=held), [vuln("hmi-fill", "CVE-4")], TODAY)
    assert _at(plan)["hmi-fill"] == "w3@2027-01-24"
    assert "Siemens version for hmi-fill is held until 2027-01-20" in _why(plan, "hmi-fill")


def test_the_declared_upgrade_order_is_kept() -> None:
    # hmi-fill must be updated before plc-pack. On its own plc-pack goes to w2 (the first
    # window letting packing stop). The HMI is held until 01-20, so it can only go to w3; the
    # PLC may not precede it, so the PLC goes to w3 too (same window, HMI first).
    rem = {
        "qualification": [{"vendor": "Siemens", "state": "held", "until": "2027-01-20"}],
        "order": [{"first": "hmi-fill", "then": "plc-pack"}],
    }
    plan = make_plan(model(remediation=rem), [vuln("hmi-fill", "CVE-5"), vuln("plc-pack", "CVE-6")], TODAY)
    at = _at(plan)
    assert at == {"hmi-fill": "w3@2027-01-24", "plc-pack": "w3@2027-01-24"}
    assert "hmi-fill must be updated first" in _why(plan, "plc-pack")


def test_an_infeasible_deadline_gets_a_compensating_control_with_owner_and_expiry() -> None:
    # The vendor holds the PLC version until 2027-02-01, past the Immediate deadline (14 days,
    # 2027-01-18) and past every window: the item cannot be placed; a control holds instead,
    # owned by the role responsible for updates (ot-eng: Anna Berg), expiring at the horizon.
    held = {"qualification": [{"vendor": "Rockwell", "state": "held", "until": "2027-02-01"}]}
    plan = make_plan(model(remediation=held), [vuln("plc-pack", "CVE-7")], TODAY)
    assert _at(plan)["plc-pack"] is None
    (control,) = plan["controls"]
    assert control["item"] == "plc-pack"
    assert control["owner"] == "ot-eng (Anna Berg)"
    assert control["expires"].startswith("2027-07-03")  # TODAY + 180 days
    assert control["kind"] == "alert-writes"
    assert "held until 2027-02-01" in _why(plan, "plc-pack")
