"""What the declared site model tells detection: names, zones, criticality, safety.

Without a site model every answer is neutral: no names, no zones, severity unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address, ip_network
from typing import Any

from plantwarden.detect.model import Severity
from plantwarden.site.model import Asset, AssetRole, Criticality, SiteModel, Zone

#: Purdue levels (numbers or names) that are operations or control: remote access and
#: public addresses into these are alerts.
OT_LEVELS = frozenset({0, 1, 2, 3, "operations", "control", "safety"})
OT_ROLES = frozenset(
    {
        AssetRole.PLC,
        AssetRole.RTU,
        AssetRole.HMI,
        AssetRole.SCADA_SERVER,
        AssetRole.ENGINEERING_WORKSTATION,
        AssetRole.SIS,
        AssetRole.SAFETY_PLC,
        AssetRole.BUILDING_CONTROLLER,
        AssetRole.OPC_SERVER,
        AssetRole.HISTORIAN,
    }
)


#: Address space a site uses inside (RFC 1918, RFC 6598 shared, loopback, link-local, RFC 4193
#: unique local) or that never is a host (this-network, multicast, reserved, limited broadcast).
#: Everything else is outside the site, documentation ranges (RFC 5737) included: they never
#: belong to a plant either, so traffic with them is spoofed or leaked from outside.
SITE_LOCAL = tuple(
    ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.168.0.0/16", "224.0.0.0/3", "::/127", "fc00::/7", "fe80::/10", "ff00::/8",
    )
)  # fmt: skip


@lru_cache(maxsize=65536)
def is_public(address: str) -> bool:
    """An address outside every site-local range (see :data:`SITE_LOCAL`)."""
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not any(ip in net for net in SITE_LOCAL)


class SiteContext:
    def __init__(self, site: SiteModel | None) -> None:
        self.site = site
        self._asset = lru_cache(maxsize=65536)(self._asset_uncached)
        self._zone = lru_cache(maxsize=65536)(self._zone_uncached)

    def _asset_uncached(self, address: str) -> Asset | None:
        if self.site is None:
            return None
        try:
            return self.site.asset_for_ip(address)
        except ValueError:
            return next((a for a in self.site.assets if address in a.macs), None)

    def _zone_uncached(self, address: str) -> Zone | None:
        if self.site is None:
            return None
        try:
            return self.site.zone_for_ip(address)
        except ValueError:
            return None

    def asset(self, address: str) -> Asset | None:
        return self._asset(address)

    def zone(self, address: str) -> Zone | None:
        return self._zone(address)

    def is_ot_zone(self, address: str) -> bool:
        zone = self.zone(address)
        return zone is not None and zone.level in OT_LEVELS

    def is_ot_asset(self, address: str) -> bool:
        asset = self.asset(address)
        return asset is not None and (asset.role in OT_ROLES or asset.safety)

    def describe(self, address: str) -> dict[str, Any]:
        """One entry of an alert's ``assets``: address, and name/zone/criticality when declared."""
        entry: dict[str, Any] = {"address": address}
        asset = self.asset(address)
        if asset is not None:
            entry.update(name=asset.name, role=asset.role.value, criticality=asset.criticality.value)
            if asset.safety:
                entry["safety"] = True
        zone = self.zone(address)
        if zone is not None:
            entry["zone"] = zone.name
        return entry

    def weigh(self, severity: Severity, addresses: tuple[str, ...]) -> Severity:
        """Raise one level for a critical asset, one for a safety asset; lower one for low criticality."""
        assets = [a for a in (self.asset(x) for x in addresses) if a is not None]
        if not assets:
            return severity
        step = 0
        if any(a.criticality == Criticality.CRITICAL for a in assets):
            step += 1
        if any(a.safety for a in assets):
            step += 1
        if all(a.criticality == Criticality.LOW for a in assets):
            step -= 1
        return Severity(max(Severity.INFO, min(Severity.CRITICAL, severity + step)))
