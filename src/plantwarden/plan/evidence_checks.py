"""The checks themselves, on what the store holds since a control started (evidence_data):
each gives what broke the control, every finding with its time, source, destination and
capture. Empty: nothing broke it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from plantwarden.access.models import AccessSession
from plantwarden.continuity.observed_edges import Edge
from plantwarden.continuity.zoning import Zoning
from plantwarden.detect.ops import COMMANDS
from plantwarden.plan.evidence_data import StoredCapture
from plantwarden.plan.evidence_spec import crosses, edges, flow
from plantwarden.site.model import SiteModel
from plantwarden.site.windows import expand_windows
from plantwarden.store.detect_models import DetectAlert


def flow_text(f: dict[str, Any]) -> str:
    """``tcp 10.0.2.5 -> 10.0.1.10:502 modbus``."""
    proto = f" {f['proto']}" if f.get("proto") else ""
    return f"{f['transport']} {f['client']} -> {f['server']}:{f['port']}{proto}"


def _allowed(e: Edge, allow: list[dict[str, Any]]) -> bool:
    for a in allow:
        same = (a["client"], a["server"], a["transport"], a["port"]) == (
            e.client,
            e.server,
            e.transport,
            e.port,
        )
        if same and (not a["proto"] or not e.proto or a["proto"] == e.proto):
            return True
    return False


def _seen(c: StoredCapture, e: Edge) -> dict[str, Any]:
    return {**flow(e), "first_ts": e.first_ts, "last_ts": e.last_ts, "capture": c.name, "capture_id": c.id}


def conduit_flows(
    model: SiteModel, spec: dict[str, Any], stored: list[StoredCapture]
) -> list[dict[str, Any]]:
    """Flows across the conduit's two zones that its allow list does not hold."""
    if not spec.get("conduit"):
        return []
    zones = (spec["zones"][0], spec["zones"][1])
    zoning = Zoning(model.zones)
    return [
        {**_seen(c, e), "text": f"{flow_text(flow(e))} ({c.name})"}
        for c, e in edges(stored)
        if crosses(zoning, e, zones) and not _allowed(e, spec["allow"])
    ]


def new_peers(spec: dict[str, Any], ips: set[str], stored: list[StoredCapture]) -> list[dict[str, Any]]:
    """Flows of the asset with a peer outside the peers fixed when the plan ran."""
    known = set(spec.get("peers", [])) | ips
    found = []
    for c, e in edges(stored):
        peer = e.server if e.client in ips else e.client if e.server in ips else None
        if peer is not None and peer not in known:
            found.append(
                {**_seen(c, e), "peer": peer, "text": f"new peer {peer}: {flow_text(flow(e))} ({c.name})"}
            )
    return found


def window_at(model: SiteModel, first_ts: float, last_ts: float) -> str | None:
    """The maintenance window occurrence that holds the whole span, if any."""
    tz = model.tz
    lo = datetime.fromtimestamp(first_ts, UTC)
    hi = datetime.fromtimestamp(last_ts, UTC)
    for iv in expand_windows(
        model.maintenance_windows, tz, lo - timedelta(days=2), hi + timedelta(minutes=1)
    ):
        if iv.start <= lo and hi <= iv.end:
            return f"{iv.window}@{iv.start.date().isoformat()}"
    return None


def _stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def writes_outside(
    model: SiteModel, ips: set[str], stored: list[StoredCapture], alerts: list[DetectAlert]
) -> list[dict[str, Any]]:
    """Writes and commands to the asset outside every maintenance window: the operations the
    captures' conversations record, and detection's write and command alerts."""
    found = []
    for c in stored:
        for row in c.conversations:
            classes = sorted(set(row.get("op_classes") or {}) & COMMANDS)
            if row.get("dst") not in ips or not classes:
                continue
            first, last = float(row["first_ts"]), float(row["last_ts"])
            if window_at(model, first, last) is None:
                text = f"{'/'.join(classes)} {row['src']} -> {row['dst']} {row['proto']} {row['code']}"
                found.append(
                    {
                        "src": row["src"], "dst": row["dst"], "proto": row["proto"], "code": row["code"],
                        "classes": classes, "count": row.get("count"), "first_ts": first, "last_ts": last,
                        "capture": c.name, "capture_id": c.id,
                        "text": f"{text} at {_stamp(first)} ({c.name})",
                    }
                )  # fmt: skip
    for a in alerts:
        if window_at(model, a.first_ts, a.last_ts) is None:
            caps = sorted(
                {str(e.get("capture")) for e in a.document.get("evidence") or [] if isinstance(e, dict)}
            )
            found.append(
                {
                    "alert": a.alert_id, "rule": a.rule, "src": a.src, "dst": a.dst,
                    "first_ts": a.first_ts, "last_ts": a.last_ts, "capture": ", ".join(caps),
                    "text": f"alert {a.alert_id} {a.rule} {a.src} -> {a.dst} at {_stamp(a.first_ts)}",
                }
            )  # fmt: skip
    return found


def _session(s: AccessSession) -> dict[str, Any]:
    at = s.started_at.isoformat(timespec="seconds")
    return {
        "proto": s.proto,
        "client": s.client,
        "server": s.server,
        "server_port": s.server_port,
        "first_ts": s.started_at.timestamp(),
        "last_ts": s.ended_at.timestamp(),
        "capture": s.capture,
        "grant": s.grant_key,
        "findings": s.findings.split(","),
        "text": f"{s.proto} {s.client} -> {s.server}:{s.server_port} at {at}: {s.findings} ({s.capture})",
    }


def sessions_outside(sessions: list[AccessSession]) -> list[dict[str, Any]]:
    """Remote sessions that broke or lacked a grant (their findings, from plantwarden.access)."""
    return [_session(s) for s in sessions if s.findings]
