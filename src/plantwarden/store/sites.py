"""Sites, and the versions of each site's declared model.

A store holds many sites side by side (revision ``0003``); every row of captures, hosts,
baselines, alerts and mutes belongs to one, and every command chooses one
(:func:`choose_site`, docs/store.md): the name given, else the only site there is.

Each stored version keeps the validated model as JSON (``model_dump(mode="json")``), the
file it came from and that file's SHA-256. Storing a new version makes it the current one of
its site (named by the file's ``site.name``, added when new: another site is never replaced)
and keeps the others as history. Storing the same file again (same SHA-256 as the site's
current version) creates nothing. A store whose only site is ``default`` without a model (what
was analysed before any site model was loaded) gives that site the first model's name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from plantwarden.errors import InputError, UsageError
from plantwarden.store.engine import connected
from plantwarden.store.models import Site, SiteVersion
from plantwarden.store.types import utc_now

#: The site of rows stored before any site model was loaded (and of a store's first analysis).
DEFAULT_SITE = "default"


@dataclass(frozen=True, slots=True)
class SiteRef:
    """The site a command works on: its id (None when the store holds no site yet, so that a
    reading command finds nothing) and name."""

    id: int | None
    name: str


@dataclass(frozen=True, slots=True)
class SiteVersionInfo:
    """One stored version of a site model (without its document)."""

    site_name: str
    version: int
    loaded_at: datetime
    source_path: str
    source_sha256: str
    is_current: bool


def site_names(session: Session) -> list[str]:
    return list(session.scalars(select(Site.name).order_by(Site.name)))


def _listed(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _add_site(session: Session, name: str) -> int:
    """The site's id, created when new (safe against a concurrent command adding it too)."""
    insert_new = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert_new(Site)
        .values(name=name, created_at=utc_now())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return session.scalars(select(Site.id).where(Site.name == name)).one()


def choose_site(db_url: str, name: str | None = None, *, create: bool = False, add: bool = False) -> SiteRef:
    """The site a command works on: ``name``, else the only site of the store.

    ``create`` (commands that record analyses, baselines, alerts): a store without any site
    gets one, ``name`` or :data:`DEFAULT_SITE`; ``add`` also adds a new name beside the other
    sites (sites are otherwise added by ``site load``, named by their model: a mistyped
    ``--site-name`` must not become a new, empty site). Reading a store without any site finds
    nothing (``id`` None). Otherwise an unknown name, or several sites and none chosen, is a
    usage error that lists the sites."""
    with connected(db_url, writes=create or add, create=create or add) as engine, Session(engine) as session:
        if name is not None and not name.strip():
            raise UsageError("--site-name is empty")
        rows = {n: i for i, n in session.execute(select(Site.id, Site.name))}
        if name is not None and name in rows:
            return SiteRef(rows[name], name)
        if name is None and len(rows) == 1:
            ((only, site_id),) = rows.items()
            return SiteRef(site_id, only)
        if not rows or (add and name is not None):
            chosen = name if name is not None else DEFAULT_SITE
            if not (create or add):
                return SiteRef(None, chosen)
            site_id = _add_site(session, chosen)
            session.commit()
            return SiteRef(site_id, chosen)
        known = sorted(rows)
        if name is not None:
            raise UsageError(f"no site {name!r} in the store; its sites: {_listed(known)}")
        raise UsageError(
            f"the store holds {len(known)} sites: {_listed(known)}; "
            "choose one with --site-name NAME (or $PLANTWARDEN_SITE)"
        )


def _site_name(model: BaseModel, doc: dict[str, Any], source_path: str) -> str:
    site = doc.get("site")
    name = site.get("name") if isinstance(site, dict) else None
    if name is None:
        name = getattr(getattr(model, "site", None), "name", None)
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{source_path}: the site model has no site.name; it cannot be stored")
    return name


def _adopt_default(session: Session, name: str) -> int | None:
    """The id of the store's only site when it is :data:`DEFAULT_SITE` without any model, now
    renamed ``name``: what was stored before the first site model (``analyze``, then ``site
    load``) is that model's site, as the migration to sites does with an older store."""
    rows = session.execute(select(Site.id, Site.name).limit(2)).all()
    if len(rows) != 1 or rows[0].name != DEFAULT_SITE or name == DEFAULT_SITE:
        return None
    site_id: int = rows[0].id
    if session.scalar(select(func.count()).where(SiteVersion.site_id == site_id)):
        return None
    session.execute(update(Site).where(Site.id == site_id).values(name=name))
    return site_id


def store_site_version(db_url: str, model: BaseModel, source_path: str, source_text: str) -> int:
    """Store a validated site model as the current version of its site (``site.name``, added
    when new); returns its version number."""
    doc = model.model_dump(mode="json")
    name = _site_name(model, doc, source_path)
    digest = hashlib.sha256(source_text.encode("utf-8")).hexdigest()
    with connected(db_url, writes=True, create=True) as engine, Session(engine) as session, session.begin():
        site_id = _adopt_default(session, name) or _add_site(session, name)
        current = session.scalars(
            select(SiteVersion).where(SiteVersion.site_id == site_id, SiteVersion.is_current)
        ).first()
        if current is not None and current.source_sha256 == digest:
            return current.version
        if current is not None:
            current.is_current = False
            session.flush()  # before the insert: one current row per site (a unique index)
        last = session.scalar(select(func.max(SiteVersion.version)).where(SiteVersion.site_id == site_id))
        version = (last or 0) + 1
        session.add(
            SiteVersion(
                site_id=site_id,
                version=version,
                loaded_at=utc_now(),
                source_path=source_path,
                source_sha256=digest,
                document=doc,
                is_current=True,
            )
        )
        return version


def current_site_document(db_url: str, site: int | None = None) -> dict[str, Any] | None:
    """The site's current model as stored (None when none was stored for it); ``site`` is its
    id (None: the store's only site, :func:`resolve`)."""
    site_id = resolve(db_url, site)
    if site_id is None:
        return None
    with connected(db_url) as engine, Session(engine) as session:
        return session.scalar(
            select(SiteVersion.document).where(SiteVersion.site_id == site_id, SiteVersion.is_current)
        )


def site_history(db_url: str, site_id: int | None = None) -> list[SiteVersionInfo]:
    """Every stored version of the site (of every site when None), oldest first."""
    query = select(SiteVersion, Site.name).join(Site, Site.id == SiteVersion.site_id).order_by(SiteVersion.id)
    if site_id is not None:
        query = query.where(SiteVersion.site_id == site_id)
    with connected(db_url) as engine, Session(engine) as session:
        return [
            SiteVersionInfo(
                site_name=name,
                version=r.version,
                loaded_at=r.loaded_at,
                source_path=r.source_path,
                source_sha256=r.source_sha256,
                is_current=r.is_current,
            )
            for r, name in session.execute(query)
        ]


def resolve(db_url: str, site: int | None, *, create: bool = False) -> int | None:
    """A site id as store functions take it: the id given, else the only site's
    (:func:`choose_site`: created as ``default`` for a writing call on a store without one)."""
    return site if site is not None else choose_site(db_url, None, create=create).id


def writable(db_url: str, site: int | None) -> int:
    """The site id a writing store function records under (see :func:`resolve`)."""
    found = resolve(db_url, site, create=True)
    assert found is not None  # choose_site(create=True) always has one
    return found
