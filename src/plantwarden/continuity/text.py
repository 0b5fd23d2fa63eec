"""Human-readable renderings of the continuity results (Rich tables and lines)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from plantwarden.continuity.impact import Impact, Step
from plantwarden.continuity.spof import Pair, Single


def minutes(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 60:
        return f"{value:g} min"
    hours, rest = divmod(value, 60)
    return f"{hours:g} h {rest:g} min" if rest else f"{hours:g} h"


def money(value: float | None, currency: str) -> str:
    return "-" if value is None else f"{value:,.0f} {currency}"


def step_text(step: Step) -> str:
    delay = f"+{minutes(step.buffer_minutes)}, " if step.buffer_minutes else ""
    kind = f"{step.kind}, " if step.kind in ("group", "service", "line") else ""
    note = f"{step.note}, " if step.note else ""
    return f"{step.name} ({kind}{note}{delay}down at {minutes(step.at_minutes)})"


def impact_lines(result: Impact, currency: str) -> list[str]:
    outage = f" for {minutes(result.outage_minutes)}" if result.outage_minutes is not None else ""
    verb = "fails" if len(result.failed) == 1 else "fail"
    lines = [f"If {', '.join(result.failed)} {verb}{outage}:"]
    if not result.stops:
        affected = len(result.down) - len(result.failed)
        return [*lines, f"  no production line stops ({affected} other asset(s)/service(s)/group(s) go down)"]
    for s in result.stops:
        over = f", {money(s.cost, currency)} over the outage" if s.cost is not None else ""
        lines.append(
            f"  {s.line} stops after {minutes(s.after_minutes)}: {money(s.cost_per_hour, currency)}/h{over}"
        )
        lines.append("    " + " -> ".join(step_text(p) for p in s.path))
    total = f"Total: {money(result.cost_per_hour, currency)}/h"
    if result.cost is not None:
        total += f"; {money(result.cost, currency)} over {minutes(result.outage_minutes)}"
    return [*lines, total]


def spof_table(rows: list[Single], currency: str) -> Table:
    table = Table(title="Single points of failure", header_style="bold")
    for name in ("#", "name", "kind", "cost/h", "lines stopped (after)"):
        table.add_column(name, justify="right" if name in ("#", "cost/h") else "left")
    for i, s in enumerate(rows, 1):
        stops = ", ".join(f"{line} ({minutes(t)})" for line, t in s.lines.items())
        table.add_row(str(i), s.name, s.kind, money(s.cost_per_hour, currency), stops)
    return table


def pair_table(rows: list[Pair], currency: str) -> Table:
    table = Table(title="Pairs that stop what neither stops alone", header_style="bold")
    for name in ("pair", "cost/h", "lines stopped (after)"):
        table.add_column(name)
    for p in rows:
        stops = ", ".join(f"{line} ({minutes(t)})" for line, t in p.lines.items())
        table.add_row(f"{p.first} + {p.second}", money(p.cost_per_hour, currency), stops)
    return table


def dict_table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> Table:
    table = Table(title=title, header_style="bold")
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return str(value)
