"""Roles inferred from what an asset does on the wire, each with the reasons shown.

A device that answers an industrial protocol as server is the controller (PLC, or RTU/
outstation for the telecontrol protocols); its clients are HMIs, SCADA servers or
engineering workstations depending on how many controllers they poll and what they do
(program download/upload and run/stop are engineering work). Identity answers and LLDP/CDP
capabilities confirm or add roles.

Roles come only from decoded application traffic: an edge counts when a decoder named its
protocol in some flow of it. A port that answered a scan with a SYN-ACK and a RST, an ICMP
refusal, or a handshake without a valid application PDU shows on the map under its
registered port's name (``tcp/5450`` is ``pi``), but it is not a service: taking it for one
made every scanned HMI a historian, printer and remote-access host.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from plantwarden.inventory.commap import MapEdge
from plantwarden.inventory.inventory import Inventory
from plantwarden.inventory.model import CONFIDENCE_RANK, Asset, Confidence, RoleGuess

CONTROLLER = {"modbus": "plc", "s7comm": "plc", "enip": "plc", "dnp3": "rtu", "iec104": "rtu"}
MASTER_STATION = frozenset({"dnp3", "iec104"})
ENGINEERING = frozenset({"program_download", "program_upload", "mode_change", "firmware_update"})
SERVICE_ROLES = {
    "jetdirect": "printer",
    "lpd": "printer",
    "ipp": "printer",
    "opcua": "opc_server",
    "bacnet": "building_controller",
    "rdp": "remote_access_host",
    "vnc": "remote_access_host",
    "ssh": "remote_access_host",
    "teamviewer": "remote_access_host",
    "anydesk": "remote_access_host",
    "tds": "historian",
    "pi": "historian",
}
IT_CLIENT = frozenset(
    {"dns", "http", "tls", "smb", "kerberos", "ldap", "ntp", "mdns", "llmnr", "nbns", "dhcp"}
)
PRIORITY = (
    "router",
    "switch",
    "plc",
    "rtu",
    "engineering_workstation",
    "scada_server",
    "hmi",
    "historian",
    "opc_server",
    "domain_controller",
    "file_server",
    "printer",
    "building_controller",
    "remote_access_host",
    "ics_client",
    "it_workstation",
    "unknown",
)
M, H, L = Confidence.MEDIUM, Confidence.HIGH, Confidence.LOW


@dataclass
class Behaviour:
    """What one asset did, summed over the communication map."""

    serves: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # service -> clients
    polls: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # service -> servers
    client_ops: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # op class -> services


L2_DISCOVERY = frozenset({"arp", "lldp", "cdp", "pn_dcp", "eth", "ip"})


DecodedKey = tuple[str, str, str, int]  # client asset id, server asset id, transport, port


def decoded_keys(inv: Inventory) -> set[DecodedKey]:
    """The (client, server, transport, port) of every analysis edge a decoder named, by asset
    id as the communication map keys them (an address without an asset stands for itself)."""
    keys: set[DecodedKey] = set()
    for doc in inv.documents:
        for e in doc.get("edges") or []:
            if not e.get("proto"):
                continue
            first = e.get("first_ts")
            client, server = inv.at(e["client"], first), inv.at(e["server"], first)
            keys.add(
                (
                    e["client"] if client is None else client.id,
                    e["server"] if server is None else server.id,
                    str(e.get("transport", "")),
                    int(e.get("port") or 0),
                )
            )
    return keys


def decoded(e: MapEdge, keys: set[DecodedKey] | None) -> bool:
    """Whether ``e`` carried decoded application traffic. Edges made from conversations (no
    transport) are decoded by construction; ``keys`` None trusts every edge."""
    return keys is None or not e.transport or (e.client, e.server, e.transport, e.port) in keys


def behaviours(edges: list[MapEdge], keys: set[DecodedKey] | None = None) -> dict[str, Behaviour]:
    """What each asset serves and polls, from the edges with decoded traffic only (see the
    module docstring; ``keys`` from :func:`decoded_keys`)."""
    out: dict[str, Behaviour] = defaultdict(Behaviour)
    for e in edges:
        if e.client == e.server or e.proto in L2_DISCOVERY or not decoded(e, keys):
            continue
        out[e.server].serves[e.proto].add(e.client)
        out[e.client].polls[e.proto].add(e.server)
        for cls in e.op_classes:
            out[e.client].client_ops[cls].add(e.proto)
    return out


def _ids(ids: set[str]) -> str:
    items = sorted(ids)
    return ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")


def _server_roles(b: Behaviour) -> list[RoleGuess]:
    out = []
    for svc, clients in sorted(b.serves.items()):
        role = CONTROLLER.get(svc) or SERVICE_ROLES.get(svc)
        if role is not None:
            out.append(RoleGuess(role, M, (f"answers {svc} requests from {_ids(clients)}",)))
    if {"kerberos", "ldap"} <= b.serves.keys():
        out.append(RoleGuess("domain_controller", M, ("serves Kerberos (88) and LDAP (389)",)))
    elif "smb" in b.serves:
        out.append(RoleGuess("file_server", L, (f"serves SMB to {_ids(b.serves['smb'])}",)))
    return out


def _client_roles(b: Behaviour) -> list[RoleGuess]:
    polled = {s for svc, servers in b.polls.items() if svc in CONTROLLER for s in servers}
    if not polled:
        return []
    svcs = sorted(svc for svc in b.polls if svc in CONTROLLER)
    reason = f"polls {len(polled)} controller(s) over {', '.join(svcs)}: {_ids(polled)}"
    eng = sorted(cls for cls in b.client_ops if cls in ENGINEERING)
    if eng:
        return [RoleGuess("engineering_workstation", M, (reason, "sends " + ", ".join(eng)))]
    if MASTER_STATION & set(svcs):
        return [RoleGuess("scada_server", M, (reason, "master station of a telecontrol protocol"))]
    if len(polled) >= 2:
        role = "scada_server" if b.serves else "hmi"
        return [
            RoleGuess(
                role, M, (reason,) + (("also serves " + ", ".join(sorted(b.serves)),) if b.serves else ())
            )
        ]
    return [RoleGuess("ics_client", L, (reason,))]


def _identity_roles(asset: Asset) -> list[RoleGuess]:
    out = []
    said = asset.value("device_type") or ""
    order = asset.value("order_number") or ""
    if "programmable logic controller" in said.lower() or order.startswith("6ES7"):
        out.append(RoleGuess("plc", H, (f"the device says it is a PLC ({said or order})",)))
    if "controller" in (asset.value("pn_dcp.device_role") or "").lower():
        out.append(RoleGuess("plc", H, ("PROFINET DCP: the device is an IO-Controller",)))
    if asset.value("bacnet.device_instance"):
        out.append(
            RoleGuess("building_controller", H, (f"BACnet device {asset.value('bacnet.device_instance')}",))
        )
    caps = " ".join(
        v.value for k, vs in asset.fields.items() if k.endswith(".capabilities") for v in vs.values()
    ).lower()
    for word, role in (("router", "router"), ("bridge", "switch"), ("switch", "switch")):
        if word in caps:
            out.append(RoleGuess(role, H, (f"LLDP/CDP capabilities: {caps}",)))
    if asset.kind == "router":
        out.append(
            RoleGuess("router", M, tuple(n for n in asset.notes if "MAC" in n or "ARP" in n or "router" in n))
        )
    os_text = f"{asset.value('os') or ''} {asset.value('description') or ''}".lower()
    if "windows" in os_text and "server" not in os_text:
        out.append(
            RoleGuess("it_workstation", L, (f"runs {asset.value('os') or asset.value('description')}",))
        )
    return out


def infer_roles(inv: Inventory, edges: list[MapEdge]) -> None:
    """Fill ``asset.roles`` (best first) for every device of the inventory."""
    seen = behaviours(edges, decoded_keys(inv))
    for asset in inv.devices():
        b = seen.get(asset.id, Behaviour())
        guesses = _merge(_identity_roles(asset) + _server_roles(b) + _client_roles(b) + _it_roles(b))
        asset.roles = guesses or [RoleGuess("unknown", L, ("no role-revealing traffic or identity",))]


def _it_roles(b: Behaviour) -> list[RoleGuess]:
    it = sorted(svc for svc in b.polls if svc in IT_CLIENT)
    if it and not b.serves:
        return [RoleGuess("it_workstation", L, ("client of " + ", ".join(it) + " and serves nothing",))]
    return []


def _merge(guesses: list[RoleGuess]) -> list[RoleGuess]:
    by_role: dict[str, RoleGuess] = {}
    for g in guesses:
        old = by_role.get(g.role)
        if old is None:
            by_role[g.role] = g
            continue
        conf = max(old.confidence, g.confidence, key=lambda c: CONFIDENCE_RANK[c])
        by_role[g.role] = RoleGuess(
            g.role, conf, old.reasons + tuple(r for r in g.reasons if r not in old.reasons)
        )
    return sorted(by_role.values(), key=lambda g: (-CONFIDENCE_RANK[g.confidence], PRIORITY.index(g.role)))
