"""``POST /api/v1/sensors/{name}/batches``: a sensor's batch into the central's store.

Authorised by the sensor's own token (``plantwarden sensor register`` prints it once), not a
user's: ``Authorization: Bearer pw_...`` must be the token of the sensor named in the path
(else 401, logged). The body is the batch the sensor's push loop sends
(:mod:`plantwarden.sensors.transport`); :func:`plantwarden.sensors.ingest.apply_batch`
checks it (the batch names that sensor and the sensor's own site; a sensor token may write
its site only), applies it in one transaction, and the answer is the acknowledgement, sent
only after the commit. Refusals answer in the one error shape with the refusal's code
(``malformed`` 422, ``wrong_site``/``wrong_sensor``/``signature`` 403, ``gap``/
``replay_differs`` 409) and are written to the audit log by the ingest service. A sensor
token opens no other route: user routes do not know it (401). A body over ``serve
--max-batch`` (64 MiB by default) is 413 ``too_large``. The worker's engine is passed down
(no connection or schema check per batch).
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from plantwarden.sensors.ingest import REFUSAL_STATUS, BatchRefused, apply_batch, refuse_unreadable
from plantwarden.sensors.registry import SensorInfo, authenticate_sensor
from plantwarden.sizes import mib
from plantwarden.web.api.common import ERRORS, PREFIX
from plantwarden.web.deps import BEARER, state
from plantwarden.web.errors import ApiError

log = logging.getLogger(__name__)
router = APIRouter(prefix=PREFIX + "/sensors", tags=["sensors"], responses=ERRORS)

SensorName = Annotated[str, Path(min_length=1, max_length=300, description="The sensor's name.")]


class AckOut(BaseModel):
    sensor: str
    first_seq: int
    last_seq: int
    acknowledged: int
    applied: int
    duplicate: bool


def _sensor(request: Request, name: str) -> SensorInfo:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    found = None
    if scheme.lower() == "bearer" and token.strip():
        found = authenticate_sensor(state(request).engine, name, token.strip())
    if found is None:
        client = request.client.host if request.client else "?"
        log.warning("sensor batch refused: no valid token for sensor %r (from %s)", name, client)
        raise ApiError(401, f"not the token of sensor {name!r} (plantwarden sensor register)", headers=BEARER)
    return found


@router.post(
    "/{name}/batches",
    response_model=AckOut,
    summary="Apply a sensor's batch (the sensor's token; acknowledged after the commit)",
)
async def batches(request: Request, name: SensorName) -> Any:
    web = state(request)
    sensor = await run_in_threadpool(_sensor, request, name)
    raw = await _body(request, web.max_batch_bytes)
    try:
        try:
            batch: object = json.loads(raw)
        except ValueError as exc:  # UnicodeDecodeError is one
            raise await run_in_threadpool(refuse_unreadable, web.engine, sensor.name, str(exc)) from exc
        ack = await run_in_threadpool(apply_batch, web.engine, sensor.name, batch)
    except BatchRefused as exc:
        log.warning("sensor %s: batch refused (%s): %s", sensor.name, exc.code, exc.message)
        raise ApiError(REFUSAL_STATUS.get(exc.code, 422), exc.message, code=exc.code) from exc
    return AckOut(**ack.as_dict())


async def _body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` (declared or streamed)."""
    declared = request.headers.get("content-length")
    too_large = ApiError(
        413,
        f"a batch of at most {mib(limit)} (serve --max-batch); the push loop sends smaller ones",
        code="too_large",
    )
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        parts.append(chunk)
    return b"".join(parts)
