"""What one analysis document tells the inventory: addresses with times, MAC-IP bindings,
identity claims and application descriptions (docs/analyze-json.md)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from plantwarden.inventory.fields import APPLICATION_PROTOS, identity_claims
from plantwarden.inventory.model import Claim, Seen, Source

MAC_KEYS = ("mac", "client_mac", "chaddr")
IP_KEYS = ("ip", "management_address", "client_ip", "your_ip", "assigned_ip")


@dataclass(frozen=True, slots=True)
class Binding:
    """An IP address used by the station with this MAC address."""

    mac: str
    ip: str
    method: str  # arp, pn_dcp, lldp, cdp, dhcp, frame (engine: source MAC + source IP), eui64
    source: Source
    last_ts: float | None = None

    @property
    def first_ts(self) -> float | None:
        return self.source.ts


@dataclass
class Observation:
    capture: str
    first_ts: float | None
    addresses: dict[str, Seen] = field(default_factory=dict)
    bindings: list[Binding] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    applications: list[tuple[str, dict[str, str], Source]] = field(default_factory=list)


def is_mac(address: str) -> bool:
    return len(address) == 17 and address.count(":") == 5


def is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def observe(doc: dict[str, Any]) -> Observation:
    name = str(doc.get("name") or "-")
    obs = Observation(name, doc.get("first_ts"))
    _traffic(doc, obs)
    for ident in doc.get("identities") or []:
        _identity(ident, obs)
    for b in (doc.get("hosts") or {}).get("bindings") or []:
        src = Source("frame", name, b.get("first_frame"), b.get("first_ts"))
        obs.bindings.append(Binding(str(b["mac"]).lower(), str(b["ip"]), "frame", src, b.get("last_ts")))
    _eui64(obs)
    return obs


def _hit(obs: Observation, address: str, ts: float | None, proto: str) -> None:
    seen = obs.addresses.get(address)
    if seen is None:
        seen = obs.addresses[address] = Seen()
        seen.sources.add(Source(proto or "traffic", obs.capture, None, ts))
    seen.hit(ts)


def _traffic(doc: dict[str, Any], obs: Observation) -> None:
    addresses = obs.addresses
    for c in doc.get("conversations") or []:
        first, last = c.get("first_ts"), c.get("last_ts")
        for a in (c["src"], c["dst"]):
            seen = addresses.get(a)
            if seen is None or first is None or last is None:
                _hit(obs, a, first, c["proto"])
                _hit(obs, a, last, c["proto"])
            else:  # the common case, inline (a long capture has 100,000 conversations)
                low, high = (first, last) if first <= last else (last, first)
                if seen.first_ts is None or low < seen.first_ts:
                    seen.first_ts = low
                if seen.last_ts is None or high > seen.last_ts:
                    seen.last_ts = high
    for e in doc.get("edges") or []:
        for a in (e["client"], e["server"]):
            _hit(obs, a, e.get("first_ts"), e.get("proto") or e.get("transport", ""))
            _hit(obs, a, e.get("last_ts"), e.get("proto") or e.get("transport", ""))
    hosts = doc.get("hosts") or {}
    for kind in ("mac", "ipv4", "ipv6"):
        for h in hosts.get(kind) or []:
            address = h if isinstance(h, str) else str(h.get("address"))
            _hit(obs, address, obs.first_ts, "traffic")
            _hit(obs, address, doc.get("last_ts"), "traffic")


def _identity(ident: dict[str, Any], obs: Observation) -> None:
    address, proto, fields = str(ident["address"]), str(ident["proto"]), dict(ident.get("fields") or {})
    source = Source(proto, obs.capture, ident.get("frame"), ident.get("ts"))
    _hit(obs, address, source.ts, proto)
    if is_mac(address):
        for key in IP_KEYS:
            ip = str(fields.get(key, ""))
            if is_ip(ip) and not ipaddress.ip_address(ip).is_unspecified:
                obs.bindings.append(Binding(address, ip, proto, source, source.ts))
    elif is_ip(address):
        for key in MAC_KEYS:
            mac = str(fields.get(key, "")).lower()
            if is_mac(mac):
                obs.bindings.append(Binding(mac, address, proto, source, source.ts))
    if proto == "arp":
        return
    if proto in APPLICATION_PROTOS:
        obs.applications.append((address, {k: str(v) for k, v in sorted(fields.items())}, source))
        return
    obs.claims.extend(identity_claims(address, proto, fields, source))


def eui64_mac(ip: str) -> str | None:
    """The MAC an IPv6 modified EUI-64 interface identifier was made from (RFC 4291, 2.5.1)."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if addr.version != 6 or addr.is_multicast:
        return None
    iid = addr.packed[8:]
    if iid[3:5] != b"\xff\xfe":
        return None
    mac = bytes([iid[0] ^ 0x02, *iid[1:3], *iid[5:8]])
    return ":".join(f"{b:02x}" for b in mac)


def _eui64(obs: Observation) -> None:
    for address, seen in list(obs.addresses.items()):
        mac = eui64_mac(address)
        if mac is not None and mac in obs.addresses:
            source = Source("eui64", obs.capture, None, seen.first_ts)
            obs.bindings.append(Binding(mac, address, "eui64", source, seen.last_ts))
