"""Addresses that are never a device: broadcast, network and multicast addresses.

The zones' subnets say which IPv4 addresses are broadcasts, whatever their size: a zone's own
network and broadcast addresses (a /25 ends at .127, a /23 at the odd .255: its even .255 is a
host), and the directed broadcasts of the networks that hold whole zones (the plant's /16 when
the zones are /24s inside it) as long as no zone holds that address as a host. /31 and /32
subnets have neither (RFC 3021). Without zones, x.y.z.255 counts as the broadcast of the
common /24. The limited broadcast, multicast and unspecified addresses are groups everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

LIMITED_BROADCAST = "255.255.255.255"
OUTERMOST_PREFIX = 8  # an aggregate larger than a /8 holds no plant


def zone_group_addresses(cidrs: Iterable[IPv4Network | IPv6Network]) -> frozenset[str]:
    """The broadcast and network addresses the zones' subnets imply (see the module docstring)."""
    nets = [n for n in cidrs if isinstance(n, IPv4Network)]
    out: set[IPv4Address] = set()
    for n in nets:
        if n.prefixlen <= 30:
            out.update((n.network_address, n.broadcast_address))
    for n in nets:
        for prefix in range(OUTERMOST_PREFIX, n.prefixlen):
            outer = n.supernet(new_prefix=prefix).broadcast_address
            if not any(outer in m for m in nets):
                out.add(outer)
    return frozenset(str(a) for a in out)


def is_group_address(address: str, zone_groups: frozenset[str] | None = None) -> bool:
    """Whether an IP address names no single device: multicast, unspecified, the limited
    broadcast, or a broadcast/network address of the zones (``zone_groups`` from
    :func:`zone_group_addresses`; None without zones: the x.y.z.255 of a /24)."""
    try:
        ip: IPv4Address | IPv6Address = ip_address(address)
    except ValueError:
        return False
    if ip.is_multicast or ip.is_unspecified or address == LIMITED_BROADCAST:
        return True
    if ip.version != 4 or ip.is_loopback:
        return False
    if zone_groups is not None:
        return address in zone_groups
    return address.endswith(".255")
