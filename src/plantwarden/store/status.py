"""What a store holds, for ``plantwarden db status``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.store import migrate
from plantwarden.store.engine import connected, describe
from plantwarden.store.models import Anomaly, Capture, Conversation, Host, Site, SiteVersion
from plantwarden.store.sites import resolve


@dataclass(frozen=True, slots=True)
class StoreStatus:
    url: str
    backend: str
    revision: str | None
    head: str
    sites: int
    site: str | None
    site_versions: int
    current_site: str | None
    current_site_version: int | None
    captures: int
    hosts: int
    conversations: int
    anomalies: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(session: Session, model: type[Any], site_id: int | None) -> int:
    query = select(func.count()).select_from(model)
    if model in (Conversation, Anomaly):  # a capture's children belong to its site
        query = query.join(Capture, Capture.id == model.capture_id)
        model = Capture
    return session.scalar(query.where(model.site_id == site_id)) or 0


def store_status(db_url: str, site: int | None = None) -> StoreStatus:
    """Revision, sites and the row counts of one site (None: the only one); the store is
    upgraded to head first, like every command."""
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        name = session.scalar(select(Site.name).where(Site.id == site_id))
        current = session.execute(
            select(Site.name, SiteVersion.version)
            .join(Site, Site.id == SiteVersion.site_id)
            .where(SiteVersion.site_id == site_id, SiteVersion.is_current)
        ).first()
        return StoreStatus(
            url=describe(engine.url),
            backend=engine.dialect.name,
            revision=migrate.current_revision(session.connection()),
            head=migrate.head_revision(),
            sites=session.scalar(select(func.count()).select_from(Site)) or 0,
            site=name,
            site_versions=_count(session, SiteVersion, site_id),
            current_site=current[0] if current else None,
            current_site_version=current[1] if current else None,
            captures=_count(session, Capture, site_id),
            hosts=_count(session, Host, site_id),
            conversations=_count(session, Conversation, site_id),
            anomalies=_count(session, Anomaly, site_id),
        )
