"""Run one capture through the whole engine and return its result document."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plantwarden import __version__, gcpause, jsonout
from plantwarden.analyze import engines
from plantwarden.analyze.collect import NS, Collector
from plantwarden.capture.filehash import FileHash
from plantwarden.capture.records import RawFrame
from plantwarden.capture.source import STDIN_NAME, CaptureSource, open_capture
from plantwarden.capture.stream import STREAM_CHUNK
from plantwarden.errors import CaptureError
from plantwarden.net.decode import Decoder
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.flows import FlowEngine
from plantwarden.protocols.base import Emitter
from plantwarden.protocols.registry import SPECS

if TYPE_CHECKING:
    from plantwarden.detect.engine import Detector

Progress = Callable[[int], None]  # called with bytes read so far


@dataclass
class CaptureResult:
    """Everything one capture showed; ``doc`` is its JSON form (docs/analyze-json.md)."""

    doc: dict[str, Any] = field(default_factory=dict)

    @property
    def conversations(self) -> list[dict[str, Any]]:
        convs: list[dict[str, Any]] = self.doc["conversations"]
        return convs

    @property
    def packets(self) -> int:
        return int(self.doc["packets"])


ENGINES = engines.ENGINES


def analyze_capture(
    path: Path | str,
    progress: Progress | None = None,
    engine: str | None = None,
    detector: Detector | None = None,
    digest: FileHash | None = None,
) -> CaptureResult:
    """Analyse one capture file (``-`` for stdin). Raises CaptureError if it is not a capture.

    ``engine`` (or the ``PLANTWARDEN_ENGINE`` environment variable): ``fast`` runs
    the numba kernel where the input allows it (pcap of Ethernet, or pcapng; gzip'd or not),
    ``python`` forces the pure-Python engine; neither named, a small regular file runs the
    pure-Python engine and anything else the fast one (``analyze.engines.choose``). A
    ``detector`` sees the capture in the same
    pass (the caller calls its ``finish`` after the last capture); the fast engine takes it
    only when it has a
    baseline, the pure-Python engine otherwise. ``digest`` is the file's SHA-256 if the
    caller started it already (capture.filehash: it runs in a thread from the start).
    """
    path = str(path)
    digest = digest if digest is not None else FileHash(path)
    choice = engines.choose([path], engine)
    if choice not in ENGINES:
        raise CaptureError(f"unknown engine {choice!r}; use one of {', '.join(ENGINES)}")
    if detector is not None and detector.shared.opstate is None:
        choice = "python"  # no baseline: nothing for the kernel to keep
    with gcpause.paused():
        return _analyze(path, progress, choice, detector, digest)


def _analyze(path: str, progress: Progress | None, choice: str, detector: Detector | None,
             digest: FileHash) -> CaptureResult:
    if choice == "fast":
        from plantwarden.fast.engine import analyze_fast

        fast = analyze_fast(path, progress, detector, digest)
        if isinstance(fast, dict):
            return _keyed(CaptureResult(fast))
        if fast is not None:  # stdin the kernel cannot read: its first bytes are already read
            stream = CaptureSource(STDIN_NAME, fast, STREAM_CHUNK)
            return _keyed(_analyze_python(path, progress, stream, detector=detector))
    return _keyed(_analyze_python(path, progress, None, detector=detector, digest=digest))


def _keyed(result: CaptureResult) -> CaptureResult:
    """Every document gets a ``sha256`` key: the file's, or for a stream (stdin, live) a hash
    of what the analysis found, so the store can keep it and re-importing it changes nothing.
    ``sha256_of`` says which (``file`` or ``analysis``)."""
    doc = result.doc
    if doc.get("sha256"):
        doc["sha256_of"] = "file"
        return result
    body = {k: v for k, v in doc.items() if k not in ("path", "sha256", "sha256_of")}
    doc["sha256"] = hashlib.sha256(jsonout.to_bytes(body, sort_keys=True)).hexdigest()
    doc["sha256_of"] = "analysis"
    return result


def analyze_live(source: CaptureSource, stop: Callable[[int], bool]) -> CaptureResult:
    """Analyse a live capture (``capture.source.live_capture``) until ``stop(frames)`` says so,
    or the user interrupts (Ctrl-C): what was seen until then is analysed and reported."""
    return _keyed(_analyze_python(source.name, None, source, stop))


def _analyze_python(
    path: str,
    progress: Progress | None,
    opened: CaptureSource | None,
    stop: Callable[[int], bool] | None = None,
    detector: Detector | None = None,
    digest: FileHash | None = None,
) -> CaptureResult:
    with opened or open_capture(path) as source:
        name = os.path.basename(source.name) if path != "-" else "-"
        if detector is not None:
            detector.begin_capture(name)
        collector = Collector()
        emit: Emitter = collector
        if detector is not None:
            from plantwarden.detect.emit import DetectorEmitter, Tee

            emit = Tee(collector, DetectorEmitter(detector))
        engine = FlowEngine(name, ProtocolIndex(SPECS), emit, on_end=collector.flow_ended)
        decoder = Decoder()
        frame: RawFrame
        try:
            for step, frame in enumerate(source.frames(), 1):
                pkt = decoder.decode(frame)
                collector.packet(pkt)
                if detector is not None:
                    detector.observe_packet(pkt)
                engine.packet(pkt)
                if progress is not None and step & 0x3FFF == 0:
                    progress(source.bytes_read)
                if stop is not None and stop(step):
                    break
        except KeyboardInterrupt:
            if stop is None:
                raise
        engine.finish()
        skipped = source.skipped.as_list()
        size = source.bytes_read
    if decoder.defrag.expired:
        skipped.append(
            {
                "reason": "ip_fragments_incomplete",
                "count": decoder.defrag.expired,
                "first_frame": 0,
                "detail": "fragmented datagrams never completed",
            }
        )
    doc: dict[str, Any] = {
        "name": name,
        "path": path,
        "sha256": digest.hexdigest() if digest is not None else None,
        "size": size,
        "plantwarden": __version__,
        "packets": collector.packets,
        "bytes": collector.bytes,
        "first_ts": collector.first_ns / NS if collector.first_ns is not None else None,
        "last_ts": collector.last_ns / NS if collector.last_ns is not None else None,
        "skipped": skipped,
        "flows": {
            "total": engine.total,
            "by_transport": dict(sorted(collector.flow_count.items())),
            "tcp_retransmissions": engine.retransmissions,
            "tcp_gaps": engine.gaps,
        },
        **collector.sections(),
        "sampling": {"engine": "python"},
    }
    return CaptureResult(doc)
