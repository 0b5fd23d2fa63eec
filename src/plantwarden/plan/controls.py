"""Compensating controls for items no window fixes before their deadline (or at all).

The catalogue holds only controls plantwarden can check on later captures, each with its
evidence: the check it runs. The owner is the role Responsible for updates of the asset in the
RACI (continuity.raci resolves asset, line and site-wide entries); the expiry is the start of the
window that fixes the item, else the end of the horizon (review then). What each check reads
and how it decides is in plantwarden.plan.evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from plantwarden.site.model import AssetRole, Conduit, RemoteAccess, SiteModel

WRITE_ROLES = frozenset({AssetRole.PLC, AssetRole.RTU, AssetRole.SAFETY_PLC, AssetRole.SIS})


@dataclass(frozen=True, slots=True)
class Control:
    item: str
    kind: str
    action: str
    evidence: str
    owner: str
    expires: datetime
    expires_with: str  # the slot that fixes it, or "horizon end (review)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "kind": self.kind,
            "action": self.action,
            "evidence": self.evidence,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            "expires_with": self.expires_with,
        }


def choose(model: SiteModel, asset: str) -> tuple[str, str, str]:
    """(kind, action, evidence) from the catalogue, the first that applies to the asset."""
    declared = model.asset(asset)
    remote = [v for v in model.vendors if asset in v.assets and v.remote_access != RemoteAccess.NONE]
    if remote:
        via = remote[0].remote_access.value
        return (
            "remote-access-grant",
            f"require a remote-access grant for {asset} ({remote[0].company}, {via})",
            f"plantwarden access check: every remote session to {asset} matches a grant",
        )
    c = conduit_of(model, asset)
    if c is not None:
        return (
            "tighten-conduit",
            f"tighten conduit {c.name} to the flows observed as required for {asset}",
            f"plantwarden continuity conduits: {c.name} saw no flow outside its allow list",
        )
    if declared is not None and declared.role in WRITE_ROLES:
        return (
            "alert-writes",
            f"alert on writes and program downloads to {asset}",
            f"plantwarden detect: no write or download to {asset} outside a maintenance window",
        )
    return (
        "alert-new-peer",
        f"alert on any new peer of {asset}",
        f"plantwarden baseline: no peer of {asset} outside the baseline",
    )


def conduit_of(model: SiteModel, asset: str) -> Conduit | None:
    """The first declared conduit of the asset's zone: the one its control tightens."""
    declared = model.asset(asset)
    zone = declared.zone if declared is not None else None
    return next((c for c in model.conduits if zone in (c.from_zone, c.to_zone)), None)


def owner_of(model: SiteModel, resolver: Any, asset: str) -> str:
    """The responsible role for updates of ``asset``, with its people."""
    row = resolver.resolve("asset", asset, "updates")
    roles = {r.id: r for r in model.roles}
    names = []
    for rid in row.roles["responsible"]:
        r = roles.get(rid)
        people = ", ".join(r.people) if r is not None and r.people else (r.team if r is not None else None)
        names.append(f"{rid} ({people})" if people else rid)
    return "; ".join(names) or f"nobody: the RACI names no one responsible for updates of {asset}"
