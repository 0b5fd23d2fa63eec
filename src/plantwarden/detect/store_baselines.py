"""Baselines in the store: one row per site and version; the highest version is current.

``site`` is a site's id (:mod:`plantwarden.store.sites`; None: the store's only site).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from plantwarden.detect import compiled
from plantwarden.detect.baseline import Baseline, from_json
from plantwarden.errors import NotFoundError
from plantwarden.sensors.records import queue_baseline
from plantwarden.store.detect_models import DetectBaseline
from plantwarden.store.engine import connected
from plantwarden.store.models import Site
from plantwarden.store.sites import resolve, writable
from plantwarden.store.types import utc_now


@dataclass(frozen=True, slots=True)
class BaselineInfo:
    site_name: str
    version: int
    created_at: datetime
    source: str


def store_baseline(db_url: str, baseline: Baseline, source: str, site: int | None = None) -> int:
    """Store a new version of the site's baseline; returns its version number."""
    site_id = writable(db_url, site)
    with connected(db_url, writes=True, create=True) as engine, Session(engine) as session, session.begin():
        return _add(session, site_id, baseline, source)


def _add(session: Session, site_id: int, baseline: Baseline, source: str) -> int:
    last = session.scalar(select(func.max(DetectBaseline.version)).where(DetectBaseline.site_id == site_id))
    version = (last or 0) + 1
    doc = baseline.model_copy(update={"version": version}).to_json()
    now = utc_now()
    session.add(DetectBaseline(site_id=site_id, version=version, created_at=now, source=source, document=doc))
    queue_baseline(session, site_id, version, source, now, doc)  # a sensor's store: for the central
    return version


def load_baseline(db_url: str, site: int | None = None, version: int | None = None) -> Baseline | None:
    """The given version of the site's baseline, or its newest; None when none was stored."""
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        return _load(session, site_id, version)


def load_tables(db_url: str, site: int | None = None) -> tuple[compiled.Tables, int] | None:
    """The site's newest baseline as detection's tables (and their fresh sequence and polling
    state), with its version; None when none was stored. Read from the per-user cache when
    this document's tables were built before (:mod:`plantwarden.detect.compiled`): the row's
    JSON is read as text, not parsed, unless they must be built."""
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        found = session.execute(
            select(Site.name, DetectBaseline.version, cast(DetectBaseline.document, Text))
            .join(Site, Site.id == DetectBaseline.site_id)
            .where(DetectBaseline.site_id == site_id)
            .order_by(DetectBaseline.version.desc())
            .limit(1)
        ).first()
    if found is None:
        return None
    name, version, text = found
    return compiled.tables(text, f"baseline {name} v{version}"), version


def _row(session: Session, site_id: int | None, version: int | None) -> DetectBaseline | None:
    query = select(DetectBaseline).where(DetectBaseline.site_id == site_id)
    if version is not None:
        query = query.where(DetectBaseline.version == version)
    row = session.scalars(query.order_by(DetectBaseline.version.desc()).limit(1)).first()
    if row is None and version is not None:
        name = session.scalar(select(Site.name).where(Site.id == site_id))
        raise NotFoundError(f"no baseline version {version} for site {name or '(none)'!r}")
    return row


def _load(session: Session, site_id: int | None, version: int | None) -> Baseline | None:
    row = _row(session, site_id, version)
    if row is None:
        return None
    name = session.scalar(select(Site.name).where(Site.id == row.site_id))
    return from_json(row.document, f"baseline {name} v{row.version}")


def baseline_history(db_url: str, site: int | None = None) -> list[BaselineInfo]:
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        rows = session.execute(
            select(DetectBaseline, Site.name)
            .join(Site, Site.id == DetectBaseline.site_id)
            .where(DetectBaseline.site_id == site_id)
            .order_by(DetectBaseline.version)
        )
        return [BaselineInfo(name, r.version, r.created_at, r.source) for r, name in rows]
