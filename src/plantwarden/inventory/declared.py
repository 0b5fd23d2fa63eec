"""Observed versus declared: the site model's assets held against what the captures show.

A declared asset matches the observed asset holding one of its MACs, else one of its IPs.
Observed devices nobody declared are new or unmanaged; declared assets never seen are
silent; declared values the devices contradict are listed with the evidence.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plantwarden.inventory.inventory import Inventory
from plantwarden.inventory.model import Asset, Confidence, Source
from plantwarden.site.groups import zone_group_addresses

if TYPE_CHECKING:  # annotations only: the site model loads when a command reads one
    from plantwarden.site.model import Asset as Declared
    from plantwarden.site.model import SiteModel

COMPATIBLE = {  # inferred role -> declared roles it does not contradict
    "plc": {"plc", "rtu", "safety_plc", "sis"},
    "rtu": {"rtu", "plc", "safety_plc", "sis"},
    "hmi": {"hmi", "scada_server", "engineering_workstation"},
    "scada_server": {"scada_server", "hmi", "historian", "mes", "server", "opc_server"},
    "engineering_workstation": {"engineering_workstation", "hmi", "scada_server"},
    "building_controller": {"building_controller"},
    "printer": {"printer", "print_server"},
    "router": {"router", "firewall", "switch"},
    "switch": {"switch", "router", "firewall"},
    "opc_server": {"opc_server", "scada_server", "historian", "server", "mes"},
}


@dataclass
class Comparison:
    unmanaged: list[str] = field(default_factory=list)  # observed asset ids
    silent: list[str] = field(default_factory=list)  # declared asset names
    mismatches: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"unmanaged": self.unmanaged, "silent": self.silent, "mismatches": self.mismatches}


def zone_of_ip(site: SiteModel, ip: str) -> str | None:
    addr = ipaddress.ip_address(ip)
    return next(
        (z.name for z in site.zones for c in z.cidrs if addr.version == c.version and addr in c), None
    )


def broadcasts(site: SiteModel) -> frozenset[str]:
    """The broadcast and network addresses of the site's zones (plantwarden.site.groups)."""
    return zone_group_addresses(c for z in site.zones for c in z.cidrs)


def router_macs(site: SiteModel) -> set[str]:
    return {m for a in site.assets if a.role.value in ("router", "firewall") for m in a.macs}


def match(inv: Inventory, declared: Declared) -> Asset | None:
    for key in [*declared.macs, *(str(ip) for ip in declared.ips)]:
        found = [a for a in inv.find(key) if a.kind != "group"]
        if found:
            return found[-1]
    return None


def apply_site(inv: Inventory, site: SiteModel) -> None:
    """Zone and declared name of every asset (the declared name becomes its name)."""
    for asset in inv.assets:
        asset.zone = next((z for ip in sorted(asset.ips) if (z := zone_of_ip(site, ip))), None)
    for declared in site.assets:
        found = match(inv, declared)
        if found is not None and found.declared is None:
            found.declared, found.name, found.zone = declared.name, declared.name, declared.zone
    inv.reindex()


def compare(inv: Inventory, site: SiteModel) -> Comparison:
    out = Comparison()
    matched = {a.declared for a in inv.assets if a.declared}
    out.silent = sorted(d.name for d in site.assets if d.name not in matched)
    out.unmanaged = [a.id for a in inv.devices() if a.declared is None and not _loopback(a)]
    for asset in inv.devices():
        declared = next((d for d in site.assets if d.name == asset.declared), None)
        if declared is not None:
            out.mismatches.extend(_mismatches(inv, asset, declared))
    return out


def _loopback(asset: Asset) -> bool:
    return bool(asset.ips) and not asset.macs and all(ipaddress.ip_address(i).is_loopback for i in asset.ips)


def _norm(value: str) -> str:
    return " ".join(value.lower().removeprefix("v").split())


def _mismatches(inv: Inventory, asset: Asset, declared: Declared) -> list[dict[str, Any]]:
    out = []
    checks = (
        ("vendor", declared.vendor, ("vendor",), _contains),
        ("firmware", declared.firmware, ("firmware",), _eq),
        ("model", declared.model, ("order_number", "model", "product"), _eq),
    )
    for name, expected, fields, same in checks:
        observed = [v for f in fields for v in (asset.fields.get(f) or {}).values()]
        if expected is None or not observed or any(same(expected, v.value) for v in observed):
            continue
        out.append(
            _row(
                asset,
                declared,
                name,
                expected,
                [v.value for v in observed],
                [s.as_dict() for v in observed for s in sorted(v.sources, key=Source.key)],
            )
        )
    out.extend(_mac_mismatches(inv, asset, declared))
    role = asset.role
    if (
        role is not None
        and role.confidence != Confidence.LOW
        and role.role in COMPATIBLE
        and declared.role.value not in COMPATIBLE[role.role]
    ):
        out.append(_row(asset, declared, "role", declared.role.value, [role.role], list(role.reasons)))
    return out


def _contains(a: str, b: str) -> bool:
    return _norm(a) in _norm(b) or _norm(b) in _norm(a)


def _eq(a: str, b: str) -> bool:
    return _norm(a) == _norm(b)


def _mac_mismatches(inv: Inventory, asset: Asset, declared: Declared) -> list[dict[str, Any]]:
    out = []
    for ip in (str(i) for i in declared.ips):
        macs = sorted(m for a in inv.find(ip) for m in a.macs)
        other = [m for m in macs if m not in declared.macs]
        if declared.macs and other:
            evidence = [s.as_dict() for a in inv.find(ip) for s in sorted(a.ips[ip].sources, key=Source.key)]
            out.append(_row(asset, declared, f"mac of {ip}", ", ".join(declared.macs), other, evidence))
    return out


def _row(
    asset: Asset, declared: Declared, name: str, expected: str, observed: list[str], evidence: list[Any]
) -> dict[str, Any]:
    return {
        "asset": asset.id,
        "declared": declared.name,
        "field": name,
        "declared_value": expected,
        "observed": sorted(set(observed)),
        "evidence": evidence,
    }
