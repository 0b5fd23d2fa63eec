"""``access check``: captures through the analysis' own L2-L4, flows and decoders, into the
session tracker; then every session held against the grants, the findings merged into
alerts by detection's alert book (evidence frames, severity by the site, production at risk).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from plantwarden.access.check import Verdict, check_sessions, keeper, marks
from plantwarden.access.grants import Grant
from plantwarden.access.sessions import Tracker
from plantwarden.capture.source import open_capture
from plantwarden.detect.alerts import AlertBook
from plantwarden.detect.model import Alert
from plantwarden.detect.sitectx import SiteContext
from plantwarden.net.decode import Decoder
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.flows import FlowEngine
from plantwarden.protocols.base import Anomaly, Identity, Operation, PointValue
from plantwarden.protocols.registry import SPECS
from plantwarden.site.model import SiteModel


class _Feed:
    """The decoders' output to the tracker (an Emitter)."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker

    def operation(self, op: Operation) -> None:
        self.tracker.operation(op)

    def anomaly(self, anomaly: Anomaly) -> None:
        return None

    def identity(self, identity: Identity) -> None:
        self.tracker.identity(identity)

    def value(self, value: PointValue) -> None:
        return None


def observe(paths: list[str], grants: list[Grant], model: SiteModel) -> Tracker:
    """The captures' sessions (raises CaptureError on a file that is not a capture)."""
    tracker = Tracker(marks(grants), keeper(model))
    index = ProtocolIndex(SPECS)
    for path in paths:
        with open_capture(path) as source:
            name = os.path.basename(source.name) if path != "-" else "-"
            tracker.begin_capture(name)
            engine = FlowEngine(name, index, _Feed(tracker))
            decoder = Decoder()
            for frame in source.frames():
                pkt = decoder.decode(frame)
                tracker.packet(pkt)
                engine.packet(pkt)
            engine.finish()
    return tracker


@dataclass
class CheckResult:
    verdicts: list[Verdict]
    alerts: list[Alert]

    def document(self) -> dict[str, Any]:
        return {
            "sessions": [v.as_dict() for v in self.verdicts],
            "alerts": [a.to_json() for a in self.alerts],
        }


def alerts_of(verdicts: list[Verdict], model: SiteModel, *, impact: bool = True) -> list[Alert]:
    book = AlertBook(SiteContext(model))
    for f in sorted((f for v in verdicts for f in v.findings), key=lambda f: (f.ts, f.frame)):
        book.add(f)
    if impact:
        from plantwarden.detect.impact import impact_fn

        book.attach_impact(impact_fn(model))
    return sorted(book.alerts, key=lambda a: (a.first_ts, a.rule, a.src, a.dst))


def check_captures(paths: list[str], model: SiteModel, grants: list[Grant]) -> CheckResult:
    sessions = observe(paths, grants, model).finish()
    verdicts = check_sessions(model, grants, sessions)
    return CheckResult(verdicts, alerts_of(verdicts, model))
