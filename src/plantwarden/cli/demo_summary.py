"""What ``plantwarden demo`` prints: the answer first, then the tables behind it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, Styled, Time, emit
from plantwarden.continuity.text import minutes, money
from plantwarden.detect.order import worst_first_docs
from plantwarden.report.facts import DemoFacts, role_counts
from plantwarden.report.text import SEVERITIES, names, risk_text, verdict, violation_groups

if TYPE_CHECKING:
    from plantwarden.site.model import SiteModel

TOP_ALERTS = 12
TOP_VULNS = 6


def summary(facts: DemoFacts) -> None:
    out.rule("does this keep production safe and running?")
    for line in verdict(facts):
        out.print(line, markup=False)
    for part in (_lines, _alerts, _access, _inventory, _spof, _segmentation, _legacy):
        part(facts)


def _title(text: str) -> None:
    out.print(f"[bold]{text}[/]")


STATES = {
    "stopped": Styled("stopped", "bold red"),
    "exposed": Styled("at risk", "red"),
    "covered": Styled("on redundancy", "yellow"),
    "safe": Styled("safe", "green"),
}


def _lines(facts: DemoFacts) -> None:
    _title("Production at risk")
    rows: list[list[Cell]] = [
        [
            x.line,
            money(x.cost_per_hour, facts.currency),
            STATES[x.state],
            minutes(x.buffer_minutes),
            x.alerts,
        ]
        for x in sorted(facts.lines, key=lambda r: -r.cost_per_hour)
    ]
    emit(["line", "cost/h", "state", "stops after", "alerts"], rows)


def _alerts(facts: DemoFacts) -> None:
    ordered = worst_first_docs(facts.alerts)
    tally = {s: sum(a["severity"] == s for a in ordered) for s in SEVERITIES}
    counts = ", ".join(f"{s} {n}" for s, n in tally.items() if n)
    _title(
        f"Alerts, worst first ({counts}; top {min(TOP_ALERTS, len(ordered))} of {len(ordered)}, "
        "the worst of each rule first)"
    )
    rows: list[list[Cell]] = []
    for a in shown_alerts(ordered):
        src, dst = names(a)
        rows.append(
            [
                Styled(a["severity"], SEVERITY_STYLES.get(a["severity"], "")),
                a["rule"],
                f"{src} -> {dst}",
                risk_text(a),
            ]
        )
    emit(["severity", "rule", "src -> dst", "production at risk"], rows)


SEVERITY_STYLES = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


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


def _access(facts: DemoFacts) -> None:
    """Remote sessions held against the vendor access grants (plantwarden access)."""
    found = [a for a in worst_first_docs(facts.alerts) if str(a["rule"]).startswith("access-")]
    if not found:
        return
    _title(f"Vendor remote access: {len(found)} sessions broke or lacked a grant (plantwarden access report)")
    tz = ZoneInfo(facts.timezone) if facts.timezone else None
    rows: list[list[Cell]] = []
    for a in found:
        src, dst = names(a)
        grant = a.get("grant") or {}
        rows.append(
            [
                Styled(a["severity"], SEVERITY_STYLES.get(a["severity"], "")),
                a["title"],
                f"{src} -> {dst}",
                Time(float(a["first_ts"]), tz),
                grant.get("grant", "none"),
            ]
        )
    emit(["severity", "finding", "src -> dst", "at", "grant"], rows)


def _inventory(facts: DemoFacts) -> None:
    _title("Assets by zone and role")
    rows: list[list[Cell]] = []
    for zone, _ in facts.zones:
        assets = facts.zone_assets(zone)
        roles = ", ".join(f"{r} {n}" for r, n in role_counts(assets).most_common())
        rows.append([zone, len(assets), sum(a.observed for a in assets), roles])
    emit(["zone", "assets", "seen", "roles"], rows)


def _spof(facts: DemoFacts) -> None:
    _title("Top single points of failure")
    rows: list[list[Cell]] = [
        [
            s.name,
            money(s.cost_per_hour, facts.currency) + "/h",
            ", ".join(f"{line} ({minutes(t)})" for line, t in s.lines.items()),
        ]
        for s in facts.spof
    ]
    emit(["asset", "stops alone", "lines (after)"], rows)


def _segmentation(facts: DemoFacts) -> None:
    _title(f"Segmentation violations ({len(facts.violations)} flows)")
    rows: list[list[Cell]] = [
        [a, b, n, reason, ", ".join(services)] for a, b, reason, n, services in violation_groups(facts)[:8]
    ]
    emit(["client zone", "server zone", "flows", "reason", "services"], rows)


def weakest_areas(db: str | None, site: str) -> None:
    """The three weakest areas of IEC 62443-3-3 on what the demo stored (plantwarden compliance)."""
    from plantwarden.compliance.assess import weakest
    from plantwarden.compliance.service import assess_site

    run = assess_site(db, site, "iec62443-3-3")
    counts = ", ".join(f"{k} {v}" for k, v in run.assessment.counts().items() if v)
    _title(f"Compliance, the three weakest areas (IEC 62443-3-3: {counts})")
    rows: list[list[Cell]] = [
        [f"{w['group']} {w['title']}", f"{w['score']:.0%}", f"{w['worst']}: {w['reason']}"]
        for w in weakest(run.assessment)
    ]
    emit(["area", "evidence satisfied", "worst requirement"], rows)


def _legacy(facts: DemoFacts) -> None:
    _title("Legacy share per zone")
    rows: list[list[Cell]] = [
        [zone, z["assets"], f"{z['legacy_share']:.0%}", ", ".join(z["legacy"]) or "-"]
        for zone, z in facts.legacy.items()
    ]
    emit(["zone", "assets", "legacy share", "out of support"], rows)


def vulns_summary(body: Mapping[str, Any]) -> None:
    """The most urgent vulnerabilities with the production each puts at risk."""
    items = list(body.get("items") or [])
    if not items:
        return
    kev = sum(1 for i in items if i["kev"])
    _title(
        f"Vulnerabilities, most urgent first ({len(items)} (asset, CVE) pairs, {kev} known exploited; "
        f"top {min(TOP_VULNS, len(items))}; plantwarden vulns lists them all)"
    )
    rows: list[list[Cell]] = []
    for i in items[:TOP_VULNS]:
        risk = i["production_at_risk"]
        lines = ", ".join(x["line"] for x in risk["lines"]) or "-"
        rows.append(
            [
                i["decision"],
                i["asset"],
                i["cve"] + (" (KEV)" if i["kev"] else ""),
                money(risk["per_hour"], body["currency"]) if risk["in_model"] else "?",
                lines,
                i["advisory"],
            ]
        )
    emit(["decision", "asset", "vulnerability", "at risk/h", "lines it stops", "advisory"], rows)


def incident(db_url: str, site: str, model: SiteModel, evidence_dir: Path) -> None:
    """The incident opened from the PLC STOP alert: its evidence and the top of its playbook."""
    from plantwarden.incidents.demo import demo_incident
    from plantwarden.store.sites import choose_site

    found = demo_incident(db_url, choose_site(db_url, site).id, model, evidence_dir)
    if found is None:
        return
    inc, pb = found
    _title(f"Incident {inc.label}: {inc.title}")
    for ev in inc.evidence[:1]:
        out.print(f"evidence: {len(ev.copied)} frames, sha256 {ev.sha256[:16]}... in {ev.path}", markup=False)
    gate = "; ".join(pb.gate.reasons) or "no safety function involved"
    out.print(f"safety gate first ({'/'.join(pb.gate.deciders) or 'nobody'} decides): {gate}", markup=False)
    rows: list[list[Cell]] = []
    for o in pb.step("containment").options:
        marked = Styled("marked: " + ", ".join(m.mark for m in o.marks), "red") if o.marks else ""
        cost = money(o.cost_per_hour, pb.currency) + "/h"
        rows.append([o.id.removeprefix("containment."), cost, ", ".join(o.approvers), marked])
    emit(["contain (least disruptive first)", "cost", "approves", ""], rows)
    out.print(f"the whole playbook: plantwarden incident show {inc.label}", markup=False)


def plan_summary(db_url: str, site: str) -> None:
    """The remediation plan's next window and what it retires (plantwarden plan)."""
    from plantwarden.plan.service import run_plan

    body = run_plan(db_url, site)
    if not body["windows"]:
        return
    w = body["windows"][0]
    deferred = sum(1 for i in body["items"] if i["window"] is None)
    _title(
        f"Remediation plan, next window {w['id']} ({len(body['items'])} items, {deferred} deferred, "
        f"{len(body['controls'])} compensating controls; plantwarden plan explains each)"
    )
    items = {i["id"]: i for i in body["items"]}
    rows: list[list[Cell]] = [[n, items[n]["decision"], items[n]["action"]] for n in w["items"][:TOP_VULNS]]
    emit(["item", "decision", "action"], rows)
    stops = ", ".join(w["lines_stopping"]) or "no line"
    out.print(
        f"stops {stops}, production cost {money(w['production_cost'], body['currency'])}, "
        f"retires risk {w['risk_retired']:g} ({len(w['cves_retired'])} CVEs)",
        markup=False,
    )
    controls_line(db_url, site)


def fleet_lines(db_url: str) -> None:
    """Production at risk per site of the store, worst first, one line each (``plantwarden
    fleet risk``): what a central holding many plants shows first."""
    from plantwarden.fleet.alerts import all_sites
    from plantwarden.fleet.risk import production_at_risk

    rows, _ = production_at_risk(db_url, all_sites(db_url))
    _title(f"All sites of the store, worst first ({len(rows)}; plantwarden fleet risk, the /fleet page)")
    for r in rows:
        worst = r.worst_line
        said = f"worst line {worst.line} ({worst.alert_state})" if worst else "no line at risk"
        out.print(
            f"{r.site}: {money(r.at_risk_per_hour, r.currency)}/h at risk; {said}; "
            f"{r.alerts.open} open alerts ({r.alerts.by_severity.get('critical', 0)} critical); "
            f"{r.fresh.captures} captures",
            markup=False,
        )


def controls_line(db_url: str, site: str) -> None:
    """The compensating controls' state (plantwarden plan controls): the demo analyses its
    captures before it plans, so they wait for the next capture analysed into the store."""
    from plantwarden.plan.evidence import check_controls, one_line

    body = check_controls(db_url, site)
    if body["controls"]:
        out.print(one_line(body) + " (checked on every capture analysed from now on)", markup=False)
