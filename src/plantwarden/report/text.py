"""Sentences shared by the terminal summary and the HTML report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from plantwarden.continuity.text import minutes, money
from plantwarden.report.facts import DemoFacts, LineRisk

SEVERITIES = ("critical", "high", "medium", "low", "info")

NEXT_STEPS = (
    ("plantwarden alerts --severity high", "the stored alerts, worst first"),
    ("plantwarden impact --fail lblprt-1 lblprt-2 --for 4h", "what-if: both label printers down for 4 h"),
    ("plantwarden spof --pairs", "single points of failure, and pairs that stop a line together"),
    ("plantwarden segmentation examples/dairy/captures/incidents.pcap", "every flow outside the conduits"),
    ("plantwarden assets --site examples/dairy/site.yaml", "the inventory, declared versus observed"),
    ("plantwarden alert ack ID --by you --why 'checked with operations'", "work an alert"),
    ("plantwarden access report --since 2026-11-01", "vendor remote sessions held against the grants"),
)

#: What to run next, in the report of a user's own store (``plantwarden report``).
REPORT_NEXT_STEPS = (
    ("plantwarden alerts --severity high", "the stored alerts, worst first"),
    ("plantwarden alert show ID", "one alert: evidence, assets, production at risk, history"),
    ("plantwarden spof --pairs", "single points of failure, and pairs that stop a line together"),
    ("plantwarden assets --unmanaged", "devices seen on the wire that the site model does not declare"),
    ("plantwarden impact --fail NAME --for 4h", "what-if: what stops when NAME fails, and the cost"),
)


def names(alert: Mapping[str, Any]) -> tuple[str, str]:
    """Source and destination by site-model name where declared, else address."""
    by_address = {a["address"]: a.get("name") or a["address"] for a in alert["assets"]}
    return by_address.get(alert["src"], alert["src"]), by_address.get(alert["dst"], alert["dst"])


def clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S")


def risk_text(alert: Mapping[str, Any]) -> str:
    """``6,500 EUR/h: packaging (after 35 min); covered by label-printers (1 of 2 needed, 0 spare)``."""
    impact = alert.get("impact")
    if not impact or not impact.get("lines"):
        return "-"
    when = [
        f"{x['line']} ({'now' if not x['buffer_minutes'] else 'after ' + minutes(x['buffer_minutes'])})"
        for x in impact["lines"]
    ]
    text = f"{money(impact['cost_per_hour'], impact.get('currency', ''))}/h: {', '.join(when)}"
    covered = [
        f"{c['group']} ({c['k']} of {c['n']} needed, {c['spare']} spare)" for c in impact.get("covered", [])
    ]
    return text + (f"; covered by {', '.join(covered)}" if covered else "")


def severity_counts(facts: DemoFacts) -> Counter[str]:
    return Counter(a["severity"] for a in facts.alerts)


def at_risk_per_hour(facts: DemoFacts) -> dict[str, float]:
    """Cost per hour of the lines in each state (``stopped``, ``exposed``, ``covered``)."""
    return {
        state: sum(x.cost_per_hour for x in facts.lines if x.state == state)
        for state in ("stopped", "exposed", "covered")
    }


def _when(minutes_: float | None) -> str:
    return "now" if not minutes_ else f"after {minutes(minutes_)}"


def _line_list(lines: list[LineRisk]) -> str:
    return ", ".join(f"{x.line} {_when(x.buffer_minutes)}" for x in lines)


def production_lines(facts: DemoFacts) -> list[str]:
    """The production-at-risk headline: which lines an observed failure stops, which ones an
    alert only exposes (it touches an asset whose failure would stop them: a scan's target is
    exposed, not failed), and which rest on redundancy."""
    cost = at_risk_per_hour(facts)
    by_state = {s: [x for x in facts.lines if x.state == s] for s in ("stopped", "exposed", "covered")}
    cur = facts.currency
    out = []
    stopped = by_state["stopped"]
    if stopped:
        failed = sorted({f for x in stopped for f in x.failed})
        out.append(
            f"Stopped by an observed failure: {_line_list(stopped)} ({money(cost['stopped'], cur)}/h): "
            + "; ".join(failed)
            + "."
        )
    else:
        out.append("No line is stopped: no alert shows the failure of an asset a line needs.")
    exposed = by_state["exposed"]
    if exposed:
        out.append(
            "At risk, not stopped: alerts touch assets whose failure would stop "
            f"{', '.join(x.line for x in exposed)} ({money(cost['exposed'], cur)}/h); "
            "a scan's target is at risk, not failed."
        )
    covered = by_state["covered"]
    if covered:
        failed = sorted({f for x in covered for f in x.degraded})
        out.append(
            f"On redundancy: {', '.join(x.line for x in covered)} ({money(cost['covered'], cur)}/h), "
            "the next failure stops it" + (f": {'; '.join(failed)}" if failed else "") + "."
        )
    return out


def verdict(facts: DemoFacts) -> list[str]:
    """The answer first: does this keep production safe and running?"""
    counts = severity_counts(facts)
    worst = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s])
    lines_at_risk = [x.line for x in facts.lines if x.state != "safe"]
    out = [
        f"{len(facts.alerts)} alerts ({worst or 'none'}) touch {len(lines_at_risk)} of {len(facts.lines)} "
        "production lines.",
        *production_lines(facts),
    ]
    if facts.spof:
        top = facts.spof[0]
        out.append(
            f"Single points of failure: {len(facts.spof)} shown; {top.name} alone stops "
            f"{len(top.lines)} line(s), {money(top.cost_per_hour, facts.currency)}/h."
        )
    pairs = {(v["client_zone"], v["server_zone"]) for v in facts.violations}
    out.append(
        f"Segmentation: {len(facts.violations)} flows outside the conduits, between {len(pairs)} zone pairs."
    )
    unmanaged = [a.name for a in facts.assets if not a.declared]
    if unmanaged:
        out.append(f"Not in the site model: {', '.join(unmanaged)}.")
    return out


def violation_groups(facts: DemoFacts) -> list[tuple[str, str, str, int, list[str]]]:
    """(client zone, server zone, reason, flows, example services) per zone pair and reason."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for v in facts.violations:
        key = (v["client_zone"], v["server_zone"], v["reason"])
        groups.setdefault(key, []).append(v["service"])
    rows = [(a, b, r, len(s), sorted(set(s))[:6]) for (a, b, r), s in groups.items()]
    return sorted(rows, key=lambda r: (-r[3], r[0], r[1]))
