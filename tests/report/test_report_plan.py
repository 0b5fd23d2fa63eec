"""The remediation plan section of ``plantwarden report`` on the dairy: every figure in the page
equals the stored plan's own (``plan show --json``), read back from the HTML; without a stored
plan the section says so in one line and names the command that makes one."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from plantwarden.continuity.text import money
from tests.plan.helpers import site
from tests.plan.test_plan_cmd import db, run

__all__ = ["db"]


class Tables(HTMLParser):
    """Rows of every table by class: each cell as (text, data-sort or None)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self.h3: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._sort: str | None = None
        self._in_h3 = False
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = (a.get("class") or "").split()[0]
            self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._table and self._in_body:
            self.tables[self._table].append([])
        elif tag == "td" and self._table:
            self._cell, self._sort = [], a.get("data-sort")
        elif tag == "h3":
            self._in_h3 = True
            self.h3.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._table and self._cell is not None:
            self.tables[self._table][-1].append(("".join(self._cell), self._sort))
            self._cell = None
        elif tag == "table":
            self._table, self._in_body = None, False
        elif tag == "h3":
            self._in_h3 = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_h3:
            self.h3[-1] += data


def _report(db: list[str], capsys: pytest.CaptureFixture[str], path: Path) -> str:
    code, _, err = run(["report", "--out", str(path), "--force", *db], capsys)
    assert code == 0, err
    return path.read_text(encoding="utf-8")


def test_without_a_stored_plan_the_section_says_how_to_make_one(
    db: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = _report(db, capsys, tmp_path / "r.html")
    assert (
        "<h2>Remediation plan</h2><p>No remediation plan is stored for this site yet: "
        "run <code>plantwarden plan</code> to make one.</p>"
    ) in page


@pytest.fixture
def built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The hand-built site of tests/plan, every PLC past its end of support, one weekly window
    letting both lines stop: its plan stops packing (plc-pack) at a cost, unlike the dairy's."""
    doc = site()
    for a in doc["assets"]:
        if a["role"] == "plc":
            a["end_of_support"] = "2020-01-01"
    weekly = {"every": "1 week", "on": "sunday", "start": "22:00", "end": "02:00"}
    doc["maintenance_windows"] = [{"name": "night", "recurring": weekly, "lines": ["filling", "packing"]}]
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(doc))
    args = ["--db", str(tmp_path / "b.db")]
    assert run(["site", "load", str(path), *args], capsys)[0] == 0
    return args


@pytest.mark.parametrize("store", ["db", "built"])
def test_the_report_shows_the_stored_plans_own_figures(
    store: str, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db: list[str] = request.getfixturevalue(store)
    assert run(["plan", *db], capsys)[0] == 0
    code, out, _ = run(["plan", "show", "--json", *db], capsys)
    assert code == 0
    plan: dict[str, Any] = json.loads(out)
    page = _report(db, capsys, tmp_path / "r.html")
    if store == "built":  # the figures below are not all zero: a window stops a line at a cost
        assert any(w["production_cost"] > 0 for w in plan["windows"])
    assert "<script src" not in page and "<link" not in page  # self-contained
    parsed = Tables()
    parsed.feed(page)
    cur = plan["currency"]
    assert f"Plan run {plan['run']} of" in page and plan["solver"] in page

    windows = parsed.tables["plan-windows"]
    assert [r[0][0] for r in windows] == [w["id"] for w in plan["windows"]]
    for row, w in zip(windows, plan["windows"], strict=True):
        assert row[2][0] == ", ".join(w["items"])
        assert row[3][0] == (", ".join(w["lines_stopping"]) or "no line")
        assert row[4] == (money(w["production_cost"], cur), str(w["production_cost"]))
        assert float(str(row[5][1])) == w["risk_retired"]
        assert int(str(row[6][1])) == len(w["cves_retired"])

    lines = parsed.tables["plan-lines"]
    assert [r[0][0] for r in lines] == [x["line"] for x in plan["lines"]]
    for row, x in zip(lines, plan["lines"], strict=True):
        assert row[1] == (money(x["at_risk_before"], cur) + "/h", str(x["at_risk_before"]))
        assert row[2] == (money(x["at_risk_after"], cur) + "/h", str(x["at_risk_after"]))
        assert row[4][0] == (", ".join(x["items_after"]) or "-")

    deferred = {r[0][0]: r for r in parsed.tables["plan-deferred"]}
    items = {i["id"]: i for i in plan["items"]}
    expected = {c["item"] for c in plan["controls"]} | {i for i, v in items.items() if v["window"] is None}
    assert set(deferred) == expected and expected  # the dairy has mitigate-only items: never empty
    for c in plan["controls"]:
        row = deferred[c["item"]]
        assert row[3][0] == items[c["item"]]["why"]
        assert row[4][0] == c["action"] and row[5][0] == c["owner"]
        assert row[6][0].startswith(c["expires"][:10]) or row[6][0] == c["expires_with"]
        assert row[7][0] == c["evidence"]
    assert f"Deferred and late items, with their compensating controls ({len(expected)})" in parsed.h3
