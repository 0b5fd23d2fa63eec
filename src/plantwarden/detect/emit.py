"""The decoders' output to the detector, next to the analysis collector (one pass for both)."""

from __future__ import annotations

from collections.abc import Callable

from plantwarden.detect.engine import Detector
from plantwarden.protocols.base import Anomaly, Emitter, Identity, Operation, PointValue


class DetectorEmitter:
    """The decoders' output, to the detector, in the analysis pass (detect.stream.Runner is
    detection's own pass; flow ends reach the detector only there: no rule reads them yet)."""

    def __init__(self, detector: Detector, before_request: Callable[[], None] | None = None) -> None:
        self.detector = detector
        self.before_request = before_request

    def operation(self, op: Operation) -> None:
        if self.before_request is not None and op.request is not False:
            self.before_request()  # fast.detecting: the kernel's records before it
        self.detector.observe_operation(op)

    def anomaly(self, anomaly: Anomaly) -> None:
        self.detector.observe_anomaly(anomaly)

    def identity(self, identity: Identity) -> None:
        self.detector.observe_identity(identity)

    def value(self, value: PointValue) -> None:
        return None


class Tee:
    """One emitter that feeds two (the analysis collector and the detector)."""

    def __init__(self, first: Emitter, second: Emitter) -> None:
        self.first, self.second = first, second

    def operation(self, op: Operation) -> None:
        self.first.operation(op)
        self.second.operation(op)

    def anomaly(self, anomaly: Anomaly) -> None:
        self.first.anomaly(anomaly)
        self.second.anomaly(anomaly)

    def identity(self, identity: Identity) -> None:
        self.first.identity(identity)
        self.second.identity(identity)

    def value(self, value: PointValue) -> None:
        self.first.value(value)
        self.second.value(value)
