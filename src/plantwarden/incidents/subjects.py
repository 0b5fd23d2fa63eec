"""What an incident is about, read from its alerts and the site model: the source and target
hosts (by asset name when the model declares them), every asset involved, the lines that need
them, and the safety-related assets of the site."""

from __future__ import annotations

from dataclasses import dataclass, field

from plantwarden.continuity.graph import DependencyGraph
from plantwarden.site.model import Asset, AssetRole, SiteModel

SAFETY_ROLES = frozenset({AssetRole.SIS, AssetRole.SAFETY_PLC})


@dataclass(frozen=True, slots=True)
class Subjects:
    """``source``/``target``: asset names, or addresses the model does not declare (None: not
    known, e.g. an incident opened by hand without a source)."""

    source: str | None
    target: str | None
    assets: tuple[str, ...]
    lines: tuple[str, ...] = field(default=())


def name_of(model: SiteModel | None, address: str) -> str:
    """The declared asset's name for an address, else the address itself."""
    if model is None:
        return address
    try:
        found = model.asset_for_ip(address)
    except ValueError:  # not an IP address ("*" of a sweep, a MAC)
        return address
    return found.name if found is not None else address


def is_safety(model: SiteModel, asset: Asset) -> bool:
    """Part of a safety function: flagged ``safety``, a SIS or safety PLC role, or in a zone at
    the safety level."""
    zone = model.zone(asset.zone)
    return asset.safety or asset.role in SAFETY_ROLES or (zone is not None and zone.level == "safety")


def safety_assets(model: SiteModel) -> list[str]:
    return [a.name for a in model.assets if is_safety(model, a)]


def lines_of(model: SiteModel, graph: DependencyGraph, names: list[str]) -> tuple[str, ...]:
    """The lines that need any of ``names`` (at any depth), in model order."""
    reached: set[str] = set()
    for name in names:
        if name in graph.kinds:
            reached |= graph.reached_by(name) | {name}
    return tuple(x.name for x in model.lines if x.name in reached)
