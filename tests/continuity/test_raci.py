"""RACI gray areas and the matrix export (data/raci.yaml, the dairy)."""

from __future__ import annotations

import csv
import io

from plantwarden.continuity.raci import gray_areas, matrix, to_csv
from tests.continuity.helpers import site


def gray() -> dict[tuple[str, str | None], list[str]]:
    model, graph = site("raci")
    return {(r.subject, r.activity): r.gray for r in gray_areas(matrix(model, graph))}


def test_an_asset_of_two_lines_with_different_accountables_is_gray() -> None:
    assert gray()[("shared-plc", None)] == ["more than one Accountable: boss-a, boss-b"]


def test_an_asset_of_one_line_inherits_that_line() -> None:
    assert ("plc-a", None) not in gray()


def test_subjects_without_any_entry_are_gray() -> None:
    found = gray()
    assert found[("orphan", None)] == ["no Responsible", "no Accountable"]
    assert found[("line-c", None)] == ["no Responsible", "no Accountable"]
    assert found[("changes", "changes")] == ["no Responsible", "no Accountable"]


def test_site_wide_activities_and_specific_entries_apply() -> None:
    model, graph = site("raci")
    rows = {(r.subject, r.activity): r for r in matrix(model, graph)}
    assert rows[("orphan", "updates")].roles["accountable"] == ("it",)
    assert rows[("orphan", "updates")].source == "raci[4]"
    assert rows[("line-c", "incidents")].roles["responsible"] == ("it", "ot")
    assert rows[("line-c", "incidents")].source == "site-wide raci[3]"


def test_csv_has_one_row_per_matrix_row() -> None:
    model, graph = site("raci")
    rows = matrix(model, graph)
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert len(parsed) == len(rows) == (3 + 3) * 4 + 3
    shared = next(r for r in parsed if r["subject"] == "shared-plc" and r["activity"] == "-")
    assert shared["accountable"] == "boss-a;boss-b"


def test_dairy_assets_no_line_needs_have_no_owner() -> None:
    model, graph = site("dairy")
    rows = {(r.subject, r.activity): r for r in matrix(model, graph)}
    found = {key for key, r in rows.items() if r.gray}
    assert {("hist-01", None), ("jump-01", "changes"), ("changes", "changes")} <= found
    assert ("prt-srv-01", "changes") not in found  # packaging needs it: the line's owners apply
    assert rows[("plc-fill-a", "changes")].source == "lines raci[8]"  # the filling line's change entry
