"""Declared versus observed, one row per asset: what the console's asset list (and its API)
shows, from the same inventory and comparison as ``plantwarden assets``.

A row is an observed device (declared or not) or a declared asset never observed. Its
``status`` says in words how the two agree: ``matches``, ``differs`` (the mismatches of
:func:`plantwarden.inventory.declared.compare`, with their evidence), ``not declared``
(observed, the site model does not know it) or ``not observed`` (declared, never seen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plantwarden.errors import UsageError
from plantwarden.inventory.build import InventoryReport
from plantwarden.inventory.document import summary_row
from plantwarden.inventory.model import Asset

if TYPE_CHECKING:
    from plantwarden.site.model import Asset as Declared

STATUSES = ("matches", "differs", "not declared", "not observed")


@dataclass
class AssetRow:
    name: str  # the declared name, else the observed asset's id
    id: str | None  # the observed asset's id (None: never observed)
    status: str  # one of STATUSES
    declared: bool
    observed: bool
    zone: str | None
    role: str | None  # the inferred role, else the declared one (else "unknown")
    declared_role: str | None
    vendor: str | None
    model: str | None
    firmware: str | None
    ips: list[str]
    macs: list[str]
    lines: list[str]  # the lines that need it (site model)
    first_ts: float | None
    last_ts: float | None
    differences: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def line_members(report: InventoryReport) -> dict[str, list[str]]:
    """Asset name -> the lines that need it (directly or through services and groups)."""
    if report.site is None:
        return {}
    from plantwarden.continuity.graph import build_graph

    graph = build_graph(report.site)
    found: dict[str, list[str]] = {}
    for line in report.site.lines:
        for name in sorted(graph.closure(line.name)):
            found.setdefault(name, []).append(line.name)
    return found


def _observed(a: Asset, declared: Declared | None, diffs: list[dict[str, Any]], lines: list[str]) -> AssetRow:
    r = summary_row(a)
    inferred = r["role"] if r["role"] not in ("", "unknown") else None
    status = "not declared" if declared is None else "differs" if diffs else "matches"
    return AssetRow(
        name=a.name or a.id,
        id=a.id,
        status=status,
        declared=declared is not None,
        observed=True,
        zone=a.zone,
        role=inferred or (declared.role.value if declared is not None else r["role"] or None),
        declared_role=declared.role.value if declared is not None else None,
        vendor=r["vendor"] or (declared.vendor if declared is not None else None) or None,
        model=r["product"] or r["model"] or r["order_number"] or None,
        firmware=r["firmware"] or None,
        ips=sorted(a.ips),
        macs=sorted(a.macs),
        lines=lines,
        first_ts=r["first_ts"],
        last_ts=r["last_ts"],
        differences=[{k: d[k] for k in ("field", "declared_value", "observed", "evidence")} for d in diffs],
    )


def _silent(d: Declared, lines: list[str]) -> AssetRow:
    return AssetRow(
        name=d.name,
        id=None,
        status="not observed",
        declared=True,
        observed=False,
        zone=d.zone,
        role=d.role.value,
        declared_role=d.role.value,
        vendor=d.vendor,
        model=d.model or d.product,
        firmware=d.firmware,
        ips=[str(i) for i in d.ips],
        macs=list(d.macs),
        lines=lines,
        first_ts=None,
        last_ts=None,
    )


def asset_rows(report: InventoryReport) -> list[AssetRow]:
    """Every observed device and every declared asset never observed, by name."""
    site = report.site
    declared = {d.name: d for d in site.assets} if site is not None else {}
    diffs: dict[str, list[dict[str, Any]]] = {}
    for m in report.comparison.mismatches if report.comparison is not None else []:
        diffs.setdefault(m["asset"], []).append(m)
    lines = line_members(report)
    rows = [
        _observed(a, declared.get(a.declared or ""), diffs.get(a.id, []), lines.get(a.name, []))
        for a in report.inventory.devices()
    ]
    seen = {a.declared for a in report.inventory.devices() if a.declared}
    rows += [_silent(d, lines.get(d.name, [])) for d in declared.values() if d.name not in seen]
    return sorted(rows, key=lambda r: r.name)


@dataclass(frozen=True, slots=True)
class AssetFilter:
    zone: str | None = None
    line: str | None = None
    role: str | None = None
    vendor: str | None = None  # a part of the vendor's name, any case
    status: str | None = None

    def keeps(self, row: AssetRow) -> bool:
        return (
            (self.zone is None or row.zone == self.zone)
            and (self.line is None or self.line in row.lines)
            and (self.role is None or self.role in (row.role, row.declared_role))
            and (self.vendor is None or self.vendor.casefold() in (row.vendor or "").casefold())
            and (self.status is None or row.status == self.status)
        )


def filter_problems(report: InventoryReport, chosen: AssetFilter) -> list[tuple[str, str]]:
    """(filter, message) for each unknown zone, line, role or status, naming the valid ones."""
    from plantwarden.inventory.roles import PRIORITY
    from plantwarden.site.model_assets import AssetRole

    site = report.site
    valid = {
        "zone": [z.name for z in site.zones] if site is not None else [],
        "line": [x.name for x in site.lines] if site is not None else [],
        "role": sorted({*PRIORITY, *(r.value for r in AssetRole)}),
        "status": list(STATUSES),
    }
    problems = []
    for name, allowed in valid.items():
        value = getattr(chosen, name)
        if value is not None and value not in allowed:
            said = ", ".join(allowed) if allowed else "none: the site has no model"
            problems.append((name, f"{name} {value!r}: no such {name} (valid: {said})"))
    return problems


def check_filter(report: InventoryReport, chosen: AssetFilter) -> None:
    """An unknown zone, line, role or status is a UsageError naming the valid ones."""
    problems = filter_problems(report, chosen)
    if problems:
        raise UsageError(problems[0][1])
