"""The matches as CycloneDX 1.6 vulnerabilities (a VEX inside the device BOM): one
vulnerability per (CVE, advisory) affecting the devices it was matched on, with the analysis
state from the (asset, CVE) status and the match confidence.

Status -> analysis: remediated -> ``resolved``; accepted -> ``exploitable`` with response
``will_not_fix`` and the why and until; in progress -> ``exploitable`` with response
``update``; not remediated -> ``exploitable`` for an exact match, ``in_triage`` for a family
match, an unknown version or an unreadable range. CycloneDX keeps one analysis per
vulnerability: when the assets of one CVE differ, each (CVE, advisory, state) is its own entry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cyclonedx.model import Property, XsUri
from cyclonedx.model.impact_analysis import ImpactAnalysisResponse, ImpactAnalysisState
from cyclonedx.model.vulnerability import (
    BomTarget,
    Vulnerability,
    VulnerabilityAnalysis,
    VulnerabilityRating,
    VulnerabilityScoreSource,
    VulnerabilitySource,
)

CISA = VulnerabilitySource(
    name="CISA ICS advisories", url=XsUri("https://www.cisa.gov/news-events/cybersecurity-advisories")
)


def _analysis(item: dict[str, Any]) -> tuple[ImpactAnalysisState, tuple[ImpactAnalysisResponse, ...], str]:
    status = item["status"]
    if status == "remediated":
        return ImpactAnalysisState.RESOLVED, (), f"remediated ({item['status_who']}: {item['status_why']})"
    if status == "accepted":
        until = (item["status_until"] or "")[:10]
        detail = f"risk accepted by {item['status_who']} until {until}: {item['status_why']}"
        return ImpactAnalysisState.EXPLOITABLE, (ImpactAnalysisResponse.WILL_NOT_FIX,), detail
    if status == "in_progress":
        return ImpactAnalysisState.EXPLOITABLE, (ImpactAnalysisResponse.UPDATE,), "remediation in progress"
    state = (
        ImpactAnalysisState.EXPLOITABLE if item["confidence"] == "exact" else ImpactAnalysisState.IN_TRIAGE
    )
    return state, (), f"matched ({item['confidence']}); {item['why']}"


def vulnerabilities(items: list[dict[str, Any]], refs: dict[str, str]) -> list[Vulnerability]:
    """``items``: vulns.service.site_vulns items; ``refs``: asset key -> the BOM ref of its
    device component (items of assets not in the BOM are left out)."""
    groups: dict[tuple[str, str, str, tuple[str, ...], str], list[dict[str, Any]]] = {}
    for item in items:
        if item["asset"] not in refs:
            continue
        status, answers, said = _analysis(item)
        key = (item["cve"], item["advisory"], status.value, tuple(r.value for r in answers), said)
        groups.setdefault(key, []).append(item)
    out: list[Vulnerability] = []
    for (cve, advisory, state, responses, detail), members in sorted(groups.items()):
        first = members[0]
        cvss = first["evidence"].get("cvss") or {}
        ratings = []
        if cvss.get("score") is not None:
            ratings.append(
                VulnerabilityRating(
                    source=CISA,
                    score=Decimal(str(cvss["score"])),
                    vector=cvss.get("vector"),
                    method=VulnerabilityScoreSource.CVSS_V3_1
                    if "CVSS:3.1" in str(cvss.get("vector"))
                    else VulnerabilityScoreSource.CVSS_V3,
                )
            )
        out.append(
            Vulnerability(
                bom_ref=f"{cve}/{advisory}/{state}/{len(out)}",
                id=cve,
                source=CISA,
                ratings=ratings,
                analysis=VulnerabilityAnalysis(
                    state=ImpactAnalysisState(state),
                    responses=[ImpactAnalysisResponse(r) for r in responses],
                    detail=detail,
                ),
                affects=[BomTarget(ref=refs[m["asset"]]) for m in members],
                properties=[
                    Property(
                        name="plantwarden:advisory", value=f"{advisory} revision {first['advisory_version']}"
                    ),
                    Property(name="plantwarden:kev", value="yes" if first["kev"] else "no"),
                    Property(name="plantwarden:ssvc", value=first["ssvc"]),
                    Property(name="plantwarden:bundle", value=first["bundle"]),
                ],
            )
        )
    return out
