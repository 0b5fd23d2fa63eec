"""``plan.decisions`` on small constructed plan runs (the zones site judged a day after its
capture), and its source on a real store: the dairy plan solved and stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from plantwarden.compliance.evidence import Status
from plantwarden.compliance.rules import all_rules, run
from plantwarden.compliance.rules_plan import plan_record
from plantwarden.compliance.sources import StoreRef
from plantwarden.site.use import read_site
from plantwarden.store.sites import choose_site, store_site_version
from tests.compliance.helpers import captured_at, state

DAIRY = Path(__file__).resolve().parents[2] / "examples" / "dairy" / "site.yaml"


def plan(age_days: float = 1.0, **changes: Any) -> dict[str, Any]:
    made = datetime.fromtimestamp(captured_at(), UTC) - timedelta(days=age_days)
    body: dict[str, Any] = {
        "run": 3,
        "created_at": made.isoformat(),
        "solver": "CBC",
        "status": "optimal",
        "items": [
            {"id": "plc-a", "window": "sat@2026-12-12", "why": "first window allowing line filling"},
            {"id": "plc-b", "window": None, "why": "group fill keeps 1 of 2 up; moved past the horizon"},
        ],
        "controls": [{"item": "plc-b", "owner": "filling-integrator", "expires": "2027-06-05"}],
    }
    return {**body, **changes}


def judged(record: dict[str, Any] | None) -> tuple[Status, str, list[str]]:
    st = state() if record is None else state(plan=record)
    (found,) = run(all_rules()["plan.decisions"], st)
    return found.status, found.summary, [str(i["problem"]) for i in found.items]


def test_every_item_placed_or_deferred_with_its_reason_and_an_owned_control_is_satisfied() -> None:
    got, said, problems = judged(plan())
    assert got is Status.SATISFIED and "2 items, 1 in a window, 1 compensating controls" in said
    assert problems == []


def test_an_item_without_a_window_or_a_reason_is_not_satisfied() -> None:
    items = [{"id": "plc-a", "window": None, "why": ""}]
    got, _, problems = judged(plan(items=items))
    assert got is Status.NOT_SATISFIED and problems == ["not scheduled and no reason recorded"]


def test_a_control_without_an_owner_or_expiry_is_not_satisfied() -> None:
    got, _, problems = judged(plan(controls=[{"item": "plc-b", "owner": "", "expires": "2027-06-05"}]))
    assert got is Status.NOT_SATISFIED and problems == ["compensating control without owner or expiry"]


def test_an_unsolved_plan_is_not_satisfied() -> None:
    got, _, problems = judged(plan(status="infeasible"))
    assert got is Status.NOT_SATISFIED and "solver status is 'infeasible'" in problems[0]


def test_a_plan_older_than_a_month_no_longer_satisfies_and_none_is_not_recorded() -> None:
    got, said, _ = judged(plan(age_days=45))
    assert got is Status.NOT_ENOUGH and "46 days old (counts for 30)" in said  # judged a day on
    none = "not enough evidence: remediation plan decisions not recorded"
    assert judged(None)[:2] == (Status.NOT_ENOUGH, none)


def test_the_source_reads_the_latest_stored_run(tmp_path: Path) -> None:
    from plantwarden.plan.service import run_plan

    url = f"sqlite:///{tmp_path / 'pw.db'}"
    model, text = read_site(DAIRY)
    store_site_version(url, model, str(DAIRY), text)
    ref = StoreRef(url, choose_site(url, None).id)
    assert plan_record(ref) is None
    run_plan(url, None)
    stored = plan_record(ref)
    assert stored is not None and stored["status"] in ("optimal", "feasible") and stored["items"]
    assert stored["control_checks"] == []  # none run yet
    got, _, _ = judged(stored)
    assert got is Status.SATISFIED  # the dairy: every item placed or deferred with its reason


def test_a_broken_control_is_not_satisfied_and_holding_ones_are_counted() -> None:
    broken = {"item": "plc-b", "state": "broken", "summary": "tcp 10.0.2.6 -> 10.0.1.9:502 modbus (b.pcap)"}
    got, said, problems = judged(plan(control_checks=[broken]))
    assert got is Status.NOT_SATISFIED
    assert problems == ["compensating control broken: tcp 10.0.2.6 -> 10.0.1.9:502 modbus (b.pcap)"]
    holds = {"item": "plc-b", "state": "holds", "summary": "no flow outside its 1 allowed flows"}
    got, said, problems = judged(plan(control_checks=[holds]))
    assert got is Status.SATISFIED and problems == [] and "(1 of 1 checked on later captures hold)" in said
    waiting = {"item": "plc-b", "state": "no_data", "summary": "no data yet"}
    assert judged(plan(control_checks=[waiting]))[0] is Status.SATISFIED  # nothing seen is no breach
