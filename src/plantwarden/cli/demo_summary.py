"""What ``plantwarden demo`` prints: the answer first, then the tables behind it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from plantwarden.cli.console import out
from plantwarden.continuity.text import minutes, money
from plantwarden.detect.order import worst_first_docs
from plantwarden.report.facts import DemoFacts, role_counts
from plantwarden.report.text import SEVERITIES, names, risk_text, verdict, violation_groups

TOP_ALERTS = 12


def summary(facts: DemoFacts) -> None:
    out.rule("does this keep production safe and running?")
    for line in verdict(facts):
        out.print(line)
    out.print(_lines(facts))
    out.print(_alerts(facts))
    out.print(_inventory(facts))
    out.print(_spof(facts))
    out.print(_segmentation(facts))
    out.print(_legacy(facts))


STATES = {
    "stopped": "[bold red]stopped[/]",
    "exposed": "[red]at risk[/]",
    "covered": "[yellow]on redundancy[/]",
    "safe": "[green]safe[/]",
}


def _lines(facts: DemoFacts) -> Table:
    table = Table("line", "cost/h", "state", "stops after", "alerts", title="Production at risk", box=None)
    for x in sorted(facts.lines, key=lambda r: -r.cost_per_hour):
        table.add_row(
            x.line,
            money(x.cost_per_hour, facts.currency),
            STATES[x.state],
            minutes(x.buffer_minutes),
            str(x.alerts),
        )
    return table


def _alerts(facts: DemoFacts) -> Table:
    ordered = worst_first_docs(facts.alerts)
    tally = {s: sum(a["severity"] == s for a in ordered) for s in SEVERITIES}
    counts = ", ".join(f"{s} {n}" for s, n in tally.items() if n)
    title = (
        f"Alerts, worst first ({counts}; top {min(TOP_ALERTS, len(ordered))} of {len(ordered)}, "
        "the worst of each rule first)"
    )
    table = Table("severity", "rule", "src -> dst", "production at risk", title=title, box=None)
    for a in shown_alerts(ordered):
        src, dst = names(a)
        table.add_row(a["severity"], a["rule"], f"{src} -> {dst}", risk_text(a))
    return table


def shown_alerts(ordered: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows of the summary: the worst alert of each rule, then the next worst, up to
    TOP_ALERTS, so that twelve rows show every kind of finding; printed worst first."""
    seen: set[object] = set()
    first: list[Mapping[str, Any]] = []
    rest: list[Mapping[str, Any]] = []
    for a in ordered:
        (rest if a["rule"] in seen else first).append(a)
        seen.add(a["rule"])
    return worst_first_docs((first + rest)[:TOP_ALERTS])


def _inventory(facts: DemoFacts) -> Table:
    table = Table("zone", "assets", "seen", "roles", title="Assets by zone and role", box=None)
    for zone, _ in facts.zones:
        assets = facts.zone_assets(zone)
        roles = ", ".join(f"{r} {n}" for r, n in role_counts(assets).most_common())
        seen = sum(a.observed for a in assets)
        table.add_row(zone, str(len(assets)), str(seen), roles)
    return table


def _spof(facts: DemoFacts) -> Table:
    table = Table("asset", "stops alone", "lines (after)", title="Top single points of failure", box=None)
    for s in facts.spof:
        lines = ", ".join(f"{line} ({minutes(t)})" for line, t in s.lines.items())
        table.add_row(s.name, money(s.cost_per_hour, facts.currency) + "/h", lines)
    return table


def _segmentation(facts: DemoFacts) -> Table:
    title = f"Segmentation violations ({len(facts.violations)} flows)"
    table = Table("client zone", "server zone", "flows", "reason", "services", title=title, box=None)
    for a, b, reason, n, services in violation_groups(facts)[:8]:
        table.add_row(a, b, str(n), reason, ", ".join(services))
    return table


def _legacy(facts: DemoFacts) -> Table:
    table = Table("zone", "assets", "legacy share", "out of support", title="Legacy share per zone", box=None)
    for zone, z in facts.legacy.items():
        table.add_row(zone, str(z["assets"]), f"{z['legacy_share']:.0%}", ", ".join(z["legacy"]) or "-")
    return table
