"""What a playbook is built from: the site model, its dependency graph and RACI, the stored
baseline (optional), and the incident's source and target."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from ipaddress import ip_address

from plantwarden.continuity.graph import DependencyGraph, build_graph
from plantwarden.continuity.raci import Resolver
from plantwarden.detect.baseline import Baseline
from plantwarden.incidents.subjects import is_safety
from plantwarden.site.model import Asset, Conduit, ConduitDirection, RoleKind, SiteModel, Zone


@dataclass
class Context:
    model: SiteModel
    source: str | None  # asset name, or an address the model does not declare
    target: str | None
    now: datetime
    opened_at: datetime
    baseline: Baseline | None = None
    rules: tuple[str, ...] = ()
    graph: DependencyGraph = field(init=False)
    resolver: Resolver = field(init=False)

    def __post_init__(self) -> None:
        self.graph = build_graph(self.model)
        self.resolver = Resolver(self.model, self.graph)

    def asset(self, name: str | None) -> Asset | None:
        return self.model.asset(name) if name else None

    def zone_of(self, name: str | None) -> Zone | None:
        asset = self.asset(name)
        if asset is not None:
            return self.model.zone(asset.zone)
        try:
            return self.model.zone_for_ip(name) if name else None
        except ValueError:
            return None

    def accountable(self, kind: str, name: str) -> tuple[str, ...]:
        """The RACI Accountable for incidents on an asset or line (most specific entry)."""
        return self.resolver.resolve(kind, name, "incidents").roles["accountable"]

    def responsible(self, kind: str, name: str, activity: str = "incidents") -> tuple[str, ...]:
        return self.resolver.resolve(kind, name, activity).roles["responsible"]

    def site_accountable(self) -> tuple[str, ...]:
        found = self.resolver.index.get((None, None, "incidents"))
        return found[1].accountable if found else ()

    @cached_property
    def safety(self) -> dict[str, Asset]:
        return {a.name: a for a in self.model.assets if is_safety(self.model, a)}

    def ehs_roles(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.model.roles if r.kind == RoleKind.EHS)

    def conduit_between(self, a: Zone, b: Zone) -> Conduit | None:
        for c in self.model.conduits:
            if c.from_zone == a.name and c.to_zone == b.name:
                return c
        both = ConduitDirection.BIDIRECTIONAL
        return next(
            (
                c
                for c in self.model.conduits
                if c.from_zone == b.name and c.to_zone == a.name and c.direction == both
            ),
            None,
        )

    def boundary(self, zone: Zone) -> list[Conduit]:
        """The conduits leaving or entering a zone that an asset enforces."""
        return [c for c in self.model.conduits if zone.name in (c.from_zone, c.to_zone) and c.enforced_by]

    def ips(self, name: str | None) -> set[str]:
        asset = self.asset(name)
        if asset is not None:
            return {str(i) for i in asset.ips}
        try:
            return {str(ip_address(name))} if name else set()
        except ValueError:
            return set()

    def safety_peers(self, name: str | None) -> list[tuple[str, str]]:
        """Safety assets ``name`` exchanges traffic with, and how that is known: the baseline's
        conversations, else (no baseline) a conduit between their zones."""
        mine = self.ips(name)
        if not mine or name in self.safety:
            return []
        found: list[tuple[str, str]] = []
        for s, asset in self.safety.items():
            theirs = {str(i) for i in asset.ips}
            if self.baseline is not None:
                if any(
                    (c.client in mine and c.server in theirs) or (c.server in mine and c.client in theirs)
                    for c in self.baseline.conversations
                ):
                    found.append((s, "baseline"))
                continue
            zone, other = self.zone_of(name), self.model.zone(asset.zone)
            if zone is not None and other is not None and zone != other:
                conduit = self.conduit_between(zone, other) or self.conduit_between(other, zone)
                if conduit is not None:
                    found.append((s, f"no baseline: conduit {conduit.name}"))
        return found
