"""Checks across sections: names defined once, every reference defined, addresses in their zone.

Each check returns ``(loc, message)`` pairs; ``loc`` is the path of the offending value in the
file (``("assets", 3, "zone")``), which the loader turns into file:line:column.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from ipaddress import IPv4Address, IPv6Address

from plantwarden.site.graph import dependency_problems
from plantwarden.site.model import SiteModel
from plantwarden.site.windows import first_overlap
from plantwarden.site.yamlnodes import Loc

Found = Iterator[tuple[Loc, str]]
MAX_LISTED = 12


def check_references(model: SiteModel, ignore: frozenset[str] = frozenset()) -> list[tuple[Loc, str]]:
    """Every cross-reference problem; names in ``ignore`` (entries that failed) count as defined."""
    checks = (
        _duplicates(model),
        _zone_refs(model, ignore),
        _addresses(model),
        _node_refs(model, ignore),
        dependency_problems(model),
        _raci_refs(model, ignore),
        _window_refs(model, ignore),
        _vendor_refs(model, ignore),
        _access_refs(model, ignore),
    )
    return [found for check in checks for found in check]


def _unique(section: str, key: str, names: Iterable[str], seen: dict[str, str]) -> Found:
    for i, name in enumerate(names):
        if name in seen:
            yield (section, i, key), f"{name!r} is already defined ({seen[name]}); names must be unique"
        else:
            seen[name] = f"{section}[{i}]"


def _duplicates(m: SiteModel) -> Found:
    yield from _unique("zones", "name", (z.name for z in m.zones), {})
    yield from _unique("conduits", "name", (c.name for c in m.conduits), {})
    yield from _unique("roles", "id", (r.id for r in m.roles), {})
    yield from _unique("maintenance_windows", "name", (w.name for w in m.maintenance_windows), {})
    yield from _unique("vendors", "company", (v.company for v in m.vendors), {})
    nodes: dict[str, str] = {}  # assets, services, lines and groups share one namespace
    for section in ("assets", "services", "lines", "redundancy_groups"):
        yield from _unique(section, "name", (x.name for x in getattr(m, section)), nodes)


def _missing(loc: Loc, name: str, kind: str, known: set[str], ignore: frozenset[str]) -> Found:
    if name not in known and name not in ignore:
        yield loc, f"{kind} {name!r} is not defined ({_expected(name, known)})"


def _expected(name: str, known: set[str]) -> str:
    """The defined names when few, else the closest one."""
    if len(known) <= MAX_LISTED:
        return "expected one of: " + (", ".join(sorted(known)) or "none defined")
    near = difflib.get_close_matches(name, sorted(known), n=1)
    return f"expected one of the {len(known)} defined" + (f"; did you mean {near[0]!r}?" if near else "")


def _zone_refs(m: SiteModel, ignore: frozenset[str]) -> Found:
    zones, assets = {z.name for z in m.zones}, {a.name for a in m.assets}
    for i, c in enumerate(m.conduits):
        yield from _missing(("conduits", i, "from"), c.from_zone, "zone", zones, ignore)
        yield from _missing(("conduits", i, "to"), c.to_zone, "zone", zones, ignore)
        if c.from_zone == c.to_zone:
            yield ("conduits", i, "to"), f"conduit {c.name!r} connects zone {c.to_zone!r} to itself"
        if c.enforced_by is not None:
            yield from _missing(("conduits", i, "enforced_by"), c.enforced_by, "asset", assets, ignore)
    for i, a in enumerate(m.assets):
        yield from _missing(("assets", i, "zone"), a.zone, "zone", zones, ignore)


def _addresses(m: SiteModel) -> Found:
    yield from _zone_overlaps(m)
    seen_ip: dict[IPv4Address | IPv6Address, str] = {}
    seen_mac: dict[str, str] = {}
    for i, a in enumerate(m.assets):
        zone = m.zone(a.zone)
        for j, ip in enumerate(a.ips):
            if zone is not None and not any(ip in net for net in zone.cidrs):
                nets = ", ".join(str(n) for n in zone.cidrs) or "no CIDRs"
                text = f"{ip} is outside zone {zone.name!r} (expected an address in {nets})"
                yield ("assets", i, "ips", j), text
            if ip in seen_ip:
                yield ("assets", i, "ips", j), f"{ip} is already the address of asset {seen_ip[ip]!r}"
            seen_ip.setdefault(ip, a.name)
        for j, mac in enumerate(a.macs):
            if mac in seen_mac:
                yield ("assets", i, "macs", j), f"{mac} is already the MAC address of asset {seen_mac[mac]!r}"
            seen_mac.setdefault(mac, a.name)


def _zone_overlaps(m: SiteModel) -> Found:
    for i, z in enumerate(m.zones):
        for j, net in enumerate(z.cidrs):
            for other in m.zones[:i]:
                clash = next((o for o in other.cidrs if o.version == net.version and o.overlaps(net)), None)
                if clash is not None:
                    yield ("zones", i, "cidrs", j), f"{net} overlaps {clash} of zone {other.name!r}"
        vlans = {v: o.name for o in m.zones[:i] for v in o.vlans}
        for j, vlan in enumerate(z.vlans):
            if vlan in vlans:
                yield ("zones", i, "vlans", j), f"VLAN {vlan} is already used by zone {vlans[vlan]!r}"


def _node_refs(m: SiteModel, ignore: frozenset[str]) -> Found:
    members = {a.name for a in m.assets} | {s.name for s in m.services}
    nodes = members | {x.name for x in m.lines} | {g.name for g in m.redundancy_groups}
    needs = [("services", i, s.requires) for i, s in enumerate(m.services)]
    for section, i, requires in needs + [("lines", i, x.requires) for i, x in enumerate(m.lines)]:
        for j, name in enumerate(requires):
            yield from _missing((section, i, "requires", j), name, "requirement", nodes, ignore)
    for i, d in enumerate(m.dependencies):
        yield from _missing(("dependencies", i, "dependent"), d.dependent, "dependent", nodes, ignore)
        yield from _missing(("dependencies", i, "requires"), d.requires, "requirement", nodes, ignore)
    for i, g in enumerate(m.redundancy_groups):
        for j, name in enumerate(g.members):
            at = ("redundancy_groups", i, "members", j)
            yield from _missing(at, name, "asset or service", members, ignore)
            if name in g.members[:j]:
                yield at, f"{name!r} is listed twice in group {g.name!r}"


def _raci_refs(m: SiteModel, ignore: frozenset[str]) -> Found:
    roles, assets, lines = {r.id for r in m.roles}, {a.name for a in m.assets}, {x.name for x in m.lines}
    seen: dict[tuple[str | None, str | None, str | None], int] = {}
    for i, e in enumerate(m.raci):
        s = e.subject
        if s.asset is not None:
            yield from _missing(("raci", i, "subject", "asset"), s.asset, "asset", assets, ignore)
        if s.line is not None:
            yield from _missing(("raci", i, "subject", "line"), s.line, "line", lines, ignore)
        key = (s.asset, s.line, s.activity)
        if key in seen:
            yield ("raci", i, "subject"), f"this subject already has a RACI entry (raci[{seen[key]}])"
        seen.setdefault(key, i)
        for part in ("responsible", "accountable", "consulted", "informed"):
            for j, rid in enumerate(getattr(e, part)):
                yield from _missing(("raci", i, part, j), rid, "role", roles, ignore)


def _window_refs(m: SiteModel, ignore: frozenset[str]) -> Found:
    lines = {x.name for x in m.lines}
    windows = m.maintenance_windows
    for i, w in enumerate(windows):
        for j, name in enumerate(w.lines):
            yield from _missing(("maintenance_windows", i, "lines", j), name, "line", lines, ignore)
        for other in windows[:i]:
            shared = sorted(set(w.lines) & set(other.lines))
            clash = first_overlap(other, w, m.tz) if shared else None
            if clash is not None:
                at = f"{clash[1].start:%Y-%m-%d %H:%M} to {clash[1].end:%Y-%m-%d %H:%M %Z}"
                text = f"window {w.name!r} overlaps window {other.name!r} for line {shared[0]!r} ({at})"
                yield ("maintenance_windows", i, "name"), text + "; windows of the same line must not overlap"


def _vendor_refs(m: SiteModel, ignore: frozenset[str]) -> Found:
    assets = {a.name for a in m.assets}
    for i, v in enumerate(m.vendors):
        for j, name in enumerate(v.assets):
            yield from _missing(("vendors", i, "assets", j), name, "asset", assets, ignore)
        if v.via is not None:
            yield from _missing(("vendors", i, "via"), v.via, "asset", assets, ignore)


def _access_refs(m: SiteModel, ignore: frozenset[str]) -> Found:
    assets, zones = {a.name for a in m.assets}, {z.name for z in m.zones}
    vendors = {v.company for v in m.vendors}
    yield from _unique_grants(m)
    for i, g in enumerate(m.access.grants):
        at = ("access", "grants", i)
        yield from _missing((*at, "vendor"), g.vendor, "vendor", vendors, ignore)
        for j, name in enumerate(g.assets):
            yield from _missing((*at, "assets", j), name, "asset", assets, ignore)
        if g.zone is not None:
            yield from _missing((*at, "zone"), g.zone, "zone", zones, ignore)
        known = all(a in assets for a in g.assets) and (g.zone is None or g.zone in zones)
        if known and not ignore:
            from plantwarden.access.raci import approval_problem, zone_assets

            targets = list(g.assets) if g.zone is None else zone_assets(m, g.zone)
            problem = approval_problem(m, g.approved_by, targets)
            if problem is not None:
                yield (*at, "approved_by"), problem


def _unique_grants(m: SiteModel) -> Found:
    seen: dict[str, str] = {}
    for i, g in enumerate(m.access.grants):
        if g.name in seen:
            yield (
                ("access", "grants", i, "name"),
                f"{g.name!r} is already defined ({seen[g.name]}); names must be unique",
            )
        seen.setdefault(g.name, f"access.grants[{i}]")
