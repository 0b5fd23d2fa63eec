"""``plantwarden site init``: a site file drafted from what the captures show.

Zones are suggested per /24 (/64) from what their hosts do (continuity.suggest: serving an
industrial protocol is control, serving BACnet building, polling operations, office protocols
enterprise). Every observed device with a private address becomes an asset in the zone of
that address, with its identity (vendor, model, firmware, addresses) and the declared role its
inferred role maps to. What only the user knows is left as a ``# DECIDE:`` comment next to a
valid placeholder: the site's name, timezone and currency, each zone's level and SL-T, roles
inferred with low confidence, and the production lines. The text is validated by the site
loader before it is returned: ``plantwarden site validate`` accepts it as it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address
from typing import Any

from plantwarden import __version__
from plantwarden.cli.outfile import GENERATOR_MARK
from plantwarden.continuity.observed_edges import as_ip, edges_of
from plantwarden.continuity.suggest import suggest_zones
from plantwarden.continuity.zoning import is_unicast
from plantwarden.inventory.build import make_inventory
from plantwarden.inventory.model import Asset, Confidence
from plantwarden.site.loader import load_site_text
from plantwarden.site.model import Zone
from plantwarden.site.model_assets import AssetRole

#: Inferred role -> declared role; roles not listed are declared ``other`` (DECIDE).
DECLARED_ROLE = {r.value: r.value for r in AssetRole} | {
    "remote_access_host": "server",
    "ics_client": "hmi",
}
#: Suggested SL-T per zone level (IEC 62443-3-3): a starting point the user confirms.
SL_T = {"control": 3, "safety": 3, "building": 2, "operations": 2, "dmz": 2, "enterprise": 1}


def q(value: object) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted strings."""
    return json.dumps(str(value), ensure_ascii=False)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.\-]+", "-", text).strip("-._")[:64]
    return slug if slug and slug[0].isalnum() else ""


@dataclass
class Drafted:
    """The draft's assets per zone, and the devices it could not place."""

    zones: list[Zone]
    members: dict[str, list[tuple[Asset, list[str]]]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)


def _private_ips(asset: Asset) -> list[IPv4Address | IPv6Address]:
    found = []
    for text in sorted(asset.ips):
        ip = as_ip(text)
        if ip is not None and is_unicast(ip) and not ip.is_global:
            found.append(ip)
    return sorted(found, key=lambda i: (i.version, i))


def place(zones: tuple[Zone, ...], devices: list[Asset]) -> Drafted:
    drafted = Drafted(list(zones))
    for asset in devices:
        ips = _private_ips(asset)
        zone = next((z for ip in ips for z in zones if any(ip in c for c in z.cidrs)), None)
        if zone is None:
            how = " ".join(sorted(asset.ips)) or asset.id
            drafted.left_out.append(f"{asset.name} ({how}): no private address in a suggested zone")
            continue
        inside = [str(ip) for ip in ips if any(ip in c for c in zone.cidrs)]
        drafted.members.setdefault(zone.name, []).append((asset, inside))
    return drafted


def _name(asset: Asset, role: str, used: set[str]) -> str:
    said = _slug(asset.value("name") or "")
    base = said or f"{role}-{_slug(next(iter(sorted(asset.ips)), asset.id).replace(':', '-'))}"
    name, n = base[:64], 2
    while name.lower() in used:
        name, n = f"{base[:60]}-{n}", n + 1
    used.add(name.lower())
    return name


def _asset_lines(asset: Asset, zone: str, ips: list[str], used: set[str]) -> list[str]:
    guess = asset.roles[0] if asset.roles else None
    inferred = guess.role if guess is not None else "unknown"
    role = DECLARED_ROLE.get(inferred, "other")
    lines = []
    if guess is None or role == "other" or guess.confidence == Confidence.LOW or inferred != role:
        why = "; ".join(guess.reasons) if guess is not None else "no role-revealing traffic"
        lines.append(
            f"  # DECIDE: role (inferred {inferred}, {guess.confidence.value if guess else 'low'}: {why})"
        )
    lines.append(f"  - name: {q(_name(asset, role, used))}")
    lines.append(f"    role: {role}")
    lines.append(f"    zone: {q(zone)}")
    lines.append(f"    ips: [{', '.join(q(i) for i in ips)}]")
    macs = sorted(asset.macs)
    if macs:
        lines.append(f"    macs: [{', '.join(q(m) for m in macs)}]")
    vendor = asset.value("vendor")
    if vendor:
        lines.append(f"    vendor: {q(vendor)}")
    elif asset.value("mac_vendor"):
        lines.append(f"    vendor: {q(asset.value('mac_vendor'))}  # DECIDE: from the MAC prefix (OUI) only")
    model = asset.value("order_number") or asset.value("model")
    if model:
        lines.append(f"    model: {q(model)}")
    product = asset.value("product")
    if product:
        lines.append(f"    product: {q(product)}")
    firmware = asset.value("firmware")
    if firmware:
        lines.append(f"    firmware: {q(firmware)}")
    other = sorted(set(asset.ips) - set(ips))
    if other:
        lines.append(f"    # DECIDE: also seen as {', '.join(other)} (outside this zone)")
    return lines


def draft(docs: list[dict[str, Any]], captures: list[str]) -> str:
    """The site file's text (validated); see the module docstring."""
    edges = [
        e for e in edges_of(docs) if all((ip := as_ip(a)) and is_unicast(ip) for a in (e.client, e.server))
    ]
    zones = suggest_zones(edges)
    drafted = place(zones, make_inventory(docs).inventory.devices())
    out = [
        f"# {GENERATOR_MARK} {__version__} (site init) from {', '.join(captures)}",
        "# A draft: check every '# DECIDE:' line, then `plantwarden site validate` and `site load` it.",
        "site:",
        f"  name: {q('draft from ' + ', '.join(captures))}  # DECIDE: the site's name",
        "  timezone: UTC  # DECIDE: the site's IANA timezone (e.g. Europe/Berlin)",
        "  currency: EUR  # DECIDE: the currency of downtime costs (ISO 4217)",
        "zones:" if zones else "zones: []",
    ]
    for z in zones:
        level = str(z.level)
        out += [
            f"  # DECIDE: level and sl_t, {z.description}",
            f"  - name: {q(z.name)}",
            f"    level: {level}",
            f"    sl_t: {SL_T.get(level, 2)}",
            f"    cidrs: [{', '.join(q(c) for c in z.cidrs)}]",
        ]
    out.append("# DECIDE: conduits: which zone may open connections to which, over what")
    out.append("conduits: []")
    members = [(z.name, m) for z in zones for m in drafted.members.get(z.name, [])]
    out.append("assets:" if members else "assets: []")
    used: set[str] = set()
    for zone, (asset, ips) in members:
        out += _asset_lines(asset, zone, ips, used)
    for left in drafted.left_out:
        out.append(f"# not drafted: {left}")
    out += [
        "# DECIDE: production lines: what each costs per hour when it stops, and what it requires",
        "lines: []",
    ]
    text = "\n".join(out) + "\n"
    load_site_text(text, "site init draft")  # a draft that does not validate is a bug here
    return text
