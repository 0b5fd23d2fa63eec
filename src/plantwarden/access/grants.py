"""A grant, one shape for the stored ones and those the site model declares.

Times are UTC. The stored state is ``requested``, ``approved``, ``denied`` or ``revoked``;
:meth:`Grant.state` derives ``active`` and ``expired`` from the window and the time. A
revoked grant still covers what happened before its revocation (:meth:`Grant.until`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from plantwarden.access.models import AccessGrant
from plantwarden.site.model import DeclaredGrant, SiteModel

STATES = ("requested", "approved", "denied", "active", "expired", "revoked")
VIEW_ONLY = "view"


@dataclass(frozen=True, slots=True)
class Grant:
    key: str  # G12 (stored) or the declared grant's name
    source: str  # store | site
    grantee: str
    company: str
    assets: tuple[str, ...]
    zone: str | None
    protocols: tuple[str, ...]
    operations: str
    start: datetime
    end: datetime
    reason: str
    requested_by: str
    stored_state: str
    ticket: str | None = None
    approved_by: str | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    requested_at: datetime | None = None
    id: int | None = None

    def state(self, now: datetime) -> str:
        if self.stored_state != "approved":
            return self.stored_state
        if now < self.start:
            return "approved"
        return "active" if now < self.end else "expired"

    @property
    def until(self) -> datetime:
        """When the grant stops covering sessions: its end, or its revocation if earlier."""
        return min(self.end, self.revoked_at) if self.revoked_at is not None else self.end

    @property
    def granted(self) -> bool:
        """Approved at some point (revoked ones still cover what came before the revocation)."""
        return self.stored_state == "approved" or (
            self.stored_state == "revoked" and self.approved_by is not None
        )

    def targets(self, model: SiteModel) -> tuple[str, ...]:
        """The asset names the grant reaches (a zone's assets)."""
        if self.zone is None:
            return self.assets
        return tuple(a.name for a in model.assets if a.zone == self.zone)

    def brief(self) -> dict[str, Any]:
        """What an alert says of the grant it broke."""
        return {
            "grant": self.key,
            "source": self.source,
            "grantee": self.grantee,
            "company": self.company,
            "start": self.start.isoformat(),
            "end": self.until.isoformat(),
            "protocols": list(self.protocols),
            "operations": self.operations,
            "assets": list(self.assets) if self.zone is None else [],
            "zone": self.zone,
        }

    def as_dict(self, now: datetime) -> dict[str, Any]:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t is not None else None

        return {
            **self.brief(),
            "end": self.end.isoformat(),
            "state": self.state(now),
            "ticket": self.ticket,
            "reason": self.reason,
            "requested_by": self.requested_by,
            "requested_at": iso(self.requested_at),
            "approved_by": self.approved_by,
            "revoked_by": self.revoked_by,
            "revoked_at": iso(self.revoked_at),
        }


def _split(text: str) -> tuple[str, ...]:
    return tuple(x for x in text.split(",") if x)


def of_row(row: AccessGrant) -> Grant:
    approved = row.decided_by if row.state in ("approved", "revoked") and row.decided_at is not None else None
    return Grant(
        key=f"G{row.id}",
        source="store",
        grantee=row.grantee,
        company=row.company,
        assets=_split(row.assets),
        zone=row.zone,
        protocols=_split(row.protocols),
        operations=row.operations,
        start=row.starts_at,
        end=row.ends_at,
        reason=row.reason,
        requested_by=row.requested_by,
        stored_state=row.state,
        ticket=row.ticket,
        approved_by=approved,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
        requested_at=row.requested_at,
        id=row.id,
    )


def of_declared(g: DeclaredGrant, model: SiteModel) -> Grant:
    tz = model.tz
    return Grant(
        key=g.name,
        source="site",
        grantee=g.person,
        company=g.vendor,
        assets=g.assets,
        zone=g.zone,
        protocols=tuple(p.value for p in g.protocols),
        operations=g.operations.value,
        start=g.start.replace(tzinfo=tz).astimezone(UTC),
        end=g.end.replace(tzinfo=tz).astimezone(UTC),
        reason=g.reason,
        requested_by=g.requested_by,
        stored_state="approved",
        ticket=g.ticket,
        approved_by=g.approved_by,
    )


def declared(model: SiteModel | None) -> list[Grant]:
    return [] if model is None else [of_declared(g, model) for g in model.access.grants]
