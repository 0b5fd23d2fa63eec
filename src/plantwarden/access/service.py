"""What the ``access`` commands (and later the API and page) do: one function per step.

Every function takes the store URL and the site (its id in the store and its model);
every change is one transaction with its history row and its audit-log entry, whose
details say how the change came (``how``: ``{"via": "cli"}`` from the command line,
``{"via": "token", "token_id": 3}`` or ``{"via": "session"}`` from the API or a page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.access.grants import Grant, declared, of_row
from plantwarden.access.models import AccessGrant, AccessGrantEvent
from plantwarden.access.raci import approval_problem
from plantwarden.access.validate import GrantRequest, check_request
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.people import audit
from plantwarden.people.persons import same_person
from plantwarden.people.roles import Principal, can
from plantwarden.site.model import SiteModel
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now


def _event(
    session: Session, row: AccessGrant, actor: str, action: str, why: str, how: Mapping[str, Any] | None
) -> None:
    session.add(
        AccessGrantEvent(
            site_id=row.site_id, grant_id=row.id, ts=utc_now(), actor=actor, action=action, why=why
        )
    )
    details = {"state": row.state, "grantee": row.grantee, "company": row.company, **(how or {})}
    audit.append(
        session, actor, f"access.{action}", f"grant G{row.id}", site_id=row.site_id, why=why, details=details
    )


def stored(db_url: str, site_id: int | None) -> list[Grant]:
    """The site's stored grants, oldest first (none when the store has no site yet)."""
    if site_id is None:
        return []
    with connected(db_url) as engine, Session(engine) as session:
        rows = session.scalars(
            select(AccessGrant).where(AccessGrant.site_id == site_id).order_by(AccessGrant.id)
        )
        return [of_row(r) for r in rows]


def all_grants(db_url: str | None, site_id: int | None, model: SiteModel | None) -> list[Grant]:
    """The site model's standing grants, then the stored ones."""
    return declared(model) + (stored(db_url, site_id) if db_url is not None else [])


def request(
    db_url: str,
    site_id: int,
    model: SiteModel,
    req: GrantRequest,
    actor: str,
    how: Mapping[str, Any] | None = None,
) -> Grant:
    """Store a requested grant after every check (nothing is stored when one fails)."""
    now = utc_now()
    end = check_request(req, model, now, all_grants(db_url, site_id, model))
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = AccessGrant(
            site_id=site_id,
            grantee=req.grantee.strip(),
            company=req.company,
            assets=",".join(req.assets),
            zone=req.zone,
            protocols=",".join(req.protocols),
            operations=req.operations,
            starts_at=req.start,
            ends_at=end,
            ticket=req.ticket,
            reason=req.reason.strip(),
            requested_by=actor,
            requested_at=now,
            state="requested",
            decided_by=None,
            decided_at=None,
            revoked_by=None,
            revoked_at=None,
        )
        session.add(row)
        session.flush()
        _event(session, row, actor, "request", req.reason.strip(), how)
        return of_row(row)


def _find(session: Session, site_id: int | None, key: str) -> AccessGrant:
    text = key.strip().upper().removeprefix("G")
    row = session.get(AccessGrant, int(text)) if text.isdigit() else None
    if row is None or row.site_id != site_id:
        raise NotFoundError(f"no stored grant {key!r} on this site (plantwarden access list shows them)")
    return row


def show(
    db_url: str, site_id: int | None, model: SiteModel | None, key: str
) -> tuple[Grant, list[dict[str, str]]]:
    """A grant (stored by id, or declared by name) and its history."""
    for g in declared(model):
        if g.key == key:
            return g, [{"action": "declared", "actor": g.approved_by or "", "why": "site model", "ts": ""}]
    with connected(db_url) as engine, Session(engine) as session:
        row = _find(session, site_id, key)
        events = session.scalars(
            select(AccessGrantEvent).where(AccessGrantEvent.grant_id == row.id).order_by(AccessGrantEvent.id)
        )
        history = [
            {"action": e.action, "actor": e.actor, "why": e.why, "ts": e.ts.isoformat()} for e in events
        ]
        return of_row(row), history


def _decide(
    db_url: str,
    site_id: int,
    key: str,
    actor: str,
    why: str,
    action: str,
    check: Callable[[AccessGrant], None],
    how: Mapping[str, Any] | None,
) -> Grant:
    if not why.strip():
        raise UsageError(f"say why (--why): every {action} is recorded")
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = _find(session, site_id, key)
        check(row)
        now = utc_now()
        if action == "revoke":
            row.state, row.revoked_by, row.revoked_at = "revoked", actor, now
        else:
            row.state, row.decided_by, row.decided_at = (
                ("approved" if action == "approve" else "denied"),
                actor,
                now,
            )
        _event(session, row, actor, action, why.strip(), how)
        return of_row(row)


def approve(
    db_url: str,
    site_id: int,
    model: SiteModel,
    key: str,
    approver: str,
    why: str,
    principal: Principal | None = None,
    how: Mapping[str, Any] | None = None,
) -> Grant:
    """Four eyes: another person than the requester, Responsible or Accountable for every asset."""
    if principal is not None and not can(principal, site_id, "grant.approve"):
        raise UsageError(f"{principal.name} may not approve grants on this site (role approver needed)")

    def check(row: AccessGrant) -> None:
        _pending(row, "approved")
        if same_person(row.requested_by, approver):
            raise UsageError(f"{approver} requested grant G{row.id} and cannot approve it too (four eyes)")
        if row.ends_at <= utc_now():
            raise UsageError(f"grant G{row.id}'s window has ended; request a new one")
        problem = approval_problem(model, approver, list(of_row(row).targets(model)))
        if problem is not None:
            raise UsageError(problem)

    return _decide(db_url, site_id, key, approver, why, "approve", check, how)


def _pending(row: AccessGrant, done: str) -> None:
    if row.state != "requested":
        raise UsageError(f"grant G{row.id} is {row.state}; only a requested grant can be {done}")


def deny(
    db_url: str, site_id: int, key: str, actor: str, why: str, how: Mapping[str, Any] | None = None
) -> Grant:
    return _decide(db_url, site_id, key, actor, why, "deny", lambda row: _pending(row, "denied"), how)


def revoke(
    db_url: str, site_id: int, key: str, actor: str, why: str, how: Mapping[str, Any] | None = None
) -> Grant:
    """End a requested or approved grant now (sessions after this are outside it)."""

    def check(row: AccessGrant) -> None:
        if row.state not in ("requested", "approved"):
            raise UsageError(f"grant G{row.id} is {row.state} already")

    return _decide(db_url, site_id, key, actor, why, "revoke", check, how)


def listing(grants: list[Grant], now: datetime, state: str | None = None) -> list[Grant]:
    return [g for g in grants if state is None or g.state(now) == state]
