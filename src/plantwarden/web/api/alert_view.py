"""How the API shows an alert: its stored document seen through the site's current model
(asset names, production at risk, owner from the RACI), as ``plantwarden alerts --json`` does."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import select

from plantwarden.detect.model import Alert
from plantwarden.detect.order import at_risk_per_hour
from plantwarden.detect.queue import SiteView, at_risk_text
from plantwarden.store.models import SiteVersion
from plantwarden.web.deps import state


class OwnerOut(BaseModel):
    asset: str
    responsible: list[str]
    accountable: list[str]
    source: str


class AlertOut(BaseModel):
    id: str
    severity: str
    state: str
    rule: str
    title: str
    src: str
    src_name: str
    dst: str
    dst_name: str
    count: int
    first_seen: datetime
    last_seen: datetime
    at_risk_per_hour: float
    currency: str
    at_risk: str  # "24,000 EUR/h: line-1", "covered (1 spare)", or empty
    owner: OwnerOut | None


class HistoryOut(BaseModel):
    action: str
    by: str
    why: str
    at: datetime
    state: str


class AlertDetail(AlertOut):
    response: str
    details: list[str]
    techniques: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    impact: dict[str, Any] | None
    history: list[HistoryOut]


_views: dict[tuple[str, int, int | None], SiteView] = {}
_lock = threading.Lock()


def site_view(request: Request, site_id: int) -> SiteView:
    """The site's view on its current stored model (kept while that model is current)."""
    web = state(request)
    with web.reading() as session:
        version = session.scalar(
            select(SiteVersion.id).where(SiteVersion.site_id == site_id, SiteVersion.is_current)
        )
    key = (web.db_url, site_id, version)
    with _lock:
        found = _views.get(key)
    if found is None:
        from plantwarden.continuity.source import stored_model

        found = SiteView(stored_model(web.db_url, site_id) if version is not None else None)
        with _lock:
            for old in [k for k in _views if k[:2] == key[:2]]:
                del _views[old]
            _views[key] = found
    return found


def _time(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def out_fields(alert: Alert, view: SiteView) -> dict[str, Any]:
    alert = view.named(alert)
    owner = view.owner(alert)
    return {
        "id": alert.id,
        "severity": alert.severity.label,
        "state": alert.state,
        "rule": alert.rule,
        "title": alert.title,
        "src": alert.src,
        "src_name": view.name(alert, alert.src),
        "dst": alert.dst,
        "dst_name": view.name(alert, alert.dst),
        "count": alert.count,
        "first_seen": _time(alert.first_ts),
        "last_seen": _time(alert.last_ts),
        "at_risk_per_hour": at_risk_per_hour(alert.impact),
        "currency": str((alert.impact or {}).get("currency") or ""),
        "at_risk": at_risk_text(alert.impact, lines=True),
        "owner": None
        if owner is None
        else OwnerOut(
            asset=owner.asset,
            responsible=list(owner.responsible),
            accountable=list(owner.accountable),
            source=owner.source,
        ),
    }


def out_of(document: dict[str, Any], view: SiteView) -> AlertOut:
    return AlertOut(**out_fields(Alert.from_json(document), view))


def detail_of(request: Request, site_id: int, alert_id: str) -> AlertDetail:
    """One alert of the site by its id (404 otherwise), with its history."""
    from plantwarden.detect.store_alerts import find_alert
    from plantwarden.errors import NotFoundError

    alert, history = find_alert(state(request).db_url, alert_id, site_id)
    if alert.id != alert_id:  # the API takes whole ids, not the CLI's prefixes
        raise NotFoundError(f"no alert {alert_id!r}")
    view = site_view(request, site_id)
    doc = alert.to_json()
    return AlertDetail(
        **out_fields(alert, view),
        response=alert.response,
        details=list(alert.details),
        techniques=list(alert.techniques),
        evidence=list(doc.get("evidence") or []),
        impact=alert.impact,
        history=[HistoryOut(**h) for h in history],
    )
