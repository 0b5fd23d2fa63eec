"""The declared site model: one YAML file describing zones, assets, lines, owners and windows.

Every object is a frozen pydantic model that rejects unknown keys. Cross-references between
sections (zone names, asset names, ...) are checked by :mod:`plantwarden.site.references`,
and the file is loaded with positions by :mod:`plantwarden.site.loader`.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address
from zoneinfo import ZoneInfo

from pydantic import Field

from plantwarden.site.model_access import AccessPolicy, AccessProtocol, DeclaredGrant, GrantOperations
from plantwarden.site.model_assets import Asset, AssetRole, Criticality, Service
from plantwarden.site.model_lines import Dependency, Line, RedundancyGroup
from plantwarden.site.model_raci import (
    Activity,
    Contact,
    RaciEntry,
    RemoteAccess,
    Role,
    RoleKind,
    Subject,
    Vendor,
)
from plantwarden.site.model_remediation import Effort, Order, Remediation, VendorQualification
from plantwarden.site.model_windows import MaintenanceWindow, NthWeekday, Recurrence, Weekday
from plantwarden.site.model_zones import Allowed, Conduit, ConduitDirection, SlVector, Zone
from plantwarden.site.types import Currency, Frozen, Text, TimeZoneName

__all__ = [
    "AccessPolicy",
    "AccessProtocol",
    "Activity",
    "Allowed",
    "Asset",
    "AssetRole",
    "Conduit",
    "ConduitDirection",
    "Contact",
    "Criticality",
    "DeclaredGrant",
    "Dependency",
    "Effort",
    "GrantOperations",
    "Line",
    "MaintenanceWindow",
    "NthWeekday",
    "Order",
    "RaciEntry",
    "Recurrence",
    "RedundancyGroup",
    "Remediation",
    "RemoteAccess",
    "Role",
    "RoleKind",
    "Service",
    "SiteInfo",
    "SiteModel",
    "SlVector",
    "Subject",
    "Vendor",
    "VendorQualification",
    "Weekday",
    "Zone",
]


class SiteInfo(Frozen):
    """The site itself."""

    name: Text
    timezone: TimeZoneName
    currency: Currency


class SiteModel(Frozen):
    """The whole site file."""

    site: SiteInfo = Field(description="The site: name, timezone, currency.")
    zones: tuple[Zone, ...] = Field(default=(), description="Security zones (IEC 62443-3-2).")
    conduits: tuple[Conduit, ...] = ()
    assets: tuple[Asset, ...] = ()
    services: tuple[Service, ...] = ()
    lines: tuple[Line, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    redundancy_groups: tuple[RedundancyGroup, ...] = ()
    roles: tuple[Role, ...] = ()
    raci: tuple[RaciEntry, ...] = ()
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()
    vendors: tuple[Vendor, ...] = ()
    access: AccessPolicy = Field(
        default_factory=AccessPolicy, description="Vendor remote access: the longest grant, standing grants."
    )
    remediation: Remediation = Field(
        default_factory=Remediation, description="Remediation plan: durations, vendor qualification, order."
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    def zone(self, name: str) -> Zone | None:
        return next((z for z in self.zones if z.name == name), None)

    def asset(self, name: str) -> Asset | None:
        return next((a for a in self.assets if a.name == name), None)

    def line(self, name: str) -> Line | None:
        return next((x for x in self.lines if x.name == name), None)

    def group(self, name: str) -> RedundancyGroup | None:
        return next((g for g in self.redundancy_groups if g.name == name), None)

    def zone_for_ip(self, ip: str | IPv4Address | IPv6Address) -> Zone | None:
        """The zone whose CIDRs hold ``ip`` (zones never overlap), or None."""
        address = ip_address(ip) if isinstance(ip, str) else ip
        return next((z for z in self.zones if any(address in net for net in z.cidrs)), None)

    def asset_for_ip(self, ip: str | IPv4Address | IPv6Address) -> Asset | None:
        """The declared asset with address ``ip`` (one asset per address), or None."""
        address = ip_address(ip) if isinstance(ip, str) else ip
        return next((a for a in self.assets if address in a.ips), None)

    def requirement_edges(self) -> list[tuple[str, str, float]]:
        """Every ``(dependent, requirement, buffer_minutes)`` edge: line and service ``requires``
        (buffer 0) and the ``dependencies`` list. Group members are not edges; see ``group()``."""
        needs = [(x.name, x.requires) for x in self.lines] + [(s.name, s.requires) for s in self.services]
        edges = [(name, r, 0.0) for name, requires in needs for r in requires]
        return edges + [(d.dependent, d.requires, d.buffer_minutes) for d in self.dependencies]

    def counts(self) -> dict[str, int]:
        """How many of each section, for summaries."""
        names = [n for n in SiteModel.model_fields if n not in ("site", "access", "remediation")]
        return {**{n: len(getattr(self, n)) for n in names}, "grants": len(self.access.grants)}
