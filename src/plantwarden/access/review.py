"""The monthly review (``access report``): per vendor, its sessions, hours, assets touched,
operations performed and findings, from the sessions the detection pass stored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from plantwarden.access.models import AccessSession
from plantwarden.site.model import SiteModel

UNATTRIBUTED = "(no vendor)"


@dataclass
class VendorReview:
    vendor: str
    sessions: int = 0
    seconds: float = 0.0
    assets: set[str] = field(default_factory=set)
    protocols: Counter[str] = field(default_factory=Counter)
    operations: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    grants: set[str] = field(default_factory=set)

    @property
    def hours(self) -> float:
        return self.seconds / 3600.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "sessions": self.sessions,
            "hours": round(self.hours, 3),
            "assets": sorted(self.assets),
            "protocols": dict(sorted(self.protocols.items())),
            "operations": dict(sorted(self.operations.items())),
            "findings": dict(sorted(self.findings.items())),
            "grants": sorted(self.grants),
        }


@dataclass
class Review:
    since: datetime | None
    until: datetime
    vendors: list[VendorReview]
    sessions: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since is not None else None,
            "until": self.until.isoformat(),
            "vendors": [v.as_dict() for v in self.vendors],
            "sessions": self.sessions,
        }


def _name(model: SiteModel | None, address: str) -> str:
    if model is None:
        return address
    try:
        asset = model.asset_for_ip(address)
    except ValueError:
        asset = None
    return asset.name if asset is not None else address


def review(
    rows: list[AccessSession], model: SiteModel | None, since: datetime | None, until: datetime
) -> Review:
    by_vendor: dict[str, VendorReview] = {}
    sessions = []
    for r in rows:
        v = by_vendor.setdefault(r.vendor or UNATTRIBUTED, VendorReview(r.vendor or UNATTRIBUTED))
        v.sessions += 1
        v.seconds += max((r.ended_at - r.started_at).total_seconds(), 0.0)
        v.assets.add(_name(model, r.server))
        v.protocols[r.proto] += 1
        v.operations.update({k: int(n) for k, n in dict(r.details.get("operations", {})).items()})
        v.findings.update(x for x in r.findings.split(",") if x)
        if r.grant_key:
            v.grants.add(r.grant_key)
        sessions.append(
            {
                "vendor": v.vendor,
                "start": r.started_at.isoformat(),
                "end": r.ended_at.isoformat(),
                "proto": r.proto,
                "from": _name(model, r.client),
                "to": _name(model, r.server),
                "bytes": r.bytes,
                "capture": r.capture,
                "first_frame": r.first_frame,
                "grant": r.grant_key,
                "findings": [x for x in r.findings.split(",") if x],
                "hints": dict(r.details.get("hints", {})),
            }
        )
    ordered = sorted(by_vendor.values(), key=lambda v: (-sum(v.findings.values()), v.vendor))
    return Review(since, until, ordered, sessions)
