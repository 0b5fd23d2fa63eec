"""Rules on observed traffic against the site model: conduits, flat networks, exposure paths,
cleartext engineering protocols, services nobody needs in control and safety zones.

Each gives one evidence item per declared zone: a zone no stored capture shows is "not enough
evidence" for it, never "satisfied". Evidence counts for 30 days after the newest capture.
"""

from __future__ import annotations

from typing import Any

from plantwarden.compliance.evidence import Evidence, Status
from plantwarden.compliance.netfacts import facts, newest, zone_edges
from plantwarden.compliance.rules import rule
from plantwarden.compliance.state import State
from plantwarden.continuity.conduits import judge
from plantwarden.continuity.zoning import CRITICAL, Zoning, zone_class

FRESH_DAYS = 30.0
SRC = "captures"

#: Engineering and remote protocols that carry commands or credentials in the clear.
CLEARTEXT = frozenset(
    {"modbus", "s7comm", "enip", "cip", "dnp3", "iec104", "bacnet", "ftp", "tftp", "telnet", "http", "vnc"}
)
#: IT and remote-access services that a control or safety zone host should not offer unless a
#: conduit needs them.
IT_SERVICES = frozenset(
    {"http", "ftp", "tftp", "telnet", "smb", "rdp", "vnc", "snmp", "tds", "teamviewer", "anydesk", "ssh"}
)


def _per_zone(
    state: State,
    rule_id: str,
    found: dict[str, list[dict[str, Any]]],
    good: str,
    bad: str,
    zones: list[str] | None = None,
) -> list[Evidence]:
    """One item per zone: its findings (not satisfied), none (satisfied), or no traffic seen."""
    site = state.site
    assert site is not None
    seen = facts(state)["seen_zones"]
    out = []
    for zone in zones if zones is not None else [z.name for z in site.model.zones]:
        items = found.get(zone, [])
        if items:
            status, said = Status.NOT_SATISFIED, bad.format(zone=zone, n=len(items))
        elif zone in seen:
            status, said = Status.SATISFIED, good.format(zone=zone)
        else:
            status, said = Status.NOT_ENOUGH, f"no stored capture shows traffic of zone {zone}"
        out.append(Evidence(rule_id, status, said, SRC, newest(state), FRESH_DAYS, tuple(items[:20]), zone))
    return out


@rule("conduits.conformance", ("site", "captures"), "Observed flows between zones are allowed by conduits")
def conformance(state: State) -> list[Evidence]:
    groups = facts(state)["audit"]["violation_groups"]
    found: dict[str, list[dict[str, Any]]] = {}
    for g in groups:
        for zone in dict.fromkeys((g["client_zone"], g["server_zone"])):
            found.setdefault(zone, []).append(g)
    return _per_zone(
        state,
        "conduits.conformance",
        found,
        "every observed flow of zone {zone} stays inside it or is allowed by a conduit",
        "{n} groups of flows of zone {zone} are not allowed by any conduit",
    )


@rule("zones.flat", ("site", "captures"), "No subnet mixes control or safety hosts with enterprise hosts")
def flat(state: State) -> list[Evidence]:
    found: dict[str, list[dict[str, Any]]] = {}
    for net in facts(state)["audit"]["flat_networks"]:
        for zone in net["zones"]:
            found.setdefault(zone, []).append(net)
    return _per_zone(
        state,
        "zones.flat",
        found,
        "no subnet of zone {zone} also holds hosts of a zone of another trust class",
        "zone {zone} shares {n} subnets with zones of another trust class",
    )


def _critical(state: State) -> list[str]:
    site = state.site
    assert site is not None
    return [z.name for z in site.model.zones if zone_class(z) in CRITICAL]


@rule(
    "exposure.paths", ("site", "captures"), "No path from enterprise, public or vendor addresses into control"
)
def exposure(state: State) -> list[Evidence]:
    found: dict[str, list[dict[str, Any]]] = {}
    for p in facts(state)["audit"]["exposure_paths"]:
        found.setdefault(p["hops"][-1]["zone"], []).append(p)
    return _per_zone(
        state,
        "exposure.paths",
        found,
        "no observed path from enterprise, public or vendor addresses reaches zone {zone}",
        "{n} observed paths reach zone {zone} from enterprise, public or vendor addresses",
        _critical(state),
    )


def _crossing(zoning: Zoning, client: str, server: str) -> bool:
    return zoning.zone_of(client) != zoning.zone_of(server)


@rule(
    "cleartext.engineering", ("site", "captures"), "No cleartext engineering protocol crosses a zone boundary"
)
def cleartext(state: State) -> list[Evidence]:
    """Per zone: cleartext engineering or remote protocols crossing its boundary are not
    satisfied at SL-T 2 and above, partly below; inside the zone only, partly (the boundary
    must protect them); none seen, satisfied."""
    site = state.site
    assert site is not None
    zoning: Zoning = facts(state)["zoning"]
    seen = facts(state)["seen_zones"]
    out = []
    for z in site.model.zones:
        plain = [e for e in zone_edges(state, z.name) if e.proto in CLEARTEXT]
        crossing = [e.evidence() for e in plain if _crossing(zoning, e.client, e.server)]
        inside = sorted({e.proto for e in plain if not _crossing(zoning, e.client, e.server)})
        if crossing:
            status = Status.NOT_SATISFIED if z.target_sl("FR 4") >= 2 else Status.PARTLY
            protos = ", ".join(sorted({x["proto"] for x in crossing}))
            said = f"cleartext {protos} crosses the boundary of zone {z.name} (SL-T {z.target_sl('FR 4')})"
        elif inside:
            status, said = Status.PARTLY, f"cleartext {', '.join(inside)} inside zone {z.name} only"
        elif z.name in seen:
            status, said = Status.SATISFIED, f"no cleartext engineering protocol seen in zone {z.name}"
        else:
            status, said = Status.NOT_ENOUGH, f"no stored capture shows traffic of zone {z.name}"
        out.append(
            Evidence(
                "cleartext.engineering",
                status,
                said,
                SRC,
                newest(state),
                FRESH_DAYS,
                tuple(crossing[:20]),
                z.name,
            )
        )
    return out


@rule(
    "services.unused", ("site", "captures"), "Control and safety hosts offer no IT service no conduit needs"
)
def unused(state: State) -> list[Evidence]:
    site = state.site
    assert site is not None
    zoning: Zoning = facts(state)["zoning"]
    found: dict[str, list[dict[str, Any]]] = {}
    for e in facts(state)["edges"]:
        zone = zoning.zone_of(e.server)
        if zone is None or e.proto not in IT_SERVICES or zone not in _critical(state):
            continue
        client_zone = zoning.zone_of(e.client)
        crossing = client_zone is not None and client_zone != zone
        if crossing and judge(site.model.conduits, e, str(client_zone), zone).allowed_by is not None:
            continue  # a conduit needs it
        found.setdefault(zone, []).append(e.evidence())
    return _per_zone(
        state,
        "services.unused",
        found,
        "hosts of zone {zone} offer no IT or remote-access service beyond what conduits allow",
        "hosts of zone {zone} offer {n} IT or remote-access services no conduit needs",
        _critical(state),
    )
