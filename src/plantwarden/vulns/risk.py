"""Each stored match ranked as a deployer would with SSVC, and priced in production.

Inputs per (asset, CVE): exploitation (``A`` when the CVE is in the KEV catalogue, ``P`` when
the CVSS vector gives exploit code maturity P/F/H, else ``N``); exposure observed
(vulns.exposure); automatable (``Y`` when CVSS says network, no privileges, no user
interaction); human impact from safety impact (a safety asset or safety zone: critical) and
mission impact from the continuity model (what the asset's failure stops: nothing ->
degraded; a line after a buffer -> MEF support crippled; a line at once -> MEF failure;
every line -> mission failure). Production at risk: the money per hour of the lines it stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plantwarden.vulns.exposure import Exposure
from plantwarden.vulns.ssvc import DEPLOYER, HUMAN_IMPACT, table, vector

if TYPE_CHECKING:
    from plantwarden.continuity.graph import DependencyGraph
    from plantwarden.site.model import SiteModel
    from plantwarden.vulns.store import StoredMatch

ORDER = {"I": 0, "O": 1, "S": 2, "D": 3}
DECISION = {"I": "Immediate", "O": "Out-of-Cycle", "S": "Scheduled", "D": "Defer"}


@dataclass(frozen=True, slots=True)
class Stops:
    lines: tuple[tuple[str, float, float], ...]  # (line, after minutes, money per hour)
    in_model: bool

    @property
    def per_hour(self) -> float:
        return sum(c for _, _, c in self.lines)


@dataclass
class Ranked:
    match: StoredMatch
    kev: bool
    decision: str  # I | O | S | D
    vector: str
    exposure: Exposure
    stops: Stops
    why: str
    zone: str | None
    inputs: dict[str, str] = field(default_factory=dict)

    def as_dict(self, currency: str = "") -> dict[str, Any]:
        m = self.match
        return {
            "asset": m.asset,
            "cve": m.cve,
            "advisory": m.advisory,
            "advisory_version": m.advisory_version,
            "confidence": m.confidence,
            "status": m.status,
            "status_who": m.status_who,
            "status_why": m.status_why,
            "status_until": m.status_until.isoformat() if m.status_until else None,
            "kev": self.kev,
            "decision": DECISION[self.decision],
            "ssvc": self.vector,
            "exposure": self.exposure.as_dict(),
            "zone": self.zone,
            "production_at_risk": {
                "per_hour": self.stops.per_hour,
                "currency": currency,
                "lines": [{"line": n, "after_minutes": t, "per_hour": c} for n, t, c in self.stops.lines],
                "in_model": self.stops.in_model,
            },
            "why": self.why,
            "evidence": m.evidence,
            "bundle": m.bundle,
        }


def stops_of(graph: DependencyGraph | None, asset: str) -> Stops:
    from plantwarden.continuity.impact import impact

    if graph is None or asset not in graph.kinds:
        return Stops((), False)
    found = impact(graph, [asset])
    return Stops(tuple((s.line, s.after_minutes, s.cost_per_hour) for s in found.stops), True)


def _cvss(m: StoredMatch) -> dict[str, str]:
    raw = (m.evidence.get("cvss") or {}).get("vector") or ""
    return dict(p.split(":", 1) for p in raw.split("/")[1:] if ":" in p)


def mission(stops: Stops, all_lines: int) -> str:
    if not stops.lines:
        return "D"
    if all_lines and len(stops.lines) >= all_lines:
        return "MF"
    return "MEF" if min(t for _, t, _ in stops.lines) == 0 else "MSC"


def rank_one(
    m: StoredMatch,
    kev: bool,
    exposure: Exposure,
    stops: Stops,
    safety: bool,
    all_lines: int,
    zone: str | None,
    money: str,
) -> Ranked:
    cv = _cvss(m)
    e = "A" if kev else "P" if cv.get("E") in ("P", "F", "H") else "N"
    auto = "Y" if cv.get("AV") == "N" and cv.get("PR") == "N" and cv.get("UI") == "N" else "N"
    si = "R" if safety else "N"
    mi = mission(stops, all_lines)
    hi = table(HUMAN_IMPACT).decide(SI=si, MI=mi)
    inputs = {"E": e, "EXP": exposure.level, "A": auto, "HI": hi}
    decision = table(DEPLOYER).decide(**inputs)
    return Ranked(
        m,
        kev,
        decision,
        vector(inputs, decision),
        exposure,
        stops,
        _why(kev, e, auto, exposure, stops, safety, money),
        zone,
        {**inputs, "SI": si, "MI": mi},
    )


def _why(kev: bool, e: str, auto: str, exp: Exposure, stops: Stops, safety: bool, money: str) -> str:
    parts = [
        "known exploited (KEV)"
        if kev
        else "public exploit code (CVSS)"
        if e == "P"
        else "no known exploitation"
    ]
    parts.append(
        {"O": "open to the internet", "C": "reachable", "S": "not reachable"}[exp.level] + f": {exp.why}"
    )
    if auto == "Y":
        parts.append("automatable (network, no privileges, no user action)")
    if safety:
        parts.append("safety function")
    if stops.lines:
        first = min(stops.lines, key=lambda x: x[1])
        parts.append(
            f"stops {', '.join(n for n, _, _ in stops.lines)} "
            f"(first {first[0]} after {first[1]:g} min; {money}/h)"
        )
    elif not stops.in_model:
        parts.append("production impact unknown (asset not in the site model)")
    else:
        parts.append("stops no line")
    return "; ".join(parts)


def sort_key(r: Ranked) -> tuple[int, int, float, float]:
    score = float((r.match.evidence.get("cvss") or {}).get("score") or 0.0)
    return (ORDER[r.decision], 0 if r.kev else 1, -r.stops.per_hour, -score)


def rollup(items: list[Ranked], by: str) -> list[dict[str, Any]]:
    """Per production line or per zone: items, assets, KEV items, the money per hour at risk
    (each line counted once), the most urgent decision. Not an average of scores."""
    groups: dict[str, list[Ranked]] = {}
    for r in items:
        keys = [n for n, _, _ in r.stops.lines] if by == "line" else [r.zone or "(no zone)"]
        for k in keys:
            groups.setdefault(k, []).append(r)
    out = []
    for key, rs in groups.items():
        lines = {n: c for r in rs for n, _, c in r.stops.lines if by != "line" or n == key}
        out.append(
            {
                by: key,
                "items": len(rs),
                "assets": len({r.match.asset for r in rs}),
                "kev": sum(1 for r in rs if r.kev),
                "per_hour_at_risk": sum(lines.values()),
                "most_urgent": DECISION[min((r.decision for r in rs), key=ORDER.__getitem__)],
            }
        )
    return sorted(out, key=lambda g: (-g["per_hour_at_risk"], -g["items"], str(g[by])))


def safety_of(model: SiteModel | None, asset: str) -> bool:
    if model is None:
        return False
    a = model.asset(asset)
    if a is None:
        return False
    zone = next((z for z in model.zones if z.name == a.zone), None)
    from plantwarden.continuity.zoning import zone_class

    return (
        bool(a.safety)
        or a.role.value in ("sis", "safety_plc")
        or (zone is not None and zone_class(zone) == "safety")
    )
