"""Addresses to zones, and zones to their class (enterprise, dmz, operations, control, safety, ...).

A zone's class comes from its Purdue level: 0-2 control, 3 operations, 4-5 enterprise; a named
level is its own class (``dmz``, ``safety``, ``building``, ...). Control and safety zones are
the ones exposure paths lead into.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network

from plantwarden.continuity.observed_edges import IP, as_ip
from plantwarden.site.groups import zone_group_addresses
from plantwarden.site.model import Zone

CRITICAL = frozenset({"control", "safety"})
UNTRUSTED = frozenset({"enterprise"})
LEVEL_CLASS = {0: "control", 1: "control", 2: "control", 3: "operations", 4: "enterprise", 5: "enterprise"}
OUTSIDE = "(outside)"
PUBLIC = "(public)"

Net = IPv4Network | IPv6Network


def zone_class(zone: Zone) -> str:
    level = zone.level
    return LEVEL_CLASS[level] if isinstance(level, int) else level


def is_unicast(ip: IP) -> bool:
    """False for multicast, broadcast, unspecified and link-local addresses."""
    broadcast = ip.version == 4 and int(ip) == 0xFFFFFFFF
    return not (ip.is_multicast or ip.is_unspecified or ip.is_link_local or broadcast)


def subnet_of(ip: IP) -> Net:
    """The /24 (IPv4) or /64 (IPv6) that holds ``ip``."""
    return ip_network(f"{ip}/{24 if ip.version == 4 else 64}", strict=False)


@dataclass
class Zoning:
    """Zones with their CIDRs; an address outside every zone is ``(public)`` or ``(outside)``."""

    zones: tuple[Zone, ...]
    vendor_points: dict[str, str] = field(default_factory=dict)  # address -> who reaches in through it
    _cache: dict[str, str | None] = field(default_factory=dict)
    _groups: frozenset[str] | None = None

    def directed_broadcast(self, address: str) -> bool:
        """True for a broadcast or network address the zones' subnets imply (a zone's own, or
        the broadcast of a network that holds whole zones: the plant's /16 when the zones are
        /24s inside it), in any zone size: not a host of any zone (plantwarden.site.groups)."""
        if self._groups is None:
            self._groups = zone_group_addresses(n for z in self.zones for n in z.cidrs)
        return address in self._groups

    def zone_of(self, address: str) -> str | None:
        """The zone name holding ``address``; None when it is not an address or outside every zone."""
        if address not in self._cache:
            ip = as_ip(address)
            zone = (
                None if ip is None else next((z for z in self.zones if any(ip in n for n in z.cidrs)), None)
            )
            self._cache[address] = zone.name if zone is not None else None
        return self._cache[address]

    def label(self, address: str) -> str:
        """Zone name, or ``(public)`` for a global address, ``(outside)`` for any other."""
        zone = self.zone_of(address)
        if zone is not None:
            return zone
        ip = as_ip(address)
        return PUBLIC if ip is not None and ip.is_global else OUTSIDE

    def class_of(self, address: str) -> str:
        zone = self.zone_of(address)
        found = next((z for z in self.zones if z.name == zone), None)
        return zone_class(found) if found is not None else self.label(address)

    def is_source(self, address: str) -> bool:
        """Enterprise hosts, public addresses and vendor access points."""
        return self.class_of(address) in UNTRUSTED | {PUBLIC} or address in self.vendor_points

    def is_target(self, address: str) -> bool:
        return self.class_of(address) in CRITICAL


def classes(zones: Iterable[Zone]) -> dict[str, str]:
    return {z.name: zone_class(z) for z in zones}
