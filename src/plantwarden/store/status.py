"""What a store holds, for ``plantwarden db status``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.store import migrate
from plantwarden.store.engine import connected, describe
from plantwarden.store.models import Anomaly, Capture, Conversation, Host, SiteVersion


@dataclass(frozen=True, slots=True)
class StoreStatus:
    url: str
    backend: str
    revision: str | None
    head: str
    site_versions: int
    current_site: str | None
    current_site_version: int | None
    captures: int
    hosts: int
    conversations: int
    anomalies: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def store_status(db_url: str) -> StoreStatus:
    """Revision and row counts of a store (upgraded to head first, like every command)."""
    with connected(db_url) as engine, Session(engine) as session:
        current = session.execute(
            select(SiteVersion.site_name, SiteVersion.version).where(SiteVersion.is_current)
        ).first()
        return StoreStatus(
            url=describe(engine.url),
            backend=engine.dialect.name,
            revision=migrate.current_revision(session.connection()),
            head=migrate.head_revision(),
            site_versions=_count(session, SiteVersion),
            current_site=current[0] if current else None,
            current_site_version=current[1] if current else None,
            captures=_count(session, Capture),
            hosts=_count(session, Host),
            conversations=_count(session, Conversation),
            anomalies=_count(session, Anomaly),
        )
