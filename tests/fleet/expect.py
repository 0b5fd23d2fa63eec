"""What the fleet views must answer, worked out from each site's own services (the site's
answer, its ranked vulnerabilities, its dependency graph, its stored rows), site by site."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.continuity.graph import build_graph
from plantwarden.continuity.source import stored_model
from plantwarden.continuity.spof import single, singles
from plantwarden.fleet.firmware import FirmwareAnswer
from plantwarden.fleet.risk import SiteRisk
from plantwarden.report.answer import site_answer
from plantwarden.store.detect_models import DetectAlert
from plantwarden.store.engine import connected
from plantwarden.store.models import Capture
from plantwarden.store.sites import choose_site
from plantwarden.vulns.assets import site_assets
from plantwarden.vulns.service import site_context, site_vulns
from plantwarden.vulns.versions import parse_version

OPEN = ("not_remediated", "in_progress")


def check_site_risk(url: str, row: SiteRisk) -> None:
    ref = choose_site(url, row.site)
    assert ref.id is not None
    answer = site_answer(url, ref.id, ref.name)
    cost = {x.line: x.cost_per_hour for x in answer.lines}
    by_alerts = {x.line for x in answer.lines if x.state in ("stopped", "exposed")}
    by_vulns = {
        stop["line"]
        for i in site_vulns(url, ref.name)["items"]
        if i["status"] in OPEN and (i["kev"] or i["decision"] == "Immediate")
        for stop in i["production_at_risk"]["lines"]
    }
    model = stored_model(url, ref.id)
    assert model is not None
    by_spof = {n for s in singles(build_graph(model)) for n in s.lines}
    assert row.alerts_per_hour == sum(cost[n] for n in by_alerts)
    assert row.vulns_per_hour == sum(cost[n] for n in by_vulns)
    assert row.at_risk_per_hour == sum(cost[n] for n in by_alerts | by_vulns)
    assert row.spof_per_hour == sum(cost[n] for n in by_spof)
    at_risk = {x.line for x in row.lines if x.at_risk}
    assert at_risk == by_alerts | by_vulns
    if at_risk:
        worst = row.worst_line
        assert worst is not None and worst.line in at_risk
    with connected(url) as engine, Session(engine) as session:
        opened = DetectAlert.site_id == ref.id, DetectAlert.state != "closed"
        severities = Counter(session.scalars(select(DetectAlert.severity).where(*opened)))
        newest = session.scalar(select(func.max(Capture.last_ts)).where(Capture.site_id == ref.id))
        captures = session.scalar(select(func.count()).where(Capture.site_id == ref.id))
    assert row.alerts.open == sum(severities.values()) == answer.open_alerts
    assert {k: v for k, v in row.alerts.by_severity.items() if v} == dict(severities)
    assert row.fresh.captures == captures
    assert row.fresh.last_packet is not None and newest is not None
    assert abs(row.fresh.last_packet.timestamp() - newest) < 1e-3


def firmware_assets(url: str, site: str, firmware: str) -> tuple[set[str], set[str]]:
    """(assets whose failure alone stops a line, the other assets) running exactly ``firmware``."""
    _, _, model, report = site_context(url, site)
    assert model is not None
    graph = build_graph(model)
    wanted = parse_version(firmware)
    assert wanted is not None
    running = {
        a.key
        for a in site_assets(report, model)
        for f in a.values("firmware")
        if (v := parse_version(f.value)) is not None and v.key == wanted.key
    }
    alone = {a for a in running if a in graph.kinds and single(graph, a).lines}
    return alone, running - alone


def check_firmware(url: str, answer: FirmwareAnswer, sites: list[str]) -> None:
    assert answer.sites == sites
    for site in sites:
        alone, others = firmware_assets(url, site, answer.query.firmware)
        assert {h.asset for h in answer.items if h.site == site} == alone
        assert {h.asset for h in answer.others if h.site == site} == others
    costs = [h.cost_per_hour for h in answer.items]
    assert costs == sorted(costs, reverse=True) and all(c > 0 for c in costs)


def kev_exposed(url: str, site: str) -> set[tuple[str, str, str]]:
    return {
        (site, i["asset"], i["cve"])
        for i in site_vulns(url, site)["items"]
        if i["kev"] and i["exposure"]["level"] in ("O", "C") and i["status"] in OPEN
    }


def kev_hidden(url: str, site: str) -> set[tuple[str, str, str]]:
    """KEV items of the site that no exposure path reaches (the question leaves them out)."""
    return {(site, i["asset"], i["cve"]) for i in site_vulns(url, site)["items"] if i["kev"]} - kev_exposed(
        url, site
    )


def as_set(items: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(i["site"], i["asset"], i["cve"]) for i in items}
