"""OR-Tools CP-SAT (``plan --solver cpsat``, the plantwarden[cpsat] extra) on the hand-built site
models of test_schedule.py: the same optimum as CBC, every placement constraint held, and for an
item no window takes by its deadline, the binding constraints from CP-SAT's infeasible core.

CI installs the extra (the Makefile's test line), so these run there: ortools is imported, not
skipped."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import ortools  # noqa: F401  (the extra must be installed where the tests run)
import pytest

from plantwarden.plan.build import make_plan, problem_of
from plantwarden.plan.items import build_items
from plantwarden.plan.problem import Problem, ineligible
from plantwarden.plan.solve import Solution, solve
from plantwarden.plan.solve_cpsat import solve_cpsat
from tests.plan.helpers import TODAY, model, vuln, window
from tests.plan.test_plan_cmd import db, run

__all__ = ["db"]

HELD = {"qualification": [{"vendor": "Siemens", "state": "held", "until": "2027-01-20"}]}
ORDER = {**HELD, "order": [{"first": "hmi-fill", "then": "plc-pack"}]}
EXTRA = "the optional extra: pip install 'plantwarden[cpsat]'"
ALL = ["plc-fill-a", "plc-fill-b", "plc-pack", "hmi-fill"]
#: (name, site model extras, vulnerable assets): the scenarios of test_schedule.py and more
CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("redundant pair", {}, ["plc-fill-a", "plc-fill-b"]),
    ("line stop", {}, ["plc-pack"]),
    ("vendor hold", {"remediation": HELD}, ["hmi-fill"]),
    ("upgrade order", {"remediation": ORDER}, ["hmi-fill", "plc-pack"]),
    ("all four", {"remediation": ORDER}, ALL),
    ("crew hours", {"remediation": {"crew_hours_per_window": 3.5}}, ALL),
]


def _problem(extra: dict[str, Any], assets: list[str]) -> Problem:
    m = model(**extra)
    items = build_items(m, [vuln(a, f"CVE-{n}") for n, a in enumerate(assets)], TODAY, 180)
    return problem_of(m, items, TODAY, 180, [])


def _holds(problem: Problem, s: Solution) -> None:
    """Every constraint of docs/plan.md on the solution's placement."""
    index = {x.id: j for j, x in enumerate(problem.slots)}
    at = {i: index[w] for i, w in s.placement.items() if w is not None}
    items = {i.id: i for i in problem.items}
    for item_id, j in at.items():
        assert ineligible(items[item_id], problem.slots[j]) is None, (item_id, j)
    for g in problem.groups:
        for j in set(at.values()):
            down = [
                i for i, k in at.items() if k == j and items[i].asset in g.members and items[i].downtime > 0
            ]
            assert len(down) <= g.tolerated, (g.name, j, down)
    for first, then in problem.order:
        if then in at:
            assert first in at and at[first] <= at[then]
    if problem.crew_hours is not None:
        for j in set(at.values()):
            assert sum(items[i].duration for i, k in at.items() if k == j) <= problem.crew_hours + 1e-9


@pytest.mark.parametrize(("name", "extra", "assets"), CASES, ids=[c[0] for c in CASES])
def test_cpsat_reaches_cbcs_optimum_and_keeps_every_constraint(
    name: str, extra: dict[str, Any], assets: list[str]
) -> None:
    problem = _problem(extra, assets)
    cbc, cpsat = solve(problem), solve_cpsat(problem)
    assert cbc.status == cpsat.status == "optimal"
    assert cpsat.objective == pytest.approx(cbc.objective, rel=1e-9)
    assert cpsat.gap == 0
    assert cpsat.solver.startswith("CP-SAT (OR-Tools 9.")
    _holds(problem, cpsat)


def test_cpsat_places_the_known_best_schedules() -> None:
    # the reasoning of test_schedule.py: plc-pack first fits w2 (w1 keeps packing running); the
    # held HMI waits for w3 (01-24, after the 01-20 hold); with the order the PLC follows it there
    assert solve_cpsat(_problem({}, ["plc-pack"])).placement == {"plc-pack": "w2@2027-01-17"}
    assert solve_cpsat(_problem({"remediation": HELD}, ["hmi-fill"])).placement == {
        "hmi-fill": "w3@2027-01-24"
    }
    both = solve_cpsat(_problem({"remediation": ORDER}, ["hmi-fill", "plc-pack"])).placement
    assert both == {"hmi-fill": "w3@2027-01-24", "plc-pack": "w3@2027-01-24"}


def _why(plan: dict[str, Any], item: str) -> str:
    return str(next(i["why"] for i in plan["items"] if i["id"] == item))


def test_a_late_item_names_the_redundancy_group_and_its_partners_deadline() -> None:
    # Only w1 (01-10) comes before the Immediate deadline (01-18); w3 (01-24) is the next. Both
    # filling PLCs need w1 and the group keeps 1 of 2 up, so one goes to w3, late. Its binding
    # constraints: the group in w1, and the partner keeping its own deadline there.
    windows = [window("w1", 10, 4, ["filling"]), window("w3", 24, 4, ["filling", "packing"])]
    plan = make_plan(
        model(maintenance_windows=windows),
        [vuln("plc-fill-a", "CVE-1"), vuln("plc-fill-b", "CVE-2")],
        TODAY,
        solver="cpsat",
    )
    at = {i["id"]: i["window"] for i in plan["items"]}
    late = "plc-fill-a" if at["plc-fill-a"] == "w3@2027-01-24" else "plc-fill-b"
    other = "plc-fill-b" if late == "plc-fill-a" else "plc-fill-a"
    assert at[other] == "w1@2027-01-10"
    why = _why(plan, late)
    assert "CP-SAT: it cannot be in a window by its deadline 2027-01-18 because" in why
    assert "group fill-plcs keeps 1 of 2 up (in w1@2027-01-10)" in why
    assert f"{other} keeps its deadline 2027-01-18" in why
    (control,) = plan["controls"]  # late: a control until w3, owned by the RACI's responsible
    assert control["item"] == late and control["expires_with"] == "w3@2027-01-24"
    assert control["owner"] == "ot-eng (Anna Berg)"
    assert plan["solver"].startswith("CP-SAT")


def test_a_late_item_names_the_upgrade_order_and_the_vendor_hold_and_nothing_more() -> None:
    # plc-pack (deadline 01-18) could go to w1 or w2 before it. w1 also keeps packing running,
    # but that does not bind: in either window the PLC needs hmi-fill updated first (order) and
    # Siemens holds the HMI's version until 01-20. Order and hold together are the minimal set;
    # the running line is not part of it (dropping it alone does not help).
    plan = make_plan(
        model(remediation=ORDER),
        [vuln("hmi-fill", "CVE-5"), vuln("plc-pack", "CVE-6")],
        TODAY,
        solver="cpsat",
    )
    binding = _why(plan, "plc-pack").split("CP-SAT: ")[1]
    assert binding == (
        "it cannot be in a window by its deadline 2027-01-18 because "
        "Siemens version for hmi-fill is held until 2027-01-20; "
        "hmi-fill must be updated before plc-pack (remediation.order)"
    )


def test_crew_hours_bind_a_late_item() -> None:
    # 3.5 crew hours per window. w1 holds plc-fill-a (2 h) and hmi-fill (1.5 h); w2 holds
    # plc-pack (2 h, its first window); plc-fill-b (2 h) fits in neither w1 (group, crew) nor
    # w2 (crew) before the deadline: whichever filling PLC goes late, w2's crew hours bind it.
    plan = make_plan(
        model(remediation={"crew_hours_per_window": 3.5}),
        [vuln(a, f"CVE-{a}") for a in ALL],
        TODAY,
        solver="cpsat",
    )
    late = [i for i in plan["items"] if i["window"] == "w3@2027-01-24"]
    assert len(late) == 1
    assert "the crew's 3.5 h per window (in w2@2027-01-17" in late[0]["why"]


def test_the_dairy_plan_by_cpsat_matches_cbc_and_records_the_solver(
    db: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["plan", "--json", *db], capsys)
    assert code == 0, err
    cbc = json.loads(out)
    code, out, err = run(["plan", "--solver", "cpsat", "--json", *db], capsys)
    assert code == 0, err
    cpsat = json.loads(out)
    assert cpsat["objective"] == pytest.approx(cbc["objective"], abs=1e-3)
    assert cpsat["status"] == "optimal" and cpsat["gap"] == 0
    code, out, _ = run(["plan", "show", "--json", *db], capsys)
    stored = json.loads(out)
    assert stored["run"] == cpsat["run"] and stored["solver"].startswith("CP-SAT (OR-Tools ")
    # plc-recv stops lines no window lets stop: deferred, and CP-SAT says which windows keep them running
    why = _why(cpsat, "plc-recv")
    assert "CP-SAT: it cannot be in a window within the horizon because plc-recv stops line" in why


def test_cpsat_without_ortools_is_one_line_naming_the_extra_exit_2(
    db: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ortools", None)  # what Python does for a package not installed
    monkeypatch.delitem(sys.modules, "ortools.sat.python.cp_model", raising=False)
    monkeypatch.delitem(sys.modules, "ortools.sat.python", raising=False)
    monkeypatch.delitem(sys.modules, "ortools.sat", raising=False)
    code, out, err = run(["plan", "--solver", "cpsat", *db], capsys)
    assert code == 2 and "Traceback" not in err + out
    (line,) = err.strip().splitlines()
    assert line == f"plantwarden: error: --solver cpsat needs OR-Tools, {EXTRA}"


def test_an_unknown_solver_is_one_line_exit_2(db: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["plan", "--solver", "gurobi", *db], capsys)
    assert code == 2 and err.strip() == "plantwarden: error: --solver gurobi: expected one of cbc, cpsat"


def test_the_cpsat_extra_is_declared_and_installed_by_the_test_line() -> None:
    root = Path(__file__).resolve().parents[2]
    assert '"ortools>=' in (root / "pyproject.toml").read_text()
    assert ".[test,dev,cpsat]" in (root / "Makefile").read_text()
