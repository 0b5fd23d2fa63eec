"""Remote sessions held against their grants (issue 21 wired into issue 26's registry).

The ``access`` source reads what the access capability stored for a site: the grants with who
requested and who decided them, and the sessions the detection pass held against them with
their findings. The ``remote.sessions`` rule gives two evidence items: the sessions (any
finding is a session outside its grant) and the grants (four eyes: an approved grant was
decided by another person than its requester).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.compliance.evidence import Evidence, Status
from plantwarden.compliance.rules import rule
from plantwarden.compliance.sources import StoreRef, source
from plantwarden.compliance.state import State
from plantwarden.store.engine import connected

#: Sessions count for as long as traffic does (rules_records.CAPTURE_DAYS); grants for a year.
SESSION_DAYS = 30.0
GRANT_DAYS = 365.0


@dataclass(frozen=True, slots=True)
class GrantFact:
    key: str
    state: str
    requested_by: str
    decided_by: str | None
    decided_at: float | None


@dataclass(frozen=True, slots=True)
class SessionFact:
    started_at: float
    ended_at: float
    client: str
    server: str
    proto: str
    vendor: str | None
    grant: str | None
    findings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AccessRecord:
    grants: tuple[GrantFact, ...]
    sessions: tuple[SessionFact, ...]


@source("access")
def access_record(ref: StoreRef) -> AccessRecord | None:
    """The site model's standing grants, the stored grants and the sessions (None when none is
    recorded). A standing grant's approver is the one the site model names; it has no decision time."""
    from plantwarden.access.grants import declared
    from plantwarden.access.models import AccessGrant, AccessSession
    from plantwarden.continuity.source import stored_model

    standing = tuple(
        GrantFact(g.key, "approved", g.requested_by, g.approved_by, None)
        for g in declared(stored_model(ref.url, ref.site_id))
    )
    with connected(ref.url) as engine, Session(engine) as session:
        stored = tuple(
            GrantFact(
                f"G{g.id}",
                g.state,
                g.requested_by,
                g.decided_by,
                g.decided_at.timestamp() if g.decided_at is not None else None,
            )
            for g in session.scalars(
                select(AccessGrant).where(AccessGrant.site_id == ref.site_id).order_by(AccessGrant.id)
            )
        )
        query = (
            select(AccessSession)
            .where(AccessSession.site_id == ref.site_id)
            .order_by(AccessSession.started_at, AccessSession.id)
        )
        sessions = tuple(
            SessionFact(
                s.started_at.timestamp(),
                s.ended_at.timestamp(),
                s.client,
                s.server,
                s.proto,
                s.vendor,
                s.grant_key,
                tuple(f for f in s.findings.split(",") if f),
            )
            for s in session.scalars(query)
        )
    grants = standing + stored
    return AccessRecord(grants, sessions) if grants or sessions else None


def _sessions(record: AccessRecord) -> Evidence:
    found = record.sessions
    if not found:
        said = "not enough evidence: grants recorded, but no remote session was seen to hold against them"
        return Evidence("remote.sessions", Status.NOT_ENOUGH, said, "access")
    newest = max(s.ended_at for s in found)
    outside = [s for s in found if s.findings]
    items = tuple(
        {
            "client": s.client,
            "server": s.server,
            "proto": s.proto,
            "vendor": s.vendor,
            "grant": s.grant,
            "findings": list(s.findings),
        }
        for s in (outside or found)[:20]
    )
    if outside:
        status = Status.NOT_SATISFIED
        said = f"{len(outside)} of {len(found)} remote sessions were outside their grants"
    else:
        status, said = Status.SATISFIED, f"all {len(found)} remote sessions stayed within their grants"
    return Evidence("remote.sessions", status, said, "access", newest, SESSION_DAYS, items)


def _grants(record: AccessRecord) -> Evidence:
    decided = [g for g in record.grants if g.decided_by is not None and g.state != "denied"]
    if not decided:
        said = "not enough evidence: no grant was approved"
        return Evidence("remote.sessions", Status.NOT_ENOUGH, said, "access")
    newest = max((g.decided_at for g in decided if g.decided_at is not None), default=None)
    same = [g for g in decided if (g.decided_by or "").casefold() == g.requested_by.casefold()]
    items = tuple(
        {"grant": g.key, "requested_by": g.requested_by, "approved_by": g.decided_by, "state": g.state}
        for g in (same or decided)[:20]
    )
    if same:
        status = Status.NOT_SATISFIED
        said = f"{len(same)} of {len(decided)} grants were approved by their own requester"
    else:
        status = Status.SATISFIED
        said = f"all {len(decided)} approved grants were approved by another person (four eyes)"
    return Evidence("remote.sessions", status, said, "access", newest, GRANT_DAYS, items)


@rule("remote.sessions", ("access",), "Remote sessions stay within their grants")
def remote_sessions(state: State) -> list[Evidence]:
    record: AccessRecord = state.get("access")
    return [_sessions(record), _grants(record)]
