"""The reachback on the alert's page: the frame request's state, the button that asks the
site's sensors for the evidence frames (with a reason), and the delivered pcap's download
link (``GET /api/v1/sites/{site}/alerts/{id}/frames.pcap``, which a signed-in browser may
follow). The same service as the API (:mod:`plantwarden.web.api.frames`)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from plantwarden.sensors import frame_requests as service
from plantwarden.web.api.alerts import AlertId
from plantwarden.web.api.frames import ask
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.errors import ApiError
from plantwarden.web.pages.common import page_router

router = page_router()
Asker = Annotated[SiteCtx, Depends(require("alert.frames"))]


def frames_context(request: Request, ctx: SiteCtx, alert_id: str) -> dict[str, Any]:
    """What the alert's page shows of its frames: the newest request, whether one may ask and
    download, and the download's address."""
    from plantwarden.people.roles import can

    info = service.latest(state(request).db_url, ctx.site_id, alert_id)
    site = quote(ctx.site.name, safe="")
    return {
        "frames": None if info is None else {**info.as_dict(), "text": service.state_text(info)},
        "can_frames": can(ctx.principal, ctx.site_id, "alert.frames"),
        "frames_url": f"/api/v1/sites/{site}/alerts/{alert_id}/frames.pcap",
    }


@router.post("/sites/{site}/alerts/{alert_id}/frames")
async def ask_frames(request: Request, ctx: Asker, alert_id: AlertId) -> Response:
    form = await request.form()
    why = form.get("why")
    text = why.strip() if isinstance(why, str) else ""
    if not text:
        raise ApiError(422, "say why the frames are needed (it goes to the audit log)")
    done = await run_in_threadpool(ask, request, ctx, alert_id, text)
    said = "frames requested from the site's sensors" if done.created else f"already {done.text}"
    target = f"/sites/{quote(ctx.site.name, safe='')}/alerts/{alert_id}"
    return RedirectResponse(f"{target}?{urlencode({'done': said})}#frames", status_code=303)
