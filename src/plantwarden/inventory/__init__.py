"""The asset inventory and communication map: what exists, what it is, who talks to whom,
every fact with its source and confidence (docs/inventory.md)."""

from __future__ import annotations

from plantwarden.inventory.build import InventoryReport, make_inventory
from plantwarden.inventory.inventory import Inventory
from plantwarden.inventory.model import Asset, Confidence, Source

__all__ = ["Asset", "Confidence", "Inventory", "InventoryReport", "Source", "make_inventory"]
