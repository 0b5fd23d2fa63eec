"""Evidence sources: one small function per kind of record, in a registry.

Each source reads one kind of record of a site from the store and returns it, or None when
nothing of that kind is recorded. A rule names the source it needs; a source that is not
registered (its capability is not in this plantwarden) or returns None makes the rule say
"not enough evidence: <what> not recorded". Later capabilities add theirs with
``@source("vulnerabilities")`` and the like (docs/compliance.md lists which rules wait).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.store.engine import connected


@dataclass(frozen=True, slots=True)
class StoreRef:
    url: str
    site_id: int


Loader = Callable[[StoreRef], Any]
LOADERS: dict[str, Loader] = {}

#: What each source holds, as the "not recorded" message names it.
WHAT = {
    "site": "a site model",
    "captures": "analysed captures",
    "baselines": "a learned baseline",
    "alerts": "detection results",
    "audit": "an audit log",
    "vulnerabilities": "vulnerability records",
    "access": "remote-access grants and sessions",
    "incidents": "incident records",
    "plan": "remediation plan decisions",
}


def source(name: str) -> Callable[[Loader], Loader]:
    """Register ``function`` as the loader of source ``name``."""

    def register(function: Loader) -> Loader:
        LOADERS[name] = function
        return function

    return register


@dataclass(frozen=True, slots=True)
class SiteRecord:
    model: Any  # plantwarden.site.model.SiteModel
    loaded_at: float


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    name: str
    first_ts: float | None
    last_ts: float | None
    analysed_at: float
    doc: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditRecord:
    count: int
    intact: bool
    newest: float | None
    problem: str | None = None


@source("site")
def site_record(ref: StoreRef) -> SiteRecord | None:
    from plantwarden.continuity.source import stored_model
    from plantwarden.store.models import SiteVersion

    model = stored_model(ref.url, ref.site_id)
    if model is None:
        return None
    with connected(ref.url) as engine, Session(engine) as session:
        query = select(SiteVersion.loaded_at).where(
            SiteVersion.site_id == ref.site_id, SiteVersion.is_current
        )
        loaded = session.scalar(query)
    return SiteRecord(model, loaded.timestamp() if loaded is not None else 0.0)


@source("captures")
def capture_records(ref: StoreRef) -> list[CaptureRecord] | None:
    from plantwarden.store.models import Capture

    with connected(ref.url) as engine, Session(engine) as session:
        query = select(Capture).where(Capture.site_id == ref.site_id).order_by(Capture.first_ts, Capture.id)
        found = [
            CaptureRecord(c.name, c.first_ts, c.last_ts, c.analysed_at.timestamp(), dict(c.document))
            for c in session.scalars(query)
        ]
    return found or None


@dataclass(frozen=True, slots=True)
class BaselineRecord:
    version: int
    created_at: datetime
    source: str


@source("baselines")
def _baselines(ref: StoreRef) -> list[BaselineRecord] | None:
    """The site's baselines, oldest first (read directly: the detection engine is not needed)."""
    from plantwarden.store.detect_models import DetectBaseline

    query = (
        select(DetectBaseline.version, DetectBaseline.created_at, DetectBaseline.source)
        .where(DetectBaseline.site_id == ref.site_id)
        .order_by(DetectBaseline.version)
    )
    with connected(ref.url) as engine, Session(engine) as session:
        found = [BaselineRecord(v, t, s) for v, t, s in session.execute(query)]
    return found or None


@source("alerts")
def _alerts(ref: StoreRef) -> list[Any] | None:
    from plantwarden.detect.store_alerts import list_alerts

    return list_alerts(ref.url, site=ref.site_id)


@source("audit")
def _audit(ref: StoreRef) -> AuditRecord | None:
    from plantwarden.people.audit import entries, verify

    rows = entries(ref.url, ref.site_id)
    if not rows:
        return None
    verdict = verify(ref.url)
    return AuditRecord(len(rows), verdict.broken_at is None, rows[-1].ts.timestamp(), verdict.problem)


def load_all(ref: StoreRef) -> dict[str, Any]:
    """Every registered source's records of the site (None where nothing is recorded)."""
    from plantwarden.compliance.rules import all_rules

    all_rules()  # the rule modules register their own sources
    return {name: loader(ref) for name, loader in sorted(LOADERS.items())}
