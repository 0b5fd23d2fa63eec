"""Statements people attach to a requirement: who, when, why, and a file's SHA-256 (audited)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.compliance.catalog import FRAMEWORKS, Requirement, load
from plantwarden.compliance.models import ComplianceStatement
from plantwarden.errors import InputError, UsageError
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now


@dataclass(frozen=True, slots=True)
class Statement:
    requirement: str
    by: str
    why: str
    file_name: str | None
    file_sha256: str | None
    created_at: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "by": self.by,
            "why": self.why,
            "file": self.file_name,
            "file_sha256": self.file_sha256,
            "created_at": self.created_at,
        }


def find_requirement(text: str) -> Requirement:
    """``SR 5.1``, ``iec62443-3-3:SR 5.1``, ``PR.IR-01`` or ``cisa-cpg:2.F``; one match or an error."""
    framework, sep, req_id = text.partition(":")
    frameworks = [framework] if sep else list(FRAMEWORKS)
    req_id = req_id if sep else text
    if sep and framework not in FRAMEWORKS:
        raise UsageError(f"unknown framework {framework!r} (expected one of: {', '.join(FRAMEWORKS)})")
    found = [r for f in frameworks if (r := load(f).get(req_id.strip())) is not None]
    if not found:
        raise UsageError(
            f"no requirement {text!r} in {', '.join(frameworks)} (e.g. 'SR 5.1', 'PR.IR-01', '2.F')"
        )
    if len(found) > 1:
        raise UsageError(f"{text!r} names several requirements: {', '.join(r.key for r in found)}")
    return found[0]


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the evidence file: {exc.strerror}") from None


def attest(
    url: str,
    site_id: int,
    requirement: str,
    by: str,
    why: str,
    file: Path | None = None,
    how: dict[str, Any] | None = None,
) -> Statement:
    """Store a person's statement on a requirement and audit it in the same transaction
    (``how``: how it came, e.g. ``{"via": "session"}`` from the web, into the audit details)."""
    from plantwarden.people.audit import append

    if not by.strip():
        raise UsageError("a statement needs its author: --by NAME")
    if not why.strip():
        raise UsageError("a statement needs its content: --why TEXT")
    req = find_requirement(requirement)
    digest = _digest(file) if file is not None else None
    now = utc_now()
    said = Statement(req.key, by.strip(), why.strip(), file.name if file else None, digest, now.timestamp())
    row = ComplianceStatement(
        site_id=site_id,
        requirement=said.requirement,
        by=said.by,
        why=said.why,
        file_name=said.file_name,
        file_sha256=digest,
        created_at=now,
    )
    with connected(url, writes=True) as engine, Session(engine) as session, session.begin():
        session.add(row)
        details = {"file": said.file_name, "sha256": digest, **(how or {})}
        append(session, said.by, "compliance.attest", req.key, site_id=site_id, why=said.why, details=details)
    return said


def list_statements(url: str, site_id: int) -> list[Statement]:
    query = (
        select(ComplianceStatement)
        .where(ComplianceStatement.site_id == site_id)
        .order_by(ComplianceStatement.created_at, ComplianceStatement.id)
    )
    with connected(url) as engine, Session(engine) as session:
        return [
            Statement(r.requirement, r.by, r.why, r.file_name, r.file_sha256, r.created_at.timestamp())
            for r in session.scalars(query)
        ]
