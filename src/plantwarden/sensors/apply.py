"""Applying one batch item at the central, inside the batch's transaction (one per kind).

``capture``: imported as ``analyze`` imports it (:func:`plantwarden.store.imports.write_capture`:
an identical analysis changes nothing). ``alert``: each alert row replaces the central's row
of the same site and alert id (the sensor sends an alert's state after each change, in order)
or is added; lifecycle events are appended. ``baseline``: the sensor's version, unless the
central holds that version number with another document, then the next free version.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from plantwarden.errors import InputError
from plantwarden.store.capture_doc import parse_capture_doc
from plantwarden.store.detect_models import DetectAlert, DetectAlertEvent, DetectBaseline
from plantwarden.store.imports import write_capture

CHUNK = 400
M = TypeVar("M", bound=BaseModel)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlertRow(_Row):
    alert_id: str = Field(min_length=1, max_length=24)
    rule: str = Field(min_length=1)
    severity: str = Field(min_length=1, max_length=8)
    state: str = Field(pattern="^(new|acknowledged|closed)$")
    src: str
    dst: str
    first_ts: float
    last_ts: float
    count: int = Field(ge=1)
    document: dict[str, Any]
    created_at: AwareDatetime
    updated_at: AwareDatetime


class EventRow(_Row):
    alert_id: str = Field(min_length=1)
    action: str = Field(min_length=1, max_length=8)
    by: str
    why: str
    at: AwareDatetime
    state_before: str = Field(max_length=12)
    state_after: str = Field(max_length=12)


class AlertPayload(_Row):
    alerts: list[AlertRow]
    events: list[EventRow] = []


class BaselinePayload(_Row):
    version: int = Field(ge=1)
    source: str
    created_at: AwareDatetime
    document: dict[str, Any]


def _parse(model: type[M], payload: dict[str, Any], where: str) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "payload"
        raise InputError(f"{where}: {loc}: {first['msg']}") from exc


def apply_item(session: Session, site_id: int, seq: int, kind: str, payload: dict[str, Any]) -> None:
    where = f"item {seq} ({kind})"
    if kind == "capture":
        try:
            capture = parse_capture_doc(payload)
        except InputError as exc:
            raise InputError(f"{where}: {exc.message}") from exc
        write_capture(session, capture, payload, site_id=site_id)
    elif kind == "alert":
        _alerts(session, site_id, _parse(AlertPayload, payload, where))
    else:
        _baseline(session, site_id, _parse(BaselinePayload, payload, where))


ALERTS = cast(Table, DetectAlert.__table__)


def _alerts(session: Session, site_id: int, payload: AlertPayload) -> None:
    rows = {row.alert_id: row for row in payload.alerts}  # the last state of each alert
    ids = sorted(rows)
    found: dict[str, DetectAlert] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(DetectAlert).where(
            DetectAlert.site_id == site_id, DetectAlert.alert_id.in_(ids[start : start + CHUNK])
        )
        found.update({r.alert_id: r for r in session.scalars(query)})
    fresh = []
    for alert_id, row in rows.items():
        values = row.model_dump()
        if alert_id in found:
            for name, value in values.items():
                setattr(found[alert_id], name, value)
        else:
            fresh.append({"site_id": site_id, **values})
    if fresh:
        session.execute(insert(ALERTS), fresh)
    session.flush()
    for event in payload.events:
        pk = session.scalar(
            select(DetectAlert.id).where(
                DetectAlert.site_id == site_id, DetectAlert.alert_id == event.alert_id
            )
        )
        if pk is None:
            raise InputError(f"an event of alert {event.alert_id}, which neither the batch nor the store has")
        session.add(
            DetectAlertEvent(
                alert_pk=pk,
                action=event.action,
                by_name=event.by,
                why=event.why,
                at=event.at,
                state_before=event.state_before,
                state_after=event.state_after,
            )
        )


def _baseline(session: Session, site_id: int, payload: BaselinePayload) -> None:
    mine = select(DetectBaseline).where(DetectBaseline.site_id == site_id)
    same = session.scalars(mine.where(DetectBaseline.version == payload.version)).first()
    if same is not None and same.document == payload.document:
        return
    version, source = payload.version, payload.source
    if same is not None:
        last = session.scalar(
            select(func.max(DetectBaseline.version)).where(DetectBaseline.site_id == site_id)
        )
        version, source = (last or 0) + 1, f"{source} (the sensor's version {payload.version})"
    session.add(
        DetectBaseline(
            site_id=site_id,
            version=version,
            created_at=payload.created_at,
            source=source,
            document=payload.document,
        )
    )
