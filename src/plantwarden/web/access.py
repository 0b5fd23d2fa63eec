"""Which sites a principal may see: a site another principal cannot view does not exist for it.

Every site-scoped route resolves its ``{site}`` through :func:`find_site`: a name that is
unknown and a name the principal may not view give the same 404, so that neither the
existence nor the content of another site leaks.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.people.roles import Principal, can
from plantwarden.store.models import Site
from plantwarden.store.sites import SiteRef


def visible_sites(session: Session, principal: Principal) -> list[SiteRef]:
    """The sites the principal may view, by name."""
    rows = session.execute(select(Site.id, Site.name).order_by(Site.name))
    return [SiteRef(i, n) for i, n in rows if can(principal, i, "view")]


def find_site(session: Session, principal: Principal, name: str) -> SiteRef | None:
    """The site of that name when the principal may view it, else None (unknown or hidden)."""
    site_id = session.scalars(select(Site.id).where(Site.name == name)).first()
    if site_id is None or not can(principal, site_id, "view"):
        return None
    return SiteRef(site_id, name)
