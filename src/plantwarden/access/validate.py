"""What makes a grant request acceptable: known vendor and assets, a bounded window, no overlap.

Each check raises :class:`plantwarden.errors.UsageError` with one line; nothing is stored
before every check has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from plantwarden.access.grants import Grant
from plantwarden.errors import UsageError
from plantwarden.site.model import AccessProtocol, GrantOperations, SiteModel


@dataclass(frozen=True, slots=True)
class GrantRequest:
    """A grant as asked for (times UTC)."""

    grantee: str
    company: str
    assets: tuple[str, ...]
    zone: str | None
    protocols: tuple[str, ...]
    operations: str
    start: datetime
    end: datetime | None
    reason: str
    ticket: str | None = None


def _choices(values: list[str]) -> str:
    return ", ".join(values) or "none declared"


def check_request(req: GrantRequest, model: SiteModel, now: datetime, existing: list[Grant]) -> datetime:
    """Every check of a new request; returns its end (a request without one is refused)."""
    vendors = [v.company for v in model.vendors]
    if req.company not in vendors:
        raise UsageError(f"unknown vendor {req.company!r} (expected one of: {_choices(vendors)})")
    if not req.grantee.strip():
        raise UsageError("a grant names the person who connects (--person)")
    if not req.reason.strip():
        raise UsageError("a grant needs a ticket or reason (--reason)")
    _check_targets(req, model)
    _check_kinds(req)
    end = _check_window(req, model, now)
    _check_overlap(req, end, model, existing)
    return end


def _check_targets(req: GrantRequest, model: SiteModel) -> None:
    if bool(req.assets) == (req.zone is not None):
        raise UsageError("a grant names assets (--asset) or a zone (--zone), one of them")
    for name in req.assets:
        if model.asset(name) is None:
            raise UsageError(f"unknown asset {name!r} in site {model.site.name!r}")
    if req.zone is not None and model.zone(req.zone) is None:
        raise UsageError(
            f"unknown zone {req.zone!r} (expected one of: {_choices([z.name for z in model.zones])})"
        )


def _check_kinds(req: GrantRequest) -> None:
    known = [p.value for p in AccessProtocol]
    if not req.protocols:
        raise UsageError(f"a grant names its protocols (--protocol; one of: {', '.join(known)})")
    for p in req.protocols:
        if p not in known:
            raise UsageError(f"unknown protocol {p!r} (expected one of: {', '.join(known)})")
    ops = [o.value for o in GrantOperations]
    if req.operations not in ops:
        raise UsageError(f"unknown operations {req.operations!r} (expected one of: {', '.join(ops)})")


def _check_window(req: GrantRequest, model: SiteModel, now: datetime) -> datetime:
    if req.end is None:
        raise UsageError(
            "a grant without an end is refused: give --end or --for (grants are never open-ended)"
        )
    if req.end <= req.start:
        raise UsageError(f"end {req.end.isoformat()} is not after start {req.start.isoformat()}")
    if req.end <= now:
        raise UsageError(f"end {req.end.isoformat()} is already past")
    longest = timedelta(hours=model.access.max_grant_hours)
    if req.end - req.start > longest:
        raise UsageError(
            f"the grant lasts {req.end - req.start}, longer than this site allows "
            f"({model.access.max_grant_hours} h: access.max_grant_hours in the site model)"
        )
    return req.end


def _check_overlap(req: GrantRequest, end: datetime, model: SiteModel, existing: list[Grant]) -> None:
    mine = set(req.assets) if req.zone is None else {a.name for a in model.assets if a.zone == req.zone}
    for g in existing:
        if g.stored_state not in ("requested", "approved"):
            continue
        same = g.grantee.casefold() == req.grantee.casefold() and g.company == req.company
        if same and g.start < end and req.start < g.until and mine & set(g.targets(model)):
            raise UsageError(
                f"overlaps grant {g.key} of {g.grantee} ({g.start.isoformat()} to {g.until.isoformat()}, "
                f"{', '.join(sorted(mine & set(g.targets(model))))}): extend or revoke that one instead"
            )
