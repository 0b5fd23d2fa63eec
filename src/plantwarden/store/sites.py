"""Versions of the declared site model.

Each stored version keeps the validated model as JSON (``model_dump(mode="json")``), the
file it came from and that file's SHA-256. Storing a new version makes it the current one
(of every site: one row in the store is current) and keeps the others as history. Storing
the same file again (same SHA-256 as the current version) creates nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.errors import InputError
from plantwarden.store.engine import connected
from plantwarden.store.models import SiteVersion
from plantwarden.store.types import utc_now


@dataclass(frozen=True, slots=True)
class SiteVersionInfo:
    """One stored version of a site model (without its document)."""

    site_name: str
    version: int
    loaded_at: datetime
    source_path: str
    source_sha256: str
    is_current: bool


def _site_name(model: BaseModel, doc: dict[str, Any], source_path: str) -> str:
    site = doc.get("site")
    name = site.get("name") if isinstance(site, dict) else None
    if name is None:
        name = getattr(getattr(model, "site", None), "name", None)
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{source_path}: the site model has no site.name; it cannot be stored")
    return name


def store_site_version(db_url: str, model: BaseModel, source_path: str, source_text: str) -> int:
    """Store a validated site model as the current version; returns its version number."""
    doc = model.model_dump(mode="json")
    name = _site_name(model, doc, source_path)
    digest = hashlib.sha256(source_text.encode("utf-8")).hexdigest()
    with connected(db_url, writes=True, create=True) as engine, Session(engine) as session, session.begin():
        current = session.scalars(select(SiteVersion).where(SiteVersion.is_current)).first()
        if current is not None and current.site_name == name and current.source_sha256 == digest:
            return current.version
        if current is not None:
            current.is_current = False
            session.flush()  # before the insert: one current row at a time (a unique index)
        last = session.scalar(select(func.max(SiteVersion.version)).where(SiteVersion.site_name == name))
        version = (last or 0) + 1
        session.add(
            SiteVersion(
                site_name=name,
                version=version,
                loaded_at=utc_now(),
                source_path=source_path,
                source_sha256=digest,
                document=doc,
                is_current=True,
            )
        )
        return version


def current_site_document(db_url: str) -> dict[str, Any] | None:
    """The current site model as stored (None when no site was ever stored)."""
    with connected(db_url) as engine, Session(engine) as session:
        return session.scalar(select(SiteVersion.document).where(SiteVersion.is_current))


def site_history(db_url: str) -> list[SiteVersionInfo]:
    """Every stored version, oldest first."""
    with connected(db_url) as engine, Session(engine) as session:
        rows = session.scalars(select(SiteVersion).order_by(SiteVersion.id))
        return [
            SiteVersionInfo(
                site_name=r.site_name,
                version=r.version,
                loaded_at=r.loaded_at,
                source_path=r.source_path,
                source_sha256=r.source_sha256,
                is_current=r.is_current,
            )
            for r in rows
        ]
