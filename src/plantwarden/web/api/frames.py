"""Reachback, the person's side: ``POST /api/v1/sites/{site}/alerts/{id}/frames`` asks the
site's sensors for the alert's evidence frames (``{"why": ...}``, audited), ``GET
.../alerts/{id}/frames`` says where the newest request stands, ``GET .../frames.pcap``
downloads the delivered pcap (audited). Asking and downloading need ``alert.frames``
(analyst: the packets may hold what only the plant should see), reading the state ``view``.
The service is :mod:`plantwarden.sensors.frame_requests`, as for ``plantwarden alert frames``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from plantwarden.sensors import frame_requests as service
from plantwarden.web.api.alerts import AlertId
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.changes import record
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.errors import ApiError
from plantwarden.web.schemas import Reason

router = APIRouter(tags=["alerts"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Asker = Annotated[SiteCtx, Depends(require("alert.frames"))]
PCAP_TYPE = "application/vnd.tcpdump.pcap"


class FrameRequestOut(BaseModel):
    id: int
    alert_id: str
    state: str  # requested, delivered, failed, expired
    text: str  # the state in one line
    requested_by: str
    why: str
    requested_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    sensor: str | None
    reason: str | None
    frames: int | None
    pcap_sha256: str | None
    pcap_size: int | None
    manifest: dict[str, Any] | None
    created: bool = False  # this call made the request (else it was open already)


def out_of(info: service.FrameRequestInfo, created: bool = False) -> FrameRequestOut:
    doc = info.as_dict()
    return FrameRequestOut(**{**doc, "text": service.state_text(info), "created": created})


def ask(request: Request, ctx: SiteCtx, alert_id: str, why: str) -> FrameRequestOut:
    """The request (new or the open one); a new one is written to the audit log."""
    db_url = state(request).db_url
    info, created = service.request_frames(db_url, ctx.site_id, alert_id, ctx.principal.name, why)
    if created:
        record(db_url, ctx, "alert.frames.request", f"alert {alert_id}", why, {"request": info.id})
    return out_of(info, created)


@router.post(
    SITE + "/alerts/{alert_id}/frames",
    response_model=FrameRequestOut,
    summary="Ask the site's sensors for the alert's evidence frames (why: the body)",
)
def request_frames(request: Request, ctx: Asker, alert_id: AlertId, reason: Reason) -> Any:
    return ask(request, ctx, alert_id, reason.why)


@router.get(
    SITE + "/alerts/{alert_id}/frames",
    response_model=FrameRequestOut,
    summary="Where the newest request for the alert's frames stands",
)
def frames_state(request: Request, ctx: Viewer, alert_id: AlertId) -> Any:
    info = service.latest(state(request).db_url, ctx.site_id, alert_id)
    if info is None:
        raise ApiError(404, f"no frames requested for alert {alert_id}")
    return out_of(info)


def download(request: Request, ctx: SiteCtx, alert_id: str) -> Response:
    """The delivered pcap as an attachment; the download goes to the audit log."""
    db_url = state(request).db_url
    info, pcap = service.delivered_pcap(db_url, ctx.site_id, alert_id)
    details = {"request": info.id, "sha256": info.pcap_sha256, "frames": info.frames, "size": info.pcap_size}
    record(db_url, ctx, "alert.frames.download", f"alert {alert_id}", "", details)
    headers = {
        "Content-Disposition": f'attachment; filename="{alert_id}-frames.pcap"',
        "X-Content-SHA256": info.pcap_sha256 or "",
    }
    return Response(pcap, media_type=PCAP_TYPE, headers=headers)


@router.get(
    SITE + "/alerts/{alert_id}/frames.pcap",
    response_class=Response,
    responses={200: {"content": {PCAP_TYPE: {}}, "description": "The evidence frames (pcap)."}},
    summary="Download the alert's delivered evidence frames (pcap)",
)
def frames_pcap(request: Request, ctx: Asker, alert_id: AlertId) -> Response:
    return download(request, ctx, alert_id)
