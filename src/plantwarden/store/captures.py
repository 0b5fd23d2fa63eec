"""Reading captures back from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.store.engine import connected
from plantwarden.store.models import Anomaly, Capture, CaptureHost, Conversation, Host
from plantwarden.store.sites import resolve

M = TypeVar("M", Conversation, Anomaly)


@dataclass(frozen=True, slots=True)
class CaptureInfo:
    """One stored capture and how many conversations and anomalies it holds."""

    id: int
    name: str
    sha256: str
    size: int
    packets: int
    bytes: int
    first_ts: float | None
    last_ts: float | None
    analysed_at: datetime
    plantwarden_version: str
    conversations: int
    anomalies: int


def _count(model: type[Conversation] | type[Anomaly]) -> Any:
    return select(func.count()).where(model.capture_id == Capture.id).scalar_subquery()


def list_captures(db_url: str, site: int | None = None) -> list[CaptureInfo]:
    """Every stored capture of the site (None: the only site), in the order they were first imported."""
    site_id = resolve(db_url, site)
    query = select(Capture, _count(Conversation), _count(Anomaly)).order_by(Capture.id)
    query = query.where(Capture.site_id == site_id)
    with connected(db_url) as engine, Session(engine) as session:
        return [_info(row, convs, anomalies) for row, convs, anomalies in session.execute(query)]


def _info(row: Capture, conversations: int, anomalies: int) -> CaptureInfo:
    return CaptureInfo(
        id=row.id,
        name=row.name,
        sha256=row.sha256,
        size=row.size,
        packets=row.packets,
        bytes=row.byte_count,
        first_ts=row.first_ts,
        last_ts=row.last_ts,
        analysed_at=row.analysed_at,
        plantwarden_version=row.plantwarden_version,
        conversations=conversations,
        anomalies=anomalies,
    )


def capture_document(db_url: str, sha256: str, site: int | None = None) -> dict[str, Any] | None:
    """A stored capture of the site in the shape of the analysis document it came from (None: unknown)."""
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        query = select(Capture).where(Capture.site_id == site_id, Capture.sha256 == sha256.lower())
        row = session.scalars(query).first()
        return None if row is None else _document(session, row)


def capture_documents(db_url: str, site: int | None = None) -> list[dict[str, Any]]:
    """Every stored capture's whole analysis document of the site, oldest traffic first."""
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        query = select(Capture).where(Capture.site_id == site_id)
        rows = session.scalars(query.order_by(Capture.first_ts, Capture.id))
        return [dict(row.document) for row in rows]


def _document(session: Session, row: Capture) -> dict[str, Any]:
    return {
        "name": row.name,
        "sha256": row.sha256,
        "size": row.size,
        "packets": row.packets,
        "bytes": row.byte_count,
        "first_ts": row.first_ts,
        "last_ts": row.last_ts,
        "skipped": row.skipped,
        "hosts": _hosts(session, row.id),
        "protocols": row.protocols,
        "conversations": [_conversation(c) for c in _children(session, Conversation, row.id)],
        "anomalies": [_anomaly(a) for a in _children(session, Anomaly, row.id)],
        "plantwarden_version": row.plantwarden_version,
    }


def _children(session: Session, model: type[M], capture_id: int) -> list[M]:
    return list(session.scalars(select(model).where(model.capture_id == capture_id).order_by(model.id)))


def _hosts(session: Session, capture_id: int) -> dict[str, list[dict[str, Any]]]:
    query = (
        select(Host.kind, Host.address, CaptureHost.first_seen, CaptureHost.last_seen, CaptureHost.packets)
        .join(CaptureHost, CaptureHost.host_id == Host.id)
        .where(CaptureHost.capture_id == capture_id)
        .order_by(Host.kind, Host.address)
    )
    hosts: dict[str, list[dict[str, Any]]] = {"mac": [], "ipv4": [], "ipv6": []}
    for kind, address, first_seen, last_seen, packets in session.execute(query):
        hosts[kind].append(
            {"address": address, "first_seen": first_seen, "last_seen": last_seen, "packets": packets}
        )
    return hosts


def _conversation(c: Conversation) -> dict[str, Any]:
    return {
        "src": c.src,
        "dst": c.dst,
        "proto": c.proto,
        "code": c.code,
        "count": c.count,
        "first_ts": c.first_ts,
        "last_ts": c.last_ts,
    }


def _anomaly(a: Anomaly) -> dict[str, Any]:
    return {"name": a.name, "frame": a.frame, "ts": a.ts, "src": a.src, "dst": a.dst, "detail": a.detail}
