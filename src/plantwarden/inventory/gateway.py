"""Which MAC addresses are routers: one MAC in front of many IP addresses at once.

A station's own addresses come and go one after the other (a DHCP lease changes) or stay
few and on one subnet (IPv4 plus IPv6, a secondary address). A router's MAC carries the
traffic of every host behind it: many addresses at the same time, often on other subnets
than the router's own (the one it answers ARP for). Only engine-seen frames (source MAC with
source IP, method ``frame``) count as "in front of"; ARP, PROFINET DCP and LLDP bindings are
the station's own addresses.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from functools import lru_cache

from plantwarden.inventory.observe import Binding

MIN_CONCURRENT = 3  # this many addresses of one family in use at once: a router
SELF_METHODS = frozenset({"arp", "pn_dcp", "lldp", "cdp", "dhcp", "eui64"})

Interval = tuple[float, float]
ADDRESSES_CACHED = 1 << 16  # parsed addresses kept (a router check looks at each several times)


@lru_cache(maxsize=ADDRESSES_CACHED)
def _version(ip: str) -> int:
    return ipaddress.ip_address(ip).version


@lru_cache(maxsize=ADDRESSES_CACHED)
def subnet(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) an address sits in: "same subnet" without a site model."""
    addr = ipaddress.ip_address(ip)
    prefix = 24 if addr.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


@lru_cache(maxsize=ADDRESSES_CACHED)
def counts_for_routing(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    return not (addr.is_link_local or addr.is_multicast or addr.is_unspecified or addr.is_loopback)


def spans(bindings: list[Binding]) -> dict[str, dict[str, Interval]]:
    """mac -> ip -> (first, last) over bindings."""
    out: dict[str, dict[str, Interval]] = defaultdict(dict)
    for b in bindings:
        first = b.first_ts if b.first_ts is not None else 0.0
        last = b.last_ts if b.last_ts is not None else first
        old = out[b.mac].get(b.ip)
        out[b.mac][b.ip] = (first, last) if old is None else (min(old[0], first), max(old[1], last))
    return out


def max_concurrent(intervals: list[Interval]) -> int:
    """Most intervals in use at one instant (end points touch = overlap)."""
    events = sorted([(a, 0) for a, _ in intervals] + [(b, 1) for _, b in intervals])
    best = live = 0
    for _, end in events:
        live += -1 if end else 1
        best = max(best, live)
    return best


def router_reasons(mac: str, frame: dict[str, Interval], own: set[str]) -> list[str]:
    """Why ``mac`` is a router (empty: it is not)."""
    reasons = []
    for version in (4, 6):
        ips = {ip: iv for ip, iv in frame.items() if _version(ip) == version and counts_for_routing(ip)}
        if max_concurrent(list(ips.values())) >= MIN_CONCURRENT:
            reasons.append(f"{mac} was the source MAC of {len(ips)} IPv{version} addresses at the same time")
        own_nets = {subnet(ip) for ip in own if _version(ip) == version and counts_for_routing(ip)}
        off = sorted(ip for ip in ips if own_nets and subnet(ip) not in own_nets)
        if off and not reasons:
            reasons.append(
                f"{mac} answers ARP for {', '.join(sorted(own))} but carries traffic of "
                f"off-subnet {', '.join(off[:5])}{' ...' if len(off) > 5 else ''}"
            )
    return reasons


def find_routers(bindings: list[Binding], declared: set[str] | None = None) -> dict[str, list[str]]:
    """mac -> reasons, for every MAC that is a router (or declared one in the site model)."""
    frame = spans([b for b in bindings if b.method == "frame"])
    own: dict[str, set[str]] = defaultdict(set)
    for b in bindings:
        if b.method in SELF_METHODS:
            own[b.mac].add(b.ip)
    out = {mac: r for mac in sorted(frame) if (r := router_reasons(mac, frame[mac], own[mac]))}
    for mac in sorted(declared or ()):
        out.setdefault(mac, []).append(f"{mac} belongs to a router or firewall declared in the site model")
    return out
