"""Evidence preserved when an incident opens: the alerts' frames and a window around them.

For each capture the alerts cite, the stored capture's file (the path its analysis recorded)
is hashed and checked against the SHA-256 stored at analysis (chain of custody: the frames
come from that exact file), then every frame the alerts name, and every frame within
``window_s`` seconds of the alerts' first and last detection, is copied, bytes and times
unchanged, into a new pcap in the evidence folder. Its SHA-256 and the custody record (who,
when, from which file and that file's hash, which frames) are stored with the incident.

A capture file that is gone or changed since its analysis is not copied; the incident records
why ("production restoration may override evidence preservation": it opens anyway).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.capture.source import open_capture
from plantwarden.detect.model import Alert
from plantwarden.errors import CaptureError, InputError
from plantwarden.incidents.models import Incident, IncidentEvidence
from plantwarden.incidents.pcapout import PcapWriter
from plantwarden.store.engine import connected
from plantwarden.store.models import Capture

DEFAULT_WINDOW_S = 30.0


@dataclass(slots=True)
class Taken:
    """One evidence file written (``path`` set), or why a capture could not be preserved."""

    source_name: str
    source_path: str = ""
    source_sha256: str = ""
    path: Path | None = None
    sha256: str = ""
    size: int = 0
    window_s: float = DEFAULT_WINDOW_S
    named: list[int] = field(default_factory=list)
    copied: list[int] = field(default_factory=list)
    by: str = ""
    problem: str = ""

    def summary(self) -> str:
        if self.path is None:
            return f"evidence from {self.source_name} not preserved: {self.problem}"
        return (
            f"{len(self.copied)} frames of {self.source_name} ({len(self.named)} named by the alerts, "
            f"±{self.window_s:g} s) preserved in {self.path} sha256 {self.sha256}"
        )

    def details(self) -> dict[str, Any]:
        return {
            "path": str(self.path) if self.path else None,
            "sha256": self.sha256 or None,
            "source": self.source_name,
            "source_sha256": self.source_sha256 or None,
            "frames_named": self.named,
            "problem": self.problem or None,
        }


def _sources(db_url: str, site_id: int, names: list[str]) -> dict[str, tuple[str, str]]:
    """capture name -> (path recorded at analysis, stored SHA-256), the newest analysis of each."""
    found: dict[str, tuple[str, str]] = {}
    with connected(db_url) as engine, Session(engine) as session:
        query = (
            select(Capture).where(Capture.site_id == site_id, Capture.name.in_(names)).order_by(Capture.id)
        )
        for row in session.scalars(query):
            found[row.name] = (str(row.document.get("path") or ""), row.sha256)
    return found


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def preserve(
    db_url: str, site_id: int, alerts: list[Alert], folder: Path | None, window_s: float, by: str
) -> list[Taken]:
    """Copy the alerts' frames (and the window around them) of each capture into the folder."""
    if folder is None or not alerts:
        return []
    if window_s < 0:
        raise InputError(f"--window {window_s:g}: expected 0 or more seconds")
    named: dict[str, set[int]] = {}
    span: dict[str, tuple[float, float]] = {}
    for a in alerts:
        for ev in a.evidence:
            named.setdefault(ev.capture, set()).update(ev.frames, ev.bursts)
            lo, hi = span.get(ev.capture, (a.first_ts, a.last_ts))
            span[ev.capture] = (min(lo, a.first_ts), max(hi, a.last_ts))
    sources = _sources(db_url, site_id, sorted(named))
    folder.mkdir(parents=True, exist_ok=True)
    taken: list[Taken] = []
    try:
        for name in sorted(named):
            t = Taken(name, window_s=window_s, named=sorted(named[name]), by=by)
            taken.append(t)
            _take(t, sources.get(name), span[name], folder)
    except BaseException:
        discard(taken)
        raise
    return taken


def _take(t: Taken, source: tuple[str, str] | None, span: tuple[float, float], folder: Path) -> None:
    if source is None or not source[0]:
        t.problem = "no stored analysis of this capture records its file"
        return
    t.source_path, stored = source
    path = Path(t.source_path)
    if not path.is_file():
        t.problem = f"{path} is gone"
        return
    t.source_sha256 = file_sha256(path)
    if t.source_sha256 != stored:
        t.problem = f"{path} changed since its analysis (SHA-256 {t.source_sha256}, analysed {stored})"
        return
    lo_ns, hi_ns = int((span[0] - t.window_s) * 1e9), int((span[1] + t.window_s) * 1e9)
    t.path = _free(folder / f"evidence-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{path.stem}.pcap")
    wanted = set(t.named)
    try:
        with open_capture(str(path)) as src, open(t.path, "xb") as out:
            writer: PcapWriter | None = None
            for f in src.frames():
                if f.number not in wanted and not lo_ns <= f.ts_ns <= hi_ns:
                    continue
                if writer is None:
                    writer = PcapWriter(out, f.linktype)
                if f.linktype == writer.linktype:
                    writer.frame(f)
                    t.copied.append(f.number)
            if writer is None:
                writer = PcapWriter(out, 1)
    except CaptureError as exc:
        t.problem = str(exc)
        discard([t])
        return
    t.sha256, t.size = writer.sha256, writer.size
    missing = sorted(wanted - set(t.copied))
    if missing:
        t.problem = f"frames {', '.join(map(str, missing[:10]))} are not in {path.name}"


def _free(path: Path) -> Path:
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def discard(taken: list[Taken]) -> None:
    """Remove the files of evidence that will not be stored (the incident was not opened)."""
    for t in taken:
        if t.path is not None:
            t.path.unlink(missing_ok=True)
            t.path = None


def record(session: Session, row: Incident, t: Taken, now: datetime) -> None:
    if t.path is None:
        return
    session.add(
        IncidentEvidence(
            site_id=row.site_id,
            incident_id=row.id,
            taken_at=now,
            taken_by=t.by,
            path=str(t.path.resolve()),
            sha256=t.sha256,
            size=t.size,
            source_name=t.source_name,
            source_path=t.source_path,
            source_sha256=t.source_sha256,
            window_s=t.window_s,
            frames={"named": t.named, "copied": t.copied},
        )
    )
