"""The assets matching runs over: every observed device of the inventory (its identity
fields with the protocol, capture and frame that gave each value) merged with what the site
model declares about it, and the declared assets the captures never showed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plantwarden.inventory.model import Asset, Source
from plantwarden.vulns.facts import FIELDS, AssetFacts

if TYPE_CHECKING:
    from plantwarden.inventory.build import InventoryReport
    from plantwarden.site.model import Asset as Declared
    from plantwarden.site.model import SiteModel

DECLARED = "declared (site model)"


def _source(s: Source) -> str:
    return f"{s.proto} {s.capture}" + (f"#{s.frame}" if s.frame else "")


def observed(asset: Asset, key: str) -> AssetFacts:
    out = AssetFacts(key, zone=asset.zone, declared=asset.declared)
    for name in FIELDS:
        for v in (asset.fields.get(name) or {}).values():
            srcs = sorted(v.sources, key=Source.key)
            out.add(name, v.value, "; ".join(_source(s) for s in srcs[:3]), v.confidence.value)
    return out


def add_declared(facts: AssetFacts, d: Declared) -> None:
    facts.add("vendor", d.vendor, DECLARED)
    facts.add("product", d.product, DECLARED)
    facts.add("model", d.model, DECLARED)
    facts.add("firmware", d.firmware, DECLARED)
    facts.add("software", d.os_version, DECLARED)


def site_assets(report: InventoryReport | None, site: SiteModel | None) -> list[AssetFacts]:
    """Observed devices (named by their declared name when declared) and declared-only assets."""
    out: list[AssetFacts] = []
    declared = {d.name: d for d in site.assets} if site is not None else {}
    seen: set[str] = set()
    for a in report.inventory.devices() if report is not None else []:
        key = a.declared or a.id
        facts = observed(a, key)
        if a.declared and a.declared in declared:
            add_declared(facts, declared[a.declared])
            seen.add(a.declared)
        if facts.facts.get("vendor"):
            out.append(facts)
    for name, d in declared.items():
        if name not in seen:
            facts = AssetFacts(name, zone=d.zone, declared=name)
            add_declared(facts, d)
            if facts.facts.get("vendor"):
                out.append(facts)
    return out
