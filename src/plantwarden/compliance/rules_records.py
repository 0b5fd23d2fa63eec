"""Rules on what plantwarden has recorded: the inventory against the traffic, monitoring in
place, the baseline's age, how alerts are handled, RACI, end of support, declared vendor
remote access, zones and conduits declared, the audit log. And the rules that wait for the
capabilities not in this plantwarden yet (access grants, incidents, plan; vulnerabilities:
rules_vulns).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from plantwarden.compliance.evidence import DAY, Evidence, Status
from plantwarden.compliance.netfacts import facts
from plantwarden.compliance.rules import rule
from plantwarden.compliance.sources import AuditRecord
from plantwarden.compliance.state import State
from plantwarden.continuity.observed_edges import as_ip, hosts_of
from plantwarden.continuity.zoning import is_unicast
from plantwarden.detect.model import Severity

CAPTURE_DAYS = 30.0
MODEL_DAYS = 365.0
BASELINE_DAYS = 90.0
UNMANAGED_REMOTE = frozenset({"teamviewer", "anydesk", "modem", "other"})


def _site(state: State) -> Any:
    site = state.site
    assert site is not None
    return site


@rule("inventory.coverage", ("site", "captures"), "Every observed device is in the inventory")
def inventory(state: State) -> list[Evidence]:
    """Per zone: observed unicast addresses inside the zone that no declared asset holds
    (not satisfied), or all observed addresses declared (satisfied), with the declared assets
    the captures never showed named."""
    model = _site(state).model
    seen = {h for h in hosts_of(state.docs) if (ip := as_ip(h)) is not None and is_unicast(ip)}
    declared = {str(ip) for a in model.assets for ip in a.ips}
    zoning = facts(state)["zoning"]
    out = []
    for z in model.zones:
        here = {h for h in seen if zoning.zone_of(h) == z.name}
        unknown = sorted(here - declared)
        silent = sorted(
            a.name for a in model.assets if a.zone == z.name and a.ips and not {str(i) for i in a.ips} & seen
        )
        if unknown:
            status, said = (
                Status.NOT_SATISFIED,
                f"{len(unknown)} devices seen in zone {z.name} are not in the inventory",
            )
        elif here:
            status, said = (
                Status.SATISFIED,
                f"every device seen in zone {z.name} is declared ({len(silent)} declared not seen)",
            )
        else:
            status, said = Status.NOT_ENOUGH, f"no stored capture shows traffic of zone {z.name}"
        items = tuple(
            [{"address": a, "declared": False} for a in unknown[:20]]
            + [{"asset": s, "seen": False} for s in silent[:20]]
        )
        out.append(
            Evidence(
                "inventory.coverage",
                status,
                said,
                "captures",
                state.newest_capture(),
                CAPTURE_DAYS,
                items,
                z.name,
            )
        )
    return out


@rule("monitoring.coverage", ("site", "captures"), "Captures analysed for every zone, recently")
def monitoring(state: State) -> list[Evidence]:
    model = _site(state).model
    seen = facts(state)["seen_zones"]
    firsts = [c.first_ts for c in state.captures if c.first_ts is not None]
    lasts = [c.last_ts for c in state.captures if c.last_ts is not None]
    period = {
        "captures": len(state.captures),
        "from": min(firsts, default=None),
        "to": max(lasts, default=None),
    }
    out = []
    for z in model.zones:
        if z.name in seen:
            status, said = Status.SATISFIED, f"zone {z.name} is covered by the stored captures"
        else:
            status, said = Status.NOT_SATISFIED, f"no stored capture covers zone {z.name}"
        out.append(
            Evidence(
                "monitoring.coverage",
                status,
                said,
                "captures",
                state.newest_capture(),
                CAPTURE_DAYS,
                (period,),
                z.name,
            )
        )
    return out


@rule("baseline.age", ("baselines",), "A baseline of normal traffic is learned and recent")
def baseline(state: State) -> list[Evidence]:
    newest = state.get("baselines")[-1]
    made = newest.created_at.timestamp()
    age = (state.now - made) / DAY
    item = {"version": newest.version, "source": newest.source, "created_at": newest.created_at.isoformat()}
    if age <= BASELINE_DAYS:
        return [
            Evidence(
                "baseline.age",
                Status.SATISFIED,
                f"baseline v{newest.version} learned {age:.0f} days ago",
                "baselines",
                made,
                None,
                (item,),
            )
        ]
    said = f"baseline v{newest.version} is {age:.0f} days old (relearn within {BASELINE_DAYS:.0f})"
    return [Evidence("baseline.age", Status.PARTLY, said, "baselines", made, None, (item,))]


@rule("alerts.handled", ("baselines", "alerts"), "Detection runs and its alerts are acknowledged")
def alerts(state: State) -> list[Evidence]:
    found = state.get("alerts")
    newest = max((a.last_ts for a in found), default=None)
    fresh = [a for a in found if a.state == "new"]
    serious = [a for a in fresh if a.severity >= Severity.HIGH]
    items = tuple(
        {"id": a.id, "rule": a.rule, "severity": a.severity.label, "state": a.state}
        for a in (serious or fresh)[:20]
    )
    if serious:
        status, said = Status.NOT_SATISFIED, f"{len(serious)} high or critical alerts never acknowledged"
    elif fresh:
        status, said = Status.PARTLY, f"{len(fresh)} alerts never acknowledged"
    else:
        status, said = Status.SATISFIED, f"detection ran; {len(found)} alerts, each acknowledged or closed"
    return [Evidence("alerts.handled", status, said, "alerts", newest, None, items)]


@rule("raci.complete", ("site",), "Every line, asset and activity has one Accountable and a Responsible")
def raci(state: State) -> list[Evidence]:
    from plantwarden.continuity import raci as matrix
    from plantwarden.continuity.graph import build_graph

    site = _site(state)
    rows = matrix.matrix(site.model, build_graph(site.model))
    gray = matrix.gray_areas(rows)
    items = tuple(r.as_dict() for r in gray[:20])
    if not rows or len(gray) == len(rows):
        status, said = (
            Status.NOT_SATISFIED,
            f"no RACI row of {len(rows)} has a Responsible and one Accountable",
        )
    elif gray:
        status, said = Status.PARTLY, f"{len(gray)} of {len(rows)} RACI rows are gray areas"
    else:
        status, said = Status.SATISFIED, f"all {len(rows)} RACI rows have a Responsible and one Accountable"
    return [Evidence("raci.complete", status, said, "site", site.loaded_at, MODEL_DAYS, items)]


@rule("lifecycle.support", ("site",), "No asset is past its end of support")
def lifecycle(state: State) -> list[Evidence]:
    from plantwarden.continuity import lifecycle as support
    from plantwarden.continuity.graph import build_graph

    site = _site(state)
    at = datetime.fromtimestamp(state.now, UTC).date()
    zones = support.report(site.model, build_graph(site.model), at)["zones"]
    out = []
    for name, z in zones.items():
        if not z["assets"]:
            status, said = Status.NOT_ENOUGH, f"zone {name} declares no asset"
        elif z["legacy"]:
            status, said = (
                Status.PARTLY,
                f"{len(z['legacy'])} of {z['assets']} assets of zone {name} are past end of support",
            )
        elif z["unknown"]:
            status, said = (
                Status.PARTLY,
                f"end of support unknown for {len(z['unknown'])} assets of zone {name}",
            )
        else:
            status, said = Status.SATISFIED, f"every asset of zone {name} is supported"
        items = ({"legacy": z["legacy"], "unknown": z["unknown"]},)
        out.append(
            Evidence("lifecycle.support", status, said, "site", site.loaded_at, MODEL_DAYS, items, name)
        )
    return out


@rule("remote.declared", ("site",), "Vendor remote access goes through a managed path")
def remote(state: State) -> list[Evidence]:
    site = _site(state)
    vendors = [v for v in site.model.vendors if v.remote_access != "none"]
    weak = [v for v in vendors if v.remote_access in UNMANAGED_REMOTE or v.via is None]
    items = tuple(
        {"vendor": v.company, "remote_access": str(v.remote_access), "via": v.via} for v in (weak or vendors)
    )
    if not site.model.vendors:
        said = "the site model declares no vendors (remote access unknown)"
        return [Evidence("remote.declared", Status.NOT_ENOUGH, said, "site", site.loaded_at, MODEL_DAYS)]
    if weak:
        status, said = (
            Status.NOT_SATISFIED,
            f"{len(weak)} vendors reach the plant outside a managed gateway: "
            + ", ".join(v.company for v in weak),
        )
    else:
        said = f"{len(vendors)} of {len(site.model.vendors)} vendors have remote access, by managed paths"
        status = Status.SATISFIED
    return [Evidence("remote.declared", status, said, "site", site.loaded_at, MODEL_DAYS, items)]


@rule("zones.defined", ("site",), "Zones with SL-T and address ranges, conduits with their enforcing device")
def zones_defined(state: State) -> list[Evidence]:
    site = _site(state)
    model = site.model
    ranged = [z.name for z in model.zones if z.cidrs]
    unenforced = [c.name for c in model.conduits if c.enforced_by is None]
    items = tuple(
        [{"zone": z.name, "sl_t": z.sl_t, "cidrs": [str(c) for c in z.cidrs]} for z in model.zones]
        + [{"conduit": c, "enforced_by": None} for c in unenforced]
    )
    if len(model.zones) < 2 or not ranged:
        status, said = (
            Status.NOT_SATISFIED,
            "the site model declares fewer than two zones with address ranges",
        )
    elif not model.conduits or unenforced:
        status, said = (
            Status.PARTLY,
            f"{len(unenforced) if model.conduits else 'no'} conduits without an enforcing device",
        )
    else:
        status, said = (
            Status.SATISFIED,
            f"{len(model.zones)} zones with SL-T, {len(model.conduits)} conduits, each enforced",
        )
    return [Evidence("zones.defined", status, said, "site", site.loaded_at, MODEL_DAYS, items)]


@rule("audit.chain", ("audit",), "Changes are recorded with who, when and why in an intact log")
def audit_chain(state: State) -> list[Evidence]:
    record: AuditRecord = state.get("audit")
    if record.intact:
        said = f"{record.count} changes of the site recorded with who, when and why; the hash chain verifies"
        return [Evidence("audit.chain", Status.SATISFIED, said, "audit", record.newest, None)]
    said = f"the audit log's hash chain is broken: {record.problem}"
    return [Evidence("audit.chain", Status.NOT_SATISFIED, said, "audit", record.newest, None)]


