"""``POST /api/v1/sites/{site}/captures`` (an engineer uploads a capture file, multipart field
``file``): answered at once with a job (202) analysed in the background
(:mod:`plantwarden.analyze.jobs`); ``GET .../captures/jobs/{id}`` follows its progress.

The upload is streamed to a temporary file and refused past :data:`MAX_BYTES` (413,
``PLANTWARDEN_UPLOAD_MAX_MB``); a file whose first bytes are not a pcap, pcapng or gzip is
refused at once (422, as ``plantwarden analyze`` says it); a capture damaged further on fails
its job with the readers' message, which names the packet. A stored capture is audited as
``capture.upload``. Jobs are rows of the store, so with ``serve --workers N`` the poll may
land on any worker."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi import Path as PathParam
from pydantic import BaseModel
from starlette.datastructures import UploadFile as StarletteUpload

from plantwarden.analyze.jobs import Job, Jobs
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.changes import record
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.errors import ApiError

router = APIRouter(tags=["captures"], responses=ERRORS)
MAX_BYTES = int(float(os.environ.get("PLANTWARDEN_UPLOAD_MAX_MB", "1024")) * 1024 * 1024)
CHUNK = 1 << 20
#: The first bytes of what the capture readers take: pcap (both byte orders, µs and ns), pcapng, gzip.
MAGICS = (
    b"\xd4\xc3\xb2\xa1",
    b"\xa1\xb2\xc3\xd4",
    b"\x4d\x3c\xb2\xa1",
    b"\xa1\xb2\x3c\x4d",
    b"\x0a\x0d\x0d\x0a",
    b"\x1f\x8b",
)
_lock = threading.Lock()

Engineer = Annotated[SiteCtx, Depends(require("capture.upload"))]
Viewer = Annotated[SiteCtx, Depends(require("view"))]
JobId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$", description="The job's id.")]


class JobOut(BaseModel):
    id: str
    name: str
    size: int
    by: str
    state: str  # queued, running, done, failed
    progress: float  # 0..1 of the file read
    message: str  # why it failed
    capture_id: int | None
    packets: int | None
    created_at: datetime
    finished_at: datetime | None


def jobs_of(request: Request) -> Jobs:
    """The application's jobs (made on first use)."""
    with _lock:
        jobs: Jobs | None = getattr(request.app.state, "capture_jobs", None)
        if jobs is None:
            web = state(request)
            jobs = Jobs(web.db_url, web.engine)
            request.app.state.capture_jobs = jobs
    return jobs


def _safe_name(name: str | None) -> str:
    base = Path(name or "upload.pcap").name
    cleaned = re.sub(r"[^A-Za-z0-9._+-]", "_", base).lstrip(".")[:120]
    return cleaned or "upload.pcap"


async def _save(upload: StarletteUpload) -> Path:
    """The upload in a folder of its own; 413 past the limit, 422 when it is no capture."""
    folder = Path(tempfile.mkdtemp(prefix="plantwarden-upload-"))
    path = folder / _safe_name(upload.filename)
    written = 0
    try:
        with path.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                if written == 0 and not chunk.startswith(MAGICS):
                    raise ApiError(
                        422,
                        f"{path.name}: not a pcap, pcapng or gzip'd capture (its first bytes say otherwise)",
                        details=[{"loc": ["body", "file"], "message": "not a capture file"}],
                    )
                written += len(chunk)
                if written > MAX_BYTES:
                    raise ApiError(
                        413, f"{path.name}: larger than the upload limit of {MAX_BYTES // (1 << 20)} MiB"
                    )
                out.write(chunk)
        if written == 0:
            raise ApiError(
                422, f"{path.name}: empty file", details=[{"loc": ["body", "file"], "message": "empty"}]
            )
    except BaseException:
        path.unlink(missing_ok=True)
        folder.rmdir()
        raise
    return path


def _audit(request: Request, ctx: SiteCtx, why: str) -> Any:
    db_url = state(request).db_url

    def done(job: Job) -> None:
        details = {"capture_id": job.capture_id, "size": job.size, "packets": job.packets, "job": job.id}
        record(db_url, ctx, "capture.upload", f"capture {job.name}", why, details)

    return done


async def upload_capture(request: Request, ctx: SiteCtx, file: StarletteUpload, why: str) -> Job:
    path = await _save(file)
    return jobs_of(request).submit(path, ctx.site_id, ctx.principal.name, _audit(request, ctx, why))


Why = Annotated[str, Form(min_length=1, max_length=2000, description="Why: written to the audit log.")]


@router.post(
    SITE + "/captures", status_code=202, response_model=JobOut, summary="Upload a capture to analyse"
)
async def upload(request: Request, ctx: Engineer, file: UploadFile, why: Why) -> Any:
    return JobOut(**(await upload_capture(request, ctx, file, why)).as_dict())


def job_of(request: Request, ctx: SiteCtx, job_id: str) -> Job:
    found = jobs_of(request).get(job_id, ctx.site_id)
    if found is None:
        raise ApiError(404, f"no capture job {job_id!r} on this site")
    return found


@router.get(
    SITE + "/captures/jobs/{job_id}", response_model=JobOut, summary="An upload's analysis and progress"
)
def job(request: Request, ctx: Viewer, job_id: JobId) -> Any:
    return JobOut(**job_of(request, ctx, job_id).as_dict())
