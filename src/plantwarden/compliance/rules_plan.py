"""``plan.decisions``: patch and remediation decisions are recorded and scheduled. Its source
``plan`` reads the site's latest stored plan run (plantwarden.plan); the rule checks that the run
was solved, that every item has a window or a reason in words, that every item not fixed
in time has a compensating control with an owner and an expiry, and that no control's latest
check on later captures found it broken (plantwarden.plan.evidence)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from plantwarden.compliance.evidence import Evidence, Status
from plantwarden.compliance.rules import rule
from plantwarden.compliance.sources import StoreRef, source
from plantwarden.compliance.state import State

RULE = "plan.decisions"
MAX_AGE_DAYS = 30.0  # a plan older than a month no longer shows what is decided now
SOLVED = ("optimal", "feasible")


@source("plan")
def plan_record(ref: StoreRef) -> dict[str, Any] | None:
    """The latest plan run's document (None: never planned)."""
    from plantwarden.plan.evidence_store import stored
    from plantwarden.plan.store import latest_run

    run = latest_run(ref.url, ref.site_id)
    if run is not None:
        run["control_checks"] = stored(ref.url, ref.site_id, int(run["run"]))
    return run


def _problems(run: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if run.get("status") not in SOLVED:
        found.append({"item": None, "problem": f"the plan's solver status is {run.get('status')!r}"})
    controlled = {c["item"]: c for c in run.get("controls") or []}
    for item in run.get("items") or []:
        if item.get("window") is None and not item.get("why"):
            found.append({"item": item["id"], "problem": "not scheduled and no reason recorded"})
    for name, control in controlled.items():
        if not control.get("owner") or not control.get("expires"):
            found.append({"item": name, "problem": "compensating control without owner or expiry"})
    for check in run.get("control_checks") or []:  # the latest stored check of each control
        if check["state"] == "broken":
            found.append(
                {"item": check["item"], "problem": f"compensating control broken: {check['summary']}"}
            )
    return found


@rule(RULE, ("plan",), "Patch and remediation decisions are recorded and scheduled")
def decisions(state: State) -> list[Evidence]:
    run: dict[str, Any] = state.get("plan")
    at = datetime.fromisoformat(run["created_at"]).timestamp()
    items = run.get("items") or []
    placed = sum(1 for i in items if i.get("window") is not None)
    counts = (
        f"plan run {run.get('run')} ({run.get('solver')}, {run.get('status')}): {len(items)} items, "
        f"{placed} in a window, {len(run.get('controls') or [])} compensating controls"
    )
    checked = run.get("control_checks") or []
    if checked:
        held = sum(1 for c in checked if c["state"] == "holds")
        counts += f" ({held} of {len(checked)} checked on later captures hold)"
    found = _problems(run)
    if found:
        status, said = Status.NOT_SATISFIED, f"{len(found)} undecided, unowned or broken: {counts}"
    elif not items:
        status, said = Status.PARTLY, f"a plan with nothing to schedule: {counts}"
    else:
        status, said = Status.SATISFIED, f"every item scheduled or deferred with its reason: {counts}"
    return [Evidence(RULE, status, said, "plan", at, MAX_AGE_DAYS, tuple(found[:50]))]
