"""Exports: CSV (one row per device), JSON (``plantwarden.inventory/1``) and CycloneDX 1.6."""

from __future__ import annotations

import csv
import io
from typing import Any

from plantwarden import jsonout
from plantwarden.errors import UsageError
from plantwarden.inventory.build import InventoryReport
from plantwarden.inventory.document import SCHEMA_KIND, SCHEMA_VERSION, inventory_body, summary_row

FORMATS = ("csv", "json", "cyclonedx")


def to_csv(report: InventoryReport) -> str:
    rows = [summary_row(a) for a in report.inventory.devices()]
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buf.getvalue()


def to_json(report: InventoryReport) -> dict[str, Any]:
    return jsonout.document(SCHEMA_KIND, SCHEMA_VERSION, inventory_body(report))


def export(report: InventoryReport, fmt: str, vulns: list[dict[str, Any]] | None = None) -> str:
    if fmt == "csv":
        return to_csv(report)
    if fmt == "json":
        return jsonout.dumps(to_json(report)) + "\n"
    if fmt == "cyclonedx":
        from plantwarden.inventory.cyclonedx_export import cyclonedx_json

        return cyclonedx_json(report, vulns) + "\n"
    raise UsageError(f"unknown export format {fmt!r} (expected one of: {', '.join(FORMATS)})")
