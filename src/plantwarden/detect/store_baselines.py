"""Baselines in the store: one row per site and version; the highest version is current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from plantwarden.detect import compiled
from plantwarden.detect.baseline import Baseline, from_json
from plantwarden.errors import NotFoundError
from plantwarden.store.detect_models import DetectBaseline
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now


@dataclass(frozen=True, slots=True)
class BaselineInfo:
    site_name: str
    version: int
    created_at: datetime
    source: str


def store_baseline(db_url: str, baseline: Baseline, source: str) -> int:
    """Store a new version for the baseline's site; returns its version number."""
    site = baseline.site or ""
    with connected(db_url, writes=True, create=True) as engine, Session(engine) as session, session.begin():
        return _add(session, site, baseline, source)


def _add(session: Session, site: str, baseline: Baseline, source: str) -> int:
    last = session.scalar(select(func.max(DetectBaseline.version)).where(DetectBaseline.site_name == site))
    version = (last or 0) + 1
    doc = baseline.model_copy(update={"version": version}).to_json()
    session.add(
        DetectBaseline(site_name=site, version=version, created_at=utc_now(), source=source, document=doc)
    )
    return version


def load_baseline(db_url: str, site: str | None = None, version: int | None = None) -> Baseline | None:
    """The given version of a site's baseline, or its newest; None when none was stored."""
    with connected(db_url) as engine, Session(engine) as session:
        return _load(session, site or "", version)


def find_baseline(db_url: str, site: str | None, version: int | None = None) -> Baseline | None:
    """The baseline commands use for ``site`` (the stored current site's name, or None): that
    site's, else the one learned without a site, as detection falls back to it
    (:func:`plantwarden.detect.service.prepare`); ``version`` numbers the one found."""
    if site and baseline_history(db_url, site):
        return load_baseline(db_url, site, version)
    return load_baseline(db_url, None, version)


def load_tables(db_url: str, site: str | None = None) -> tuple[compiled.Tables, int] | None:
    """A site's newest baseline as detection's tables (and their fresh sequence and polling
    state), with its version; None when none was stored. Read from the per-user cache when
    this document's tables were built before (:mod:`plantwarden.detect.compiled`): the row's
    JSON is read as text, not parsed, unless they must be built."""
    with connected(db_url) as engine, Session(engine) as session:
        found = session.execute(
            select(DetectBaseline.site_name, DetectBaseline.version, cast(DetectBaseline.document, Text))
            .where(DetectBaseline.site_name == (site or ""))
            .order_by(DetectBaseline.version.desc())
            .limit(1)
        ).first()
    if found is None:
        return None
    name, version, text = found
    return compiled.tables(text, f"baseline {name or '(no site)'} v{version}"), version


def _row(session: Session, site: str, version: int | None) -> DetectBaseline | None:
    query = select(DetectBaseline).where(DetectBaseline.site_name == site)
    if version is not None:
        query = query.where(DetectBaseline.version == version)
    row = session.scalars(query.order_by(DetectBaseline.version.desc()).limit(1)).first()
    if row is None and version is not None:
        raise NotFoundError(f"no baseline version {version} for site {site or '(none)'!r}")
    return row


def _source(row: DetectBaseline) -> str:
    return f"baseline {row.site_name or '(no site)'} v{row.version}"


def _load(session: Session, site: str, version: int | None) -> Baseline | None:
    row = _row(session, site, version)
    return from_json(row.document, _source(row)) if row is not None else None


def baseline_history(db_url: str, site: str | None = None) -> list[BaselineInfo]:
    with connected(db_url) as engine, Session(engine) as session:
        rows = session.scalars(
            select(DetectBaseline)
            .where(DetectBaseline.site_name == (site or ""))
            .order_by(DetectBaseline.version)
        )
        return [BaselineInfo(r.site_name, r.version, r.created_at, r.source) for r in rows]
