"""One call from analysis documents (and a site model) to the finished inventory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from plantwarden.inventory.assets import build_inventory
from plantwarden.inventory.commap import MapEdge, communication_map
from plantwarden.inventory.declared import Comparison, apply_site, broadcasts, compare, router_macs
from plantwarden.inventory.inventory import Inventory
from plantwarden.inventory.lifecycle import LifecycleEntry, legacy_share, lifecycle
from plantwarden.inventory.roles import infer_roles

if TYPE_CHECKING:  # annotations only: the site model loads when a command reads one
    from plantwarden.site.model import SiteModel


@dataclass
class InventoryReport:
    inventory: Inventory
    edges: list[MapEdge]
    site: SiteModel | None
    comparison: Comparison | None
    lifecycle: list[LifecycleEntry] = field(default_factory=list)
    legacy: dict[str, dict[str, Any]] = field(default_factory=dict)
    as_of: date = field(default_factory=date.today)


def make_inventory(
    docs: list[dict[str, Any]], site: SiteModel | None = None, as_of: date | None = None
) -> InventoryReport:
    """Assets, roles, communication map, lifecycle and (with a site model) the comparison."""
    today = as_of or date.today()
    inv = build_inventory(
        docs,
        router_macs=router_macs(site) if site else None,
        broadcasts=broadcasts(site) if site and site.zones else None,
    )
    if site is not None:
        apply_site(inv, site)
    edges = communication_map(inv)
    infer_roles(inv, edges)
    entries = lifecycle(inv, site, today)
    comparison = compare(inv, site) if site is not None else None
    return InventoryReport(inv, edges, site, comparison, entries, legacy_share(inv, entries), today)
