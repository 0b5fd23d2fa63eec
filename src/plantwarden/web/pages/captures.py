"""``/sites/{site}/captures``: upload a capture file to analyse (engineers), then follow its
analysis on ``/sites/{site}/captures/jobs/{id}`` (a progress bar htmx refreshes every second
until the job ends). The same service as the API (:mod:`plantwarden.web.api.captures`)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from plantwarden.people.roles import can
from plantwarden.web.api.captures import MAX_BYTES, JobId, job_of, upload_capture
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.errors import ApiError
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("Captures", "captures")

Viewer = Annotated[SiteCtx, Depends(require("view"))]
Engineer = Annotated[SiteCtx, Depends(require("capture.upload"))]


@router.get("/sites/{site}/captures")
def captures(request: Request, ctx: Viewer) -> Response:
    context = {"can_upload": can(ctx.principal, ctx.site_id, "capture.upload"), "max_mb": MAX_BYTES >> 20}
    return render(request, "captures.html", context, site=ctx.site)


@router.post("/sites/{site}/captures")
async def upload(request: Request, ctx: Engineer) -> Response:
    form = await request.form()
    file, why = form.get("file"), form.get("why")
    if not isinstance(file, UploadFile) or not file.filename:
        raise ApiError(422, "choose a capture file (pcap, pcapng, or gzip'd)")
    if not isinstance(why, str) or not why.strip():
        raise ApiError(422, "say why (it goes to the audit log)")
    job = await upload_capture(request, ctx, file, why.strip())
    return RedirectResponse(f"/sites/{quote(ctx.site.name, safe='')}/captures/jobs/{job.id}", status_code=303)


@router.get("/sites/{site}/captures/jobs/{job_id}")
def job(request: Request, ctx: Viewer, job_id: JobId) -> Response:
    found = job_of(request, ctx, job_id)
    template = "capture_job_status.html" if request.headers.get("HX-Request") else "capture_job.html"
    return render(request, template, {"job": found}, site=ctx.site)
