"""At the plant: an alert's evidence frames, read from the capture file the sensor analysed.

An alert's evidence names captures (by the name they were analysed under) and frame numbers
(Wireshark's, from 1): the first frames and the first frame of each later burst. The capture
row of this store gives the file's path and its SHA-256 as analysed; the file must still be
there and unchanged (else :class:`CaptureGone`: the central is told "capture no longer at
the plant"). Exactly those frames are read (at most :data:`MAX_FRAMES` and :data:`MAX_BYTES`,
the first ones in evidence order; the manifest says so when cut), with :data:`CONTEXT`
frames before and after each when the evidence is small (:data:`CONTEXT_UP_TO`), and written
as one pcap with the capture's link type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.capture.filehash import FileHash
from plantwarden.capture.records import RawFrame
from plantwarden.capture.source import open_capture
from plantwarden.detect.model import Alert, Evidence
from plantwarden.errors import CaptureError, PlantwardenError
from plantwarden.sensors.frame_requests import MAX_FRAMES, MAX_PCAP
from plantwarden.sensors.pcapout import pcap_header, record
from plantwarden.store.detect_models import DetectAlert
from plantwarden.store.engine import connected
from plantwarden.store.models import Capture

MAX_BYTES = MAX_PCAP
CONTEXT = 2
CONTEXT_UP_TO = 200


class CaptureGone(PlantwardenError):
    """The evidence's capture is not at the plant any more (or not as it was analysed)."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    path: str
    sha256: str


@dataclass(slots=True)
class Delivery:
    pcap: bytes
    manifest: dict[str, Any]
    frames: int = 0
    entries: list[dict[str, Any]] = field(default_factory=list)


def local_alert(db_url: str, site_id: int, alert_id: str) -> tuple[Alert, list[Source]] | None:
    """The alert in this sensor's store and the capture file of each evidence entry (None:
    this sensor does not hold the alert: another sensor of the site may)."""
    with connected(db_url) as engine, Session(engine) as session:
        row = session.scalars(
            select(DetectAlert).where(DetectAlert.site_id == site_id, DetectAlert.alert_id == alert_id)
        ).first()
        if row is None:
            return None
        alert = Alert.from_json(row.document)
        return alert, [_source(session, site_id, alert, ev) for ev in alert.evidence]


def _source(session: Session, site_id: int, alert: Alert, ev: Evidence) -> Source:
    rows = list(
        session.execute(
            select(Capture.name, Capture.sha256, Capture.first_ts, Capture.last_ts, Capture.document)
            .where(Capture.site_id == site_id, Capture.name == ev.capture)
            .order_by(Capture.analysed_at.desc(), Capture.id.desc())
        )
    )
    if not rows:
        raise CaptureGone(f"capture {ev.capture} no longer at the plant (not in the sensor's store)")

    def overlaps(r: Any) -> bool:
        return r.first_ts is not None and r.first_ts <= alert.last_ts and (r.last_ts or 0) >= alert.first_ts

    best = next((r for r in rows if overlaps(r)), rows[0])
    path = best.document.get("path") if isinstance(best.document, dict) else None
    if not isinstance(path, str) or path == "-" or path.startswith("<"):
        raise CaptureGone(
            f"capture {ev.capture} no longer at the plant (it was read from a pipe, not a file)"
        )
    return Source(best.name, path, best.sha256)


def check_source(src: Source) -> None:
    """The file is there, with the SHA-256 it had when it was analysed."""
    if not Path(src.path).is_file():
        raise CaptureGone(f"capture {src.name} no longer at the plant ({src.path}: no such file)")
    digest = FileHash(src.path).hexdigest()
    if digest != src.sha256:
        raise CaptureGone(
            f"capture {src.name} no longer at the plant ({src.path} changed since it was analysed: "
            "its SHA-256 differs)"
        )


def wanted(alert: Alert) -> list[tuple[int, list[int]]]:
    """Per evidence entry, its frame numbers (frames and burst starts, ascending), cut so that
    all entries together hold at most :data:`MAX_FRAMES`."""
    room = MAX_FRAMES
    out: list[tuple[int, list[int]]] = []
    for i, ev in enumerate(alert.evidence):
        numbers = sorted(set(ev.frames) | set(ev.bursts))[: max(room, 0)]
        room -= len(numbers)
        out.append((i, numbers))
    return out


def collect(db_url: str, site_id: int, alert_id: str) -> Delivery | None:
    """The alert's evidence frames as a pcap and its manifest (None: the alert is not here);
    :class:`CaptureGone` when a capture is missing or changed."""
    found = local_alert(db_url, site_id, alert_id)
    if found is None:
        return None
    alert, sources = found
    for src in sources:
        check_source(src)
    asked = sum(len(set(ev.frames) | set(ev.bursts)) for ev in alert.evidence)
    plan = wanted(alert)
    chosen = sum(len(n) for _, n in plan)
    context = CONTEXT if chosen <= CONTEXT_UP_TO else 0
    writer = _Writer()
    for i, numbers in plan:
        if numbers:
            writer.add(sources[i], numbers, context)
    cuts = []
    if chosen < asked:
        cuts.append(f"the first {chosen} of {asked} evidence frames (at most {MAX_FRAMES})")
    cuts.extend(writer.notes)
    if not writer.frames:
        raise CaptureGone(f"alert {alert_id}: none of its evidence frames are in the capture files")
    manifest = {
        "alert_id": alert_id,
        "captures": writer.entries,
        "evidence_frames": asked,
        "context": context,
        "cut": "; ".join(cuts) or None,
    }
    return Delivery(writer.data(), manifest, writer.frames, writer.entries)


def frames_of(path: str, numbers: list[int], context: int = 0) -> tuple[bytes, list[int]]:
    """Frames ``numbers`` of a capture file (and ``context`` around each) as one pcap, within
    the bounds, and the frame numbers it holds (what :func:`collect` does per capture)."""
    writer = _Writer()
    writer.add(Source(Path(path).name, path, ""), sorted(set(numbers)), context)
    return (writer.data() if writer.frames else b""), (writer.entries[0]["frames"] if writer.entries else [])


class _Writer:
    """Frames into one pcap body: one link type, at most :data:`MAX_BYTES` in all."""

    def __init__(self) -> None:
        self.linktype: int | None = None
        self.parts: list[bytes] = []
        self.size = 24
        self.frames = 0
        self.entries: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.full = False

    def add(self, src: Source, evidence: list[int], context: int) -> None:
        take = set(evidence)
        for n in evidence:
            take.update(range(max(1, n - context), n + context + 1))
        written: list[int] = []
        other = missing = 0
        last = max(take)
        try:
            with open_capture(src.path) as capture:
                for frame in capture.frames():
                    if frame.number > last:
                        break
                    if frame.number not in take:
                        continue
                    take.discard(frame.number)
                    if self.full:
                        continue
                    if self.linktype is None:
                        self.linktype = frame.linktype
                    if frame.linktype != self.linktype:
                        other += 1
                        continue
                    if not self._put(frame):
                        continue
                    written.append(frame.number)
        except CaptureError as exc:
            raise CaptureGone(f"capture {src.name} no longer readable at the plant ({exc.message})") from exc
        missing = len(take & set(evidence))
        if other:
            self.notes.append(f"{other} frames of {src.name} on another link type left out")
        if missing and not self.full:
            self.notes.append(f"{missing} evidence frames of {src.name} not in the file")
        if written:
            kept = sorted(set(evidence) & set(written))
            self.entries.append(
                {
                    "capture": src.name,
                    "sha256": src.sha256,
                    "path": src.path,
                    "frames": written,
                    "evidence": kept,
                }
            )

    def _put(self, frame: RawFrame) -> bool:
        body = record(frame)
        if self.size + len(body) > MAX_BYTES:
            if not self.full:
                self.notes.append(f"cut at {MAX_BYTES:,} bytes (the limit)")
            self.full = True
            return False
        self.parts.append(body)
        self.size += len(body)
        self.frames += 1
        return True

    def data(self) -> bytes:
        assert self.linktype is not None
        return pcap_header(self.linktype) + b"".join(self.parts)
