"""Reachback, the sensor's side (its own token only, like the batches route; docs/sensors.md):

- ``GET /api/v1/sensors/{name}/requests``: the open frame requests of the sensor's site,
  oldest first (at most 100 a call; the rest in the next round);
- ``POST .../requests/{id}/frames``: the evidence frames, multipart ``manifest`` (JSON: which
  frames of which capture, what was cut) and ``pcap`` (at most 16 MiB, checked to be a whole
  pcap listing as many frames as the manifest) -> the request is ``delivered``;
- ``POST .../requests/{id}/failed``: ``{"reason": "..."}`` -> ``failed`` with the reason.

A request of another site is as unknown as a missing one (404); one answered already is 409.
Refusals answer in the one error shape; the sensors' answers are audited by the service.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from plantwarden.sensors import frame_requests as service
from plantwarden.web.api.common import ERRORS, PREFIX
from plantwarden.web.api.sensors import _sensor
from plantwarden.web.deps import state
from plantwarden.web.errors import ApiError

router = APIRouter(prefix=PREFIX + "/sensors", tags=["sensors"], responses=ERRORS)
SensorName = Annotated[str, Path(min_length=1, max_length=300, description="The sensor's name.")]
RequestId = Annotated[str, Path(max_length=20, description="The frame request's id (a number).")]
#: The largest upload: the pcap's cap and room for the manifest and the multipart framing.
MAX_UPLOAD = service.MAX_PCAP + (1 << 20)
MAX_FAILED = 16 << 10
T = TypeVar("T")


class OpenRequest(BaseModel):
    id: int
    alert_id: str
    requested_at: str
    expires_at: str
    max_frames: int
    max_bytes: int


class OpenRequests(BaseModel):
    requests: list[OpenRequest]


class AnswerOut(BaseModel):
    id: int
    alert_id: str
    state: str
    frames: int | None
    pcap_sha256: str | None
    reason: str | None


def _answer(info: service.FrameRequestInfo) -> AnswerOut:
    return AnswerOut(
        id=info.id, alert_id=info.alert_id, state=info.state, frames=info.frames,
        pcap_sha256=info.pcap_sha256, reason=info.reason,
    )  # fmt: skip


@router.get(
    "/{name}/requests",
    response_model=OpenRequests,
    summary="The open frame requests of the sensor's site (the sensor's token)",
)
async def open_requests(request: Request, name: SensorName) -> Any:
    sensor = await run_in_threadpool(_sensor, request, name)
    found = await run_in_threadpool(service.open_for_sensor, state(request).db_url, sensor)
    items = [
        OpenRequest(
            id=r.id,
            alert_id=r.alert_id,
            requested_at=r.requested_at.isoformat(),
            expires_at=r.expires_at.isoformat(),
            max_frames=service.MAX_FRAMES,
            max_bytes=service.MAX_PCAP,
        )
        for r in found
    ]
    return OpenRequests(requests=items)


def _request_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ApiError(
            422, f"a frame request id is a number, not {text[:20]!r}",
            details=[{"loc": ["path", "request_id"], "message": "a positive number"}],
        )  # fmt: skip
    return int(text)


def _bounded(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise ApiError(411, "send the body with its Content-Length", code="length_required")
    if int(declared) > limit:
        raise ApiError(413, f"at most {limit} bytes")


async def _call(fn: Callable[..., T], *args: Any) -> T:
    """The service in a worker thread; a request answered already is a 409."""
    try:
        return await run_in_threadpool(fn, *args)
    except service.RequestClosed as exc:
        raise ApiError(409, exc.message) from exc


@router.post(
    "/{name}/requests/{request_id}/frames",
    response_model=AnswerOut,
    summary="Deliver a frame request: the evidence frames as a pcap (the sensor's token)",
)
async def deliver(request: Request, name: SensorName, request_id: RequestId) -> Any:
    sensor = await run_in_threadpool(_sensor, request, name)
    number = _request_id(request_id)
    db_url = state(request).db_url
    await _call(service.check_open, db_url, sensor, number)
    _bounded(request, MAX_UPLOAD)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "send multipart/form-data with the parts manifest (JSON) and pcap")
    await request.body()  # read whole (bounded above) before the parts are parsed from it
    form = await request.form(max_files=1, max_fields=1)
    pcap, manifest = form.get("pcap"), form.get("manifest")
    if not isinstance(pcap, UploadFile):
        raise ApiError(422, "the part pcap (a file) is missing")
    data = await pcap.read(service.MAX_PCAP + 1)
    if len(data) > service.MAX_PCAP:
        raise ApiError(413, f"a pcap of at most {service.MAX_PCAP} bytes")
    try:
        doc = json.loads(manifest if isinstance(manifest, str) else b"")
    except ValueError as exc:
        raise ApiError(422, f"the part manifest is not JSON ({exc})") from exc
    info = await _call(service.deliver, db_url, sensor, number, data, doc)
    return _answer(info)


@router.post(
    "/{name}/requests/{request_id}/failed",
    response_model=AnswerOut,
    summary="Answer a frame request with why the frames cannot be had (the sensor's token)",
)
async def failed(request: Request, name: SensorName, request_id: RequestId) -> Any:
    sensor = await run_in_threadpool(_sensor, request, name)
    number = _request_id(request_id)
    db_url = state(request).db_url
    await _call(service.check_open, db_url, sensor, number)
    _bounded(request, MAX_FAILED)
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ApiError(422, f"the body is not JSON ({exc})") from exc
    reason = body.get("reason") if isinstance(body, dict) else None
    if not isinstance(reason, str) or not reason.strip():
        raise ApiError(422, 'expected {"reason": "why the frames cannot be had"}')
    info = await _call(service.fail, db_url, sensor, number, reason)
    return _answer(info)
