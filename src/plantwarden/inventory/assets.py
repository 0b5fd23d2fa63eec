"""Merge the observations of every analysis document into assets.

Keys: a device MAC is one asset with every IP it used (DHCP changes included); an IP never
tied to a device MAC is an asset of its own (loopback, routed, or no ARP seen); a router's
MAC does not absorb the addresses it forwards for (:mod:`plantwarden.inventory.gateway`);
assets that report the same vendor and serial number are one device with several
addresses. Documents are deduplicated by content hash, so the same capture twice changes
nothing and a second capture only adds.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from plantwarden.inventory.anchors import Skeleton, build_skeleton
from plantwarden.inventory.gateway import find_routers
from plantwarden.inventory.inventory import Inventory
from plantwarden.inventory.model import Asset, Claim, Confidence, Seen, Source, normalise
from plantwarden.inventory.observe import Observation, is_mac, observe
from plantwarden.inventory.oui import lookup

MIN_SERIAL = 4  # shorter serial numbers ("0", "1") do not identify a device


def unique_documents(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One document per capture content (sha256, else name), in first-traffic order."""
    out: dict[str, dict[str, Any]] = {}
    for doc in docs:
        out.setdefault(str(doc.get("sha256") or doc.get("name")), doc)
    return sorted(
        out.values(), key=lambda d: (d.get("first_ts") or 0.0, str(d.get("name")), str(d.get("sha256")))
    )


def build_inventory(
    docs: list[dict[str, Any]],
    router_macs: set[str] | None = None,
    broadcasts: frozenset[str] | None = None,
) -> Inventory:
    """The inventory of every asset the documents show (roles and site data come after)."""
    docs = unique_documents(docs)
    observations = [observe(d) for d in docs]
    seen = _merged_addresses(observations)
    bindings = [b for o in observations for b in o.bindings]
    routers = find_routers(bindings, router_macs)
    sk = build_skeleton(sorted(seen), bindings, set(routers), broadcasts)
    claims = [(sk.anchor_of(c.address, c.source.ts), c) for o in observations for c in o.claims]
    groups = _group_anchors(sk, [(a, c) for a, c in claims if a is not None])
    assets = {anchor: asset for asset in _assets(groups, sk, seen, routers) for anchor in asset.addresses()}
    for anchor, claim in claims:
        if anchor is not None:
            assets[anchor].add(claim)
    for o in observations:
        for address, fields, source in o.applications:
            anchor = sk.anchor_of(address, source.ts)
            if (
                anchor is not None
                and (app := {**fields, "capture": source.capture}) not in assets[anchor].applications
            ):
                assets[anchor].applications.append(app)
    unique = sorted({id(a): a for a in assets.values()}.values(), key=lambda a: a.id)
    for asset in unique:
        _finish(asset, sk, routers)
    return Inventory(unique, [str(d.get("name")) for d in docs], docs, sk)


def _merged_addresses(observations: list[Observation]) -> dict[str, Seen]:
    out: dict[str, Seen] = {}
    for o in observations:
        for address, s in o.addresses.items():
            m = out.setdefault(address, Seen())
            m.hit(s.first_ts)
            m.hit(s.last_ts)
            m.sources |= s.sources
    return out


def _group_anchors(sk: Skeleton, claims: list[tuple[str, Claim]]) -> list[list[str]]:
    """Anchors that are one device: the same (vendor, serial number)."""
    vendor: dict[str, str] = {a: normalise(c.value) for a, c in claims if c.field == "vendor"}
    parent = {a: a for a in sorted(sk.device_macs | sk.lone_ips | sk.groups)}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first: dict[tuple[str, str], str] = {}
    for anchor, c in sorted(claims, key=lambda ac: (ac[0], ac[1].field, ac[1].value)):
        if c.field != "serial" or len(c.value) < MIN_SERIAL or anchor in sk.groups or not c.value.strip("0x"):
            continue
        key = (vendor.get(anchor, ""), normalise(c.value))
        other = first.setdefault(key, anchor)
        parent[find(anchor)] = find(other)
    members: dict[str, list[str]] = defaultdict(list)
    for a in parent:
        members[find(a)].append(a)
    return [sorted(m) for m in members.values()]


def _assets(
    groups: list[list[str]], sk: Skeleton, seen: dict[str, Seen], routers: dict[str, list[str]]
) -> list[Asset]:
    held_by = _held_by(sk)
    out = []
    for anchors in groups:
        macs = [a for a in anchors if is_mac(a)]
        kind = "group" if any(a in sk.groups for a in anchors) else "device"
        kind = "router" if any(m in routers for m in macs) else kind
        asset = Asset(id=macs[0] if macs else anchors[0], kind=kind)
        for a in anchors:
            (asset.macs if is_mac(a) else asset.ips)[a] = _copy(seen.get(a))
        held = sorted(h for mac in macs for h in held_by.get(mac, ()))  # in the holders' order
        for _, ip, s, shared in held:
            asset.ips[ip] = _held(s, seen.get(ip), shared)
        out.append(asset)
    return out


def _held_by(sk: Skeleton) -> dict[str, list[tuple[int, str, Seen, bool]]]:
    """Per MAC, the IPs it held: (position in the skeleton's holders, ip, when, shared)."""
    out: dict[str, list[tuple[int, str, Seen, bool]]] = defaultdict(list)
    position = 0
    for ip, held in sk.holders.items():
        for mac, s in held.items():
            out[mac].append((position, ip, s, len(held) > 1))
            position += 1
    return out


def _copy(s: Seen | None) -> Seen:
    return Seen() if s is None else Seen(s.first_ts, s.last_ts, set(s.sources))


def _held(binding: Seen, traffic: Seen | None, shared: bool) -> Seen:
    """An IP a MAC held: its traffic times, or only the binding's times when another MAC
    held the same IP at another time."""
    out = _copy(binding if shared or traffic is None else traffic)
    out.sources |= binding.sources
    return out


def _finish(asset: Asset, sk: Skeleton, routers: dict[str, list[str]]) -> None:
    for mac in sorted(asset.macs):
        info = lookup(mac)
        asset.captures |= {s.capture for s in asset.macs[mac].sources}
        if info.vendor is not None:
            src = Source("oui", f"IEEE {info.registry} {info.prefix}")
            asset.add(Claim(mac, "mac_vendor", info.vendor, Confidence.LOW, src))
        if info.kind == "local":
            asset.notes.append(f"{mac} is locally administered (virtual machine, container or randomised)")
        if info.group is not None:
            asset.notes.append(f"{mac}: {info.group}")
        if mac in routers:
            asset.notes.extend(routers[mac])
            asset.behind |= {ip for ip, via in sk.via.items() if via == mac}
    for ip, s in asset.ips.items():
        asset.captures |= {x.capture for x in s.sources if not x.capture.startswith("IEEE ")}
        if ip in sk.via and ip not in sk.holders:
            asset.via = sk.via[ip]
    asset.name = asset.value("hostname") or asset.value("name") or asset.id
