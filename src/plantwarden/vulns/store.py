"""The vulnerability rows of a site: matches replaced by each matching run (first seen kept),
and the (asset, CVE) status set by people, audited, kept across runs and revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plantwarden.errors import NotFoundError, UsageError
from plantwarden.people.audit import append
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now
from plantwarden.vulns.match import Match
from plantwarden.vulns.models import STATUSES, VulnMatch, VulnStatus


def save_matches(
    db_url: str, site_id: int, matches: list[Match], bundle: str, scope: set[str] | None = None
) -> dict[str, int]:
    """Replace the site's matches with ``matches`` (``scope``: only the rows of these
    advisories; the others stay as they are). Counts of added, kept and removed rows, and
    of (asset, CVE) pairs stored in all."""
    now = utc_now()
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        query = select(VulnMatch).where(VulnMatch.site_id == site_id)
        if scope is not None:
            query = query.where(VulnMatch.advisory.in_(sorted(scope)))
        old = {(r.asset, r.advisory, r.cve): r for r in session.scalars(query)}
        seen = set()
        added = 0
        for m in matches:
            key = (m.asset, m.advisory, m.cve)
            if key in seen:
                continue
            seen.add(key)
            row = old.get(key)
            if row is None:
                added += 1
                row = VulnMatch(
                    site_id=site_id, asset=m.asset, advisory=m.advisory, cve=m.cve, first_matched=now
                )
                session.add(row)
            row.advisory_version, row.confidence, row.product_id = (
                m.advisory_version,
                m.confidence,
                m.product_id,
            )
            row.evidence, row.bundle, row.last_matched = m.evidence, bundle, now
        gone = [r.id for k, r in old.items() if k not in seen]
        if gone:
            session.execute(delete(VulnMatch).where(VulnMatch.id.in_(gone)))
        session.flush()
        pairs = session.execute(
            select(VulnMatch.asset, VulnMatch.cve).where(VulnMatch.site_id == site_id).distinct()
        ).all()
    return {"added": added, "kept": len(seen) - added, "removed": len(gone), "pairs": len(pairs)}


def matched_bundle(db_url: str, site_id: int) -> str | None:
    """The bundle the site's matches were last made with (None: never matched, or no match)."""
    with connected(db_url) as engine, Session(engine) as session:
        return session.scalars(
            select(VulnMatch.bundle)
            .where(VulnMatch.site_id == site_id)
            .order_by(VulnMatch.last_matched.desc())
        ).first()


@dataclass(frozen=True, slots=True)
class StoredMatch:
    asset: str
    advisory: str
    advisory_version: str
    cve: str
    confidence: str
    evidence: dict[str, Any]
    bundle: str
    first_matched: datetime
    status: str
    status_who: str | None
    status_why: str | None
    status_until: datetime | None


def stored_matches(db_url: str, site_id: int) -> list[StoredMatch]:
    with connected(db_url) as engine, Session(engine) as session:
        status = {
            (s.asset, s.cve): s
            for s in session.scalars(select(VulnStatus).where(VulnStatus.site_id == site_id))
        }
        rows = session.scalars(select(VulnMatch).where(VulnMatch.site_id == site_id).order_by(VulnMatch.id))
        out = []
        for r in rows:
            s = status.get((r.asset, r.cve))
            out.append(
                StoredMatch(
                    r.asset,
                    r.advisory,
                    r.advisory_version,
                    r.cve,
                    r.confidence,
                    dict(r.evidence),
                    r.bundle,
                    r.first_matched,
                    s.status if s else "not_remediated",
                    s.who if s else None,
                    s.why if s else None,
                    s.until if s else None,
                )
            )
        return out


def set_status(
    db_url: str,
    site_id: int,
    asset: str,
    cve: str,
    status: str,
    who: str,
    why: str,
    until: datetime | None,
    how: dict[str, Any] | None = None,
) -> None:
    """Set the status of a matched (asset, CVE), in the same transaction as its audit entry."""
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r} (expected one of: {', '.join(STATUSES)})")
    if status == "accepted" and (not why.strip() or until is None):
        raise UsageError("accepting a risk needs --why and --until (who accepts it, why, until when)")
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        match = session.scalars(
            select(VulnMatch).where(
                VulnMatch.site_id == site_id, VulnMatch.asset == asset, VulnMatch.cve == cve
            )
        ).first()
        if match is None:
            raise NotFoundError(
                f"no match of {cve} on asset {asset!r} (plantwarden vulns --asset {asset} lists them)"
            )
        row = session.scalars(
            select(VulnStatus).where(
                VulnStatus.site_id == site_id, VulnStatus.asset == asset, VulnStatus.cve == cve
            )
        ).first()
        before = row.status if row else "not_remediated"
        if row is None:
            row = VulnStatus(site_id=site_id, asset=asset, cve=cve)
            session.add(row)
        row.status, row.who, row.why, row.until = status, who, why, until
        row.changed_at, row.advisory_version = utc_now(), match.advisory_version
        details = {
            "status": status,
            "before": before,
            "until": until.isoformat() if until else None,
            "advisory": match.advisory,
            "advisory_version": match.advisory_version,
            **(how or {}),
        }
        append(session, who, "vuln.status", f"{asset} {cve}", site_id=site_id, why=why, details=details)
