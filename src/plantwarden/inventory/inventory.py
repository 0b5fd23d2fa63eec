"""The inventory: assets, and finding them by name, id or any address."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantwarden.inventory.anchors import Skeleton
from plantwarden.inventory.model import Asset


@dataclass
class Inventory:
    assets: list[Asset]  # sorted by id
    captures: list[str]
    documents: list[dict[str, Any]]
    skeleton: Skeleton
    _by_address: dict[str, list[Asset]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        self._by_address = {}
        for asset in self.assets:
            keys = {*asset.addresses(), asset.id, asset.name, asset.declared or asset.id}
            for key in {k.lower() for k in keys}:
                self._by_address.setdefault(key, []).append(asset)

    def find(self, key: str) -> list[Asset]:
        """Assets by id, name, declared name, MAC or IP (an IP two devices held: both)."""
        return list(self._by_address.get(key.strip().lower(), []))

    def at(self, address: str, ts: float | None) -> Asset | None:
        """The asset an address stood for at ``ts`` (a reused IP: the holder then)."""
        anchor = self.skeleton.anchor_of(address, ts)
        if anchor is None:
            return None
        found = self.find(anchor)
        return found[0] if found else None

    def devices(self) -> list[Asset]:
        return [a for a in self.assets if a.kind != "group"]
