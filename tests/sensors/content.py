"""What a site holds in a store, comparable across stores (ids differ, contents must not)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.store.detect_models import DetectAlert, DetectAlertEvent, DetectBaseline
from plantwarden.store.engine import connected
from plantwarden.store.models import Anomaly, Capture, CaptureHost, Conversation, Host, Site


def site_content(url: str, site: str) -> dict[str, Any]:
    """Every row of the site that a sensor sends, without store ids; lists keep duplicates."""
    with connected(url) as engine, Session(engine) as session:
        site_id = session.scalars(select(Site.id).where(Site.name == site)).one()
        captures = session.execute(
            select(Capture.sha256, Capture.analysis_sha256, Capture.packets).where(Capture.site_id == site_id)
        ).all()
        convs = session.execute(
            select(
                Capture.sha256,
                Conversation.src,
                Conversation.dst,
                Conversation.proto,
                Conversation.code,
                Conversation.count,
                Conversation.first_ts,
                Conversation.last_ts,
            )
            .join(Capture, Capture.id == Conversation.capture_id)
            .where(Capture.site_id == site_id)
        ).all()
        anomalies = session.execute(
            select(Capture.sha256, Anomaly.name, Anomaly.frame)
            .join(Capture, Capture.id == Anomaly.capture_id)
            .where(Capture.site_id == site_id)
        ).all()
        hosts = session.execute(
            select(Host.kind, Host.address, Host.first_seen, Host.last_seen, Host.packets).where(
                Host.site_id == site_id
            )
        ).all()
        links = session.execute(
            select(Capture.sha256, Host.address, CaptureHost.packets)
            .join(Capture, Capture.id == CaptureHost.capture_id)
            .join(Host, Host.id == CaptureHost.host_id)
            .where(Capture.site_id == site_id)
        ).all()
        alerts = session.execute(
            select(
                DetectAlert.alert_id,
                DetectAlert.state,
                DetectAlert.count,
                DetectAlert.severity,
                DetectAlert.document,
            ).where(DetectAlert.site_id == site_id)
        ).all()
        events = session.execute(
            select(
                DetectAlert.alert_id, DetectAlertEvent.action, DetectAlertEvent.by_name, DetectAlertEvent.at
            )
            .join(DetectAlert, DetectAlert.id == DetectAlertEvent.alert_pk)
            .where(DetectAlert.site_id == site_id)
        ).all()
        baselines = session.execute(
            select(DetectBaseline.version, DetectBaseline.document).where(DetectBaseline.site_id == site_id)
        ).all()

    def rows(found: Any) -> list[str]:
        return sorted(repr(tuple(r)) for r in found)

    return {
        "captures": rows(captures),
        "conversations": rows(convs),
        "anomalies": rows(anomalies),
        "hosts": rows(hosts),
        "capture_hosts": rows(links),
        "alerts": rows(alerts),
        "alert_events": rows(events),
        "baselines": rows(baselines),
    }
