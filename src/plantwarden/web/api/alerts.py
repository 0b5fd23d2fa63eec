"""The alert queue: ``GET /api/v1/sites/{site}/alerts`` (filtered, worst first, keyset pages),
``GET .../alerts/{id}`` (with its history), ``POST .../alerts/{id}/{ack|close|learn|mute|
reopen|unmute}`` with ``{"why": ...}``, and ``POST .../alerts/ack`` (several at once).

The same services as ``plantwarden alerts`` and ``plantwarden alert ACTION``
(:mod:`plantwarden.detect.listing`, :func:`plantwarden.detect.service.alert_action`); each
change is written to the audit log under the CLI's action name (``alert.ack``)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from plantwarden.detect.alerts import ACTIONS
from plantwarden.detect.listing import ORDER, QueueFilter, parse_filter, queue_select
from plantwarden.web import paging
from plantwarden.web.api.alert_view import AlertDetail, AlertOut, detail_of, out_of, site_view
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.api.keyset_union import keyset_union
from plantwarden.web.changes import record
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.errors import ApiError
from plantwarden.web.paging import Key, Page, PageRequest
from plantwarden.web.schemas import Paged, Reason

router = APIRouter(tags=["alerts"], responses=ERRORS)


def _kind(name: str) -> type:
    return {"severity_rank": int, "id": int, "at_risk_per_hour": float, "last_ts": float}.get(name, str)


KEYS = [Key(col, _kind(col.key), desc=desc) for col, desc in ORDER]
ALERT_ID = re.compile(r"^A[0-9a-f]{12}$")

Viewer = Annotated[SiteCtx, Depends(require("view"))]
Worker = Annotated[SiteCtx, Depends(require("alert.work"))]
STATES = "new, acknowledged, closed (several with commas)."
AlertId = Annotated[str, Path(pattern=ALERT_ID.pattern, description="The alert's id (A and 12 hex digits).")]


def _text(description: str) -> Any:
    return Query(max_length=500, description=description)


def queue_filter(
    request: Request,
    ctx: Viewer,
    state_: Annotated[str | None, Query(alias="state", max_length=100, description=STATES)] = None,
    severity: Annotated[str | None, _text("This severity and above (info .. critical).")] = None,
    rule: Annotated[str | None, _text("Rule name(s), e.g. port-scan.")] = None,
    asset: Annotated[str | None, _text("From or to this asset (declared name or address).")] = None,
    zone: Annotated[str | None, _text("From or to an asset declared in this zone.")] = None,
    line: Annotated[str | None, _text("From or to an asset whose failure stops this line.")] = None,
    since: Annotated[str | None, _text("Active since: 2026-12-07T08:30 (site time) or 24h (ago).")] = None,
    until: Annotated[str | None, _text("Active until (the same forms).")] = None,
) -> QueueFilter:
    """The filters, each checked: every wrong one is named in ``details`` (422)."""
    values = {
        "state": state_, "severity": severity, "rule": rule, "asset": asset,
        "zone": zone, "line": line, "since": since, "until": until,
    }  # fmt: skip
    site = site_view(request, ctx.site_id).site
    found, problems = parse_filter(values, site)
    if found is None:
        details = [{"loc": ["query", p.name], "message": p.message} for p in problems]
        raise ApiError(422, "; ".join(f"query.{p.name}: {p.message}" for p in problems), details=details)
    return found


Filter = Annotated[QueueFilter, Depends(queue_filter)]


def alert_page(request: Request, ctx: SiteCtx, flt: QueueFilter, page: PageRequest) -> Paged[AlertOut]:
    """A page of the site's alerts the filter keeps, worst first."""
    query = keyset_union(queue_select(ctx.site_id, flt), KEYS, page)
    web = state(request)
    with web.reading() as session:
        rows = list(session.execute(query))
    view = site_view(request, ctx.site_id)
    body = paging.answer(
        rows,
        page,
        key=lambda r: (r.severity_rank, r.at_risk_per_hour, r.last_ts, r.rule, r.src, r.dst, r.id),
        item=lambda r: out_of(r.document, view),
    )
    return Paged[AlertOut](**body)


@router.get(SITE + "/alerts", response_model=Paged[AlertOut], summary="The alert queue, worst first")
def alerts(request: Request, ctx: Viewer, flt: Filter, page: Page) -> Any:
    return alert_page(request, ctx, flt, page)


@router.get(SITE + "/alerts/{alert_id}", response_model=AlertDetail, summary="One alert and its history")
def alert(request: Request, ctx: Viewer, alert_id: AlertId) -> Any:
    return detail_of(request, ctx.site_id, alert_id)


class BulkAck(Reason):
    ids: list[Annotated[str, Field(pattern=ALERT_ID.pattern)]] = Field(
        min_length=1, max_length=500, description="The alerts to acknowledge (at most 500)."
    )


class BulkOut(BaseModel):
    acknowledged: list[AlertOut]


def act(request: Request, ctx: SiteCtx, alert_id: str, action: str, why: str) -> AlertDetail:
    """One action through the CLI's service, then its audit entry (the CLI's details)."""
    from plantwarden.detect.service import alert_action
    from plantwarden.errors import UsageError

    db_url = state(request).db_url
    try:
        who, site = ctx.principal.name, ctx.site.name
        done, version = alert_action(db_url, alert_id, action, who, why, ctx.site_id, site)
    except UsageError as exc:  # not in a state where the action makes sense
        raise ApiError(409, str(exc)) from None
    details: dict[str, Any] = {"state": done.state, "rule": done.rule, "src": done.src, "dst": done.dst}
    if version:
        details["baseline_version"] = version
    record(db_url, ctx, f"alert.{action}", f"alert {done.id}", why, details)
    return detail_of(request, ctx.site_id, done.id)


def _action_route(action: str) -> None:
    def route(request: Request, ctx: Worker, alert_id: AlertId, reason: Reason) -> Any:
        return act(request, ctx, alert_id, action, reason.why)

    route.__name__ = f"alert_{action}"
    router.post(
        SITE + "/alerts/{alert_id}/" + action,
        response_model=AlertDetail,
        summary=f"{action.capitalize()} an alert (who: you; why: the body)",
    )(route)


for _action in ACTIONS:
    _action_route(_action)


def bulk_ack(request: Request, ctx: SiteCtx, ids: list[str], why: str) -> list[AlertDetail]:
    """Acknowledge each alert, after checking that all exist on the site and none is closed
    (else nothing changes: 404 or 409 naming them)."""
    from plantwarden.detect.store_alerts import find_alert
    from plantwarden.errors import NotFoundError

    db_url = state(request).db_url
    wanted = list(dict.fromkeys(ids))
    missing, closed = [], []
    for alert_id in wanted:
        try:
            found, _ = find_alert(db_url, alert_id, ctx.site_id)
        except NotFoundError:
            missing.append(alert_id)
            continue
        if found.id != alert_id:
            missing.append(alert_id)
        elif found.state == "closed":
            closed.append(alert_id)
    if missing:
        raise ApiError(404, f"no alert {', '.join(missing)} on this site; nothing acknowledged")
    if closed:
        raise ApiError(409, f"alert {', '.join(closed)} is closed (reopen it first); nothing acknowledged")
    return [act(request, ctx, alert_id, "ack", why) for alert_id in wanted]


@router.post(SITE + "/alerts/ack", response_model=BulkOut, summary="Acknowledge several alerts")
def ack_many(request: Request, ctx: Worker, body: BulkAck) -> Any:
    return BulkOut(acknowledged=bulk_ack(request, ctx, body.ids, body.why))
