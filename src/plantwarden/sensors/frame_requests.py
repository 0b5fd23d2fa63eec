"""The central's side of the reachback: people ask for an alert's evidence frames, the
site's sensors pick the requests up (they only connect outward) and answer them.

:func:`request_frames` records a request (one open request per alert: asking again while
it is open answers the open one); :func:`open_for_sensor` is what a sensor's poll sees (its
own site's open requests only); :func:`deliver` keeps the pcap a sensor uploads (checked:
a whole pcap of at most :data:`MAX_PCAP` bytes holding the frames its manifest lists) with
its SHA-256, :func:`fail` the sensor's reason; :func:`latest` and :func:`delivered_pcap`
read them back. A request nobody answers within :data:`LIFETIME` expires. Sensors' answers
are written to the audit log in the same transaction (actor ``sensor:NAME``); people's
requests and downloads are audited by their callers (the CLI, the API).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plantwarden.errors import InputError, NotFoundError, PlantwardenError, UsageError
from plantwarden.people import audit
from plantwarden.sensors.pcapout import check_pcap
from plantwarden.sensors.reach_models import FrameRequest
from plantwarden.sensors.registry import SensorInfo
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now

LIFETIME = timedelta(days=7)
MAX_FRAMES = 1000
MAX_PCAP = 16 << 20  # 16 MiB
MAX_REASON = 2000
POLL_LIMIT = 100  # open requests handed to a sensor per poll (oldest first; the rest next round)


class RequestClosed(PlantwardenError):
    """The request was answered (or expired) already: a second answer changes nothing (409)."""


@dataclass(frozen=True, slots=True)
class FrameRequestInfo:
    id: int
    alert_id: str
    state: str
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

    def as_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "alert_id": self.alert_id,
            "state": self.state,
            "requested_by": self.requested_by,
            "why": self.why,
            "requested_at": self.requested_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "sensor": self.sensor,
            "reason": self.reason,
            "frames": self.frames,
            "pcap_sha256": self.pcap_sha256,
            "pcap_size": self.pcap_size,
            "manifest": self.manifest,
        }
        return doc


def _info(row: FrameRequest) -> FrameRequestInfo:
    return FrameRequestInfo(
        row.id, row.alert_id, row.state, row.requested_by, row.why, row.requested_at, row.expires_at,
        row.answered_at, row.sensor, row.reason, row.frames, row.pcap_sha256, row.pcap_size, row.manifest,
    )  # fmt: skip


def expire(session: Session, site_id: int) -> None:
    """Open requests of the site past their lifetime become ``expired``."""
    now = utc_now()
    session.execute(
        update(FrameRequest)
        .where(FrameRequest.site_id == site_id, FrameRequest.state == "requested")
        .where(FrameRequest.expires_at < now)
        .values(state="expired", answered_at=now, reason="no sensor of the site answered in time")
    )


def request_frames(
    db_url: str, site_id: int, alert_id: str, by: str, why: str
) -> tuple[FrameRequestInfo, bool]:
    """Ask the site's sensors for the alert's evidence frames; (the request, whether it is new).
    ``alert_id`` is the full id of an alert stored on the site (else :class:`NotFoundError`)."""
    from plantwarden.store.detect_models import DetectAlert

    if not why.strip():
        raise UsageError("say why the frames are needed (--why TEXT; it goes to the audit log)")
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        known = session.scalar(
            select(DetectAlert.id).where(DetectAlert.site_id == site_id, DetectAlert.alert_id == alert_id)
        )
        if known is None:
            raise NotFoundError(f"no alert {alert_id} on this site")
        expire(session, site_id)
        open_ = session.scalars(_of_alert(site_id, alert_id).where(FrameRequest.state == "requested")).first()
        if open_ is not None:
            return _info(open_), False
        now = utc_now()
        row = FrameRequest(
            site_id=site_id, alert_id=alert_id, state="requested", requested_by=by, why=why.strip(),
            requested_at=now, expires_at=now + LIFETIME, answered_at=None, sensor=None, reason=None,
            manifest=None, frames=None, pcap_sha256=None, pcap_size=None, pcap=None,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return _info(row), True


def _of_alert(site_id: int, alert_id: str) -> Any:
    return (
        select(FrameRequest)
        .where(FrameRequest.site_id == site_id, FrameRequest.alert_id == alert_id)
        .order_by(FrameRequest.id.desc())
    )


def latest(db_url: str, site_id: int, alert_id: str) -> FrameRequestInfo | None:
    """The alert's newest request (None: its frames were never asked for)."""
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        expire(session, site_id)
        row = session.scalars(_of_alert(site_id, alert_id)).first()
        return None if row is None else _info(row)


def delivered_pcap(db_url: str, site_id: int, alert_id: str) -> tuple[FrameRequestInfo, bytes]:
    """The alert's newest delivered pcap; :class:`NotFoundError` saying the state otherwise."""
    with connected(db_url) as engine, Session(engine) as session:
        row = session.scalars(_of_alert(site_id, alert_id).where(FrameRequest.state == "delivered")).first()
        if row is None or row.pcap is None:
            last = session.scalars(_of_alert(site_id, alert_id)).first()
            state = "never requested" if last is None else _state_text(_info(last))
            raise NotFoundError(f"no frames delivered for alert {alert_id} ({state})")
        return _info(row), row.pcap


def _state_text(info: FrameRequestInfo) -> str:
    if info.state == "requested":
        return f"requested {info.requested_at:%Y-%m-%d %H:%M} UTC, waiting for a sensor of the site"
    return f"{info.state}: {info.reason}" if info.reason else info.state


def state_text(info: FrameRequestInfo) -> str:
    """One line on where the request stands."""
    if info.state == "delivered":
        cut = f"; {info.reason}" if info.reason else ""
        return f"delivered by sensor {info.sensor}: {info.frames} frames, {info.pcap_size} bytes{cut}"
    return _state_text(info)


def open_for_sensor(db_url: str, sensor: SensorInfo) -> list[FrameRequestInfo]:
    """The open requests of the sensor's own site, oldest first (at most :data:`POLL_LIMIT`).
    Read only (every sensor polls): one past its lifetime is left out, and marked expired by
    the next write that looks at it."""
    with connected(db_url) as engine, Session(engine) as session:
        rows = session.scalars(
            select(FrameRequest)
            .where(FrameRequest.site_id == sensor.site_id, FrameRequest.state == "requested")
            .where(FrameRequest.expires_at >= utc_now())
            .order_by(FrameRequest.id)
            .limit(POLL_LIMIT)
        )
        return [_info(r) for r in rows]


def _open_row(session: Session, sensor: SensorInfo, request_id: int) -> FrameRequest:
    """The sensor's site's request, locked; another site's is as unknown as a missing one."""
    row = session.scalars(
        select(FrameRequest)
        .where(FrameRequest.id == request_id, FrameRequest.site_id == sensor.site_id)
        .with_for_update()
    ).first()
    if row is None:
        raise NotFoundError(f"no frame request {request_id} for the site of sensor {sensor.name}")
    expire(session, sensor.site_id)
    session.refresh(row)
    if row.state != "requested":
        raise RequestClosed(f"frame request {request_id} is {row.state} already; nothing changed")
    return row


def check_open(db_url: str, sensor: SensorInfo, request_id: int) -> None:
    """:class:`NotFoundError` unless the request is of the sensor's site, :class:`RequestClosed`
    unless it is still open (checked before an upload is read)."""
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        _open_row(session, sensor, request_id)


def check_manifest(manifest: object, frames: int) -> dict[str, Any]:
    """The sensor's manifest: ``captures`` (each ``capture``, ``frames``), listing as many
    frames as the pcap holds."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("captures"), list):
        raise InputError('manifest: expected {"captures": [{"capture", "frames"}, ...]}')
    listed = 0
    for i, entry in enumerate(manifest["captures"]):
        numbers = entry.get("frames") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("capture"), str)
            or not isinstance(numbers, list)
            or not all(isinstance(n, int) and n >= 1 for n in numbers)
        ):
            raise InputError(f"manifest: captures[{i}] needs a capture name and its frame numbers")
        listed += len(numbers)
    if listed != frames:
        raise InputError(f"manifest: lists {listed} frames, the pcap holds {frames}")
    return manifest


def deliver(
    db_url: str, sensor: SensorInfo, request_id: int, pcap: bytes, manifest: object
) -> FrameRequestInfo:
    """Keep the sensor's pcap for the request (checked first: nothing is stored otherwise)."""
    if len(pcap) > MAX_PCAP:
        raise InputError(f"the pcap has {len(pcap)} bytes; at most {MAX_PCAP}")
    info = check_pcap(pcap, f"frames of request {request_id}")
    if info.frames > MAX_FRAMES:
        raise InputError(f"frames of request {request_id}: {info.frames} frames; at most {MAX_FRAMES}")
    doc = check_manifest(manifest, info.frames)
    cut = doc.get("cut")
    digest = hashlib.sha256(pcap).hexdigest()
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = _open_row(session, sensor, request_id)
        row.state, row.answered_at, row.sensor = "delivered", utc_now(), sensor.name
        row.reason = str(cut)[:MAX_REASON] if cut else None
        row.manifest, row.frames, row.pcap_sha256 = doc, info.frames, digest
        row.pcap_size, row.pcap = len(pcap), pcap
        details = {"request": request_id, "frames": info.frames, "sha256": digest, "size": len(pcap)}
        audit.append(
            session, f"sensor:{sensor.name}", "sensor.frames.delivered", f"alert {row.alert_id}",
            site_id=sensor.site_id, why=row.reason or "", details=details,
        )  # fmt: skip
        session.flush()
        return _info(row)


def fail(db_url: str, sensor: SensorInfo, request_id: int, reason: str) -> FrameRequestInfo:
    """The sensor cannot deliver (the capture is gone, changed...): its reason is kept."""
    text = " ".join(reason.split())[:MAX_REASON]
    if not text:
        raise InputError("a failed request needs its reason")
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = _open_row(session, sensor, request_id)
        row.state, row.answered_at, row.sensor, row.reason = "failed", utc_now(), sensor.name, text
        audit.append(
            session, f"sensor:{sensor.name}", "sensor.frames.failed", f"alert {row.alert_id}",
            site_id=sensor.site_id, why=text, details={"request": request_id},
        )  # fmt: skip
        session.flush()
        return _info(row)
