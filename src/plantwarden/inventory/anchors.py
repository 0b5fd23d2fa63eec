"""Which addresses stand for a device of their own ("anchors"), and which IP belongs to which
MAC when: the skeleton of the inventory before any field is filled in."""

from __future__ import annotations

from dataclasses import dataclass, field

from plantwarden.inventory.model import Seen
from plantwarden.inventory.observe import Binding, is_mac
from plantwarden.inventory.oui import mac_kind
from plantwarden.site.groups import is_group_address

DEVICE_MAC_KINDS = frozenset({"universal", "local"})


def mac_is_device(mac: str) -> bool:
    return mac_kind(mac.replace(":", "").upper()) in DEVICE_MAC_KINDS


def ip_is_group(ip: str, broadcasts: frozenset[str] | None = None) -> bool:
    """Multicast, unspecified or broadcast (plantwarden.site.groups). Without a site model,
    x.y.z.255 counts as a directed broadcast (the common /24); with one, the broadcast and
    network addresses its zones' subnets imply do, in any zone size."""
    return is_group_address(ip, broadcasts)


@dataclass
class Skeleton:
    """Anchors (device MACs, lone IPs, group addresses) and the IP holders over time."""

    device_macs: set[str] = field(default_factory=set)
    lone_ips: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    holders: dict[str, dict[str, Seen]] = field(default_factory=dict)  # ip -> mac -> when
    via: dict[str, str] = field(default_factory=dict)  # ip reached through router mac

    def holder(self, ip: str, ts: float | None) -> str:
        """The anchor an IP belonged to at ``ts``: the MAC holding it then, else the IP."""
        macs = self.holders.get(ip)
        if not macs:
            return ip
        if len(macs) == 1:
            return next(iter(macs))
        return min(sorted(macs), key=lambda mac: _distance(macs[mac], ts))

    def timeless(self, address: str) -> bool:
        """Whether :meth:`anchor_of` gives the same anchor for ``address`` at any time."""
        return len(self.holders.get(address) or ()) <= 1

    def anchor_of(self, address: str, ts: float | None) -> str | None:
        if address in self.groups or address in self.device_macs or address in self.lone_ips:
            return address
        return None if is_mac(address) else self.holder(address, ts)


def _distance(seen: Seen, ts: float | None) -> float:
    if ts is None or seen.first_ts is None or seen.last_ts is None:
        return 0.0
    if seen.first_ts <= ts <= seen.last_ts:
        return 0.0
    return min(abs(ts - seen.first_ts), abs(ts - seen.last_ts))


def build_skeleton(
    addresses: list[str], bindings: list[Binding], routers: set[str], broadcasts: frozenset[str] | None
) -> Skeleton:
    sk = Skeleton()
    for address in addresses:
        if is_mac(address):
            (sk.device_macs if mac_is_device(address) else sk.groups).add(address)
        elif ip_is_group(address, broadcasts):
            sk.groups.add(address)
    for b in bindings:
        if b.ip in sk.groups or not mac_is_device(b.mac):
            continue
        sk.device_macs.add(b.mac)
        if b.mac in routers and b.method == "frame":
            sk.via.setdefault(b.ip, b.mac)
            continue
        seen = sk.holders.setdefault(b.ip, {}).setdefault(b.mac, Seen())
        seen.hit(b.first_ts)
        seen.hit(b.last_ts)
        seen.sources.add(b.source)
    ips = {a for a in addresses if not is_mac(a)} | set(sk.via)
    sk.lone_ips = {ip for ip in ips if ip not in sk.groups and ip not in sk.holders}
    return sk
