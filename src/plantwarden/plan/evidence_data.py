"""What the control checks read from the store: captures analysed since a time (their edges and
conversations only, not the whole document), the remote sessions stored after a watermark, and
the command alerts updated since a time. One query each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from plantwarden.access.models import AccessSession
from plantwarden.store.detect_models import DetectAlert
from plantwarden.store.engine import connected
from plantwarden.store.models import Capture

#: Detection rules that report a write or a command to a device (plantwarden.detect.rules.commands).
COMMAND_RULES = (
    "write-from-new-host",
    "program-download",
    "mode-change",
    "firmware-update",
    "device-restart",
)


@dataclass(frozen=True, slots=True)
class StoredCapture:
    """A stored capture's id, name and analysis time, with the sections a check reads."""

    id: int
    name: str
    analysed_at: datetime
    edges: list[dict[str, Any]] = field(default_factory=list)
    conversations: list[dict[str, Any]] = field(default_factory=list)

    def ref(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "analysed_at": self.analysed_at.isoformat()}


def _rows(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def captures(
    db_url: str,
    site_id: int,
    *,
    after: datetime | None = None,
    until: datetime | None = None,
    sections: tuple[str, ...] = ("edges", "conversations"),
) -> list[StoredCapture]:
    """The site's captures analysed after ``after`` (or at ``until`` and before), oldest first,
    with only the document's ``sections`` read (a long capture's conversations are large)."""
    doc = Capture.document
    parts = [doc[s] if s in sections else null() for s in ("edges", "conversations")]
    query = select(Capture.id, Capture.name, Capture.analysed_at, *parts)
    query = query.where(Capture.site_id == site_id).order_by(Capture.id)
    if after is not None:
        query = query.where(Capture.analysed_at > after)
    if until is not None:
        query = query.where(Capture.analysed_at <= until)
    with connected(db_url) as engine, Session(engine) as session:
        return [
            StoredCapture(int(i), str(n), at, _rows(edges), _rows(convs))
            for i, n, at, edges, convs in session.execute(query)
        ]


def last_session_id(db_url: str, site_id: int) -> int:
    """The newest stored remote session's id (0: none): sessions after it are later ones."""
    query = select(func.max(AccessSession.id)).where(AccessSession.site_id == site_id)
    with connected(db_url) as engine, Session(engine) as session:
        return int(session.scalar(query) or 0)


def sessions_after(db_url: str, site_id: int, after_id: int, servers: set[str]) -> list[AccessSession]:
    """Remote sessions to ``servers`` stored after the session ``after_id``, oldest first."""
    if not servers:
        return []
    t = AccessSession
    query = select(t).where(t.site_id == site_id, t.id > after_id, t.server.in_(sorted(servers)))
    with connected(db_url) as engine, Session(engine) as session:
        rows = list(session.scalars(query.order_by(t.started_at, t.id)))
        session.expunge_all()
        return rows


def command_alerts(db_url: str, site_id: int, since: datetime, dsts: set[str]) -> list[DetectAlert]:
    """Write and command alerts to ``dsts`` that a detection run stored or updated since ``since``."""
    if not dsts:
        return []
    t = DetectAlert
    query = select(t).where(
        t.site_id == site_id, t.updated_at >= since, t.dst.in_(sorted(dsts)), t.rule.in_(COMMAND_RULES)
    )
    with connected(db_url) as engine, Session(engine) as session:
        rows = list(session.scalars(query.order_by(t.first_ts, t.id)))
        session.expunge_all()
        return rows
