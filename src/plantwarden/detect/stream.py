"""Detection's own pass over captures: capture -> L2-L4 -> flows -> decoders -> detector.

Every packet, operation, anomaly, identity and flow end reaches the detector in capture
order (a packet before the PDUs it completes). With ``learn_for_s`` the first seconds of the
first capture (from its first packet) feed a :class:`Learner` instead; at the first packet
past that time the learned baseline is set and detection starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from plantwarden.analyze import engines
from plantwarden.capture.filehash import FileHash
from plantwarden.capture.source import open_capture
from plantwarden.detect.baseline import Baseline
from plantwarden.detect.engine import Detector
from plantwarden.detect.learn import Learner
from plantwarden.detect.model import Alert
from plantwarden.net.decode import Decoder
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.flows import Flow, FlowEngine
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Anomaly, Identity, Operation, PointValue
from plantwarden.protocols.registry import SPECS

NS = 1_000_000_000


@dataclass
class RunResult:
    alerts: list[Alert] = field(default_factory=list)
    learned: Baseline | None = None
    captures: list[str] = field(default_factory=list)
    packets: int = 0
    first_ts: float | None = None
    last_ts: float | None = None
    learned_until_frame: int = 0

    @classmethod
    def of_analyses(cls, docs: list[dict[str, Any]], alerts: list[Alert]) -> RunResult:
        """The run of a detector that rode the analysis of these documents."""
        firsts = [float(d["first_ts"]) for d in docs if d.get("first_ts") is not None]
        lasts = [float(d["last_ts"]) for d in docs if d.get("last_ts") is not None]
        return cls(
            alerts=alerts,
            captures=[str(d["name"]) for d in docs],
            packets=sum(int(d.get("packets") or 0) for d in docs),
            first_ts=min(firsts, default=None),
            last_ts=max(lasts, default=None),
        )


class Runner:
    """Feeds the stream to a learner (while learning) and then to the detector."""

    def __init__(
        self,
        detector: Detector | None,
        learner: Learner | None = None,
        learn_for_s: float | None = None,
        site_name: str | None = None,
    ) -> None:
        self.index = ProtocolIndex(SPECS)
        self.detector = detector
        self.learner = learner
        self.learn_for_ns = None if learn_for_s is None else int(learn_for_s * NS)
        self.site_name = site_name
        self.result = RunResult()
        self._start_ns: int | None = None
        self._learning = learner is not None

    # -- Emitter -------------------------------------------------------------------
    def operation(self, op: Operation) -> None:
        if self._learning:
            assert self.learner is not None
            self.learner.observe_operation(op)
        elif self.detector is not None:
            self.detector.observe_operation(op)

    def anomaly(self, anomaly: Anomaly) -> None:
        if not self._learning and self.detector is not None:
            self.detector.observe_anomaly(anomaly)

    def identity(self, identity: Identity) -> None:
        if not self._learning and self.detector is not None:
            self.detector.observe_identity(identity)

    def value(self, value: PointValue) -> None:
        return None

    def flow_end(self, flow: Flow) -> None:
        if not self._learning and self.detector is not None:
            self.detector.observe_flow_end(flow)

    # -- the pass ------------------------------------------------------------------
    def _packet(self, pkt: Packet) -> None:
        r = self.result
        r.packets += 1
        if self._start_ns is None:
            self._start_ns = pkt.ts_ns
            r.first_ts = pkt.ts_ns / NS
        r.last_ts = pkt.ts_ns / NS
        if (
            self._learning
            and self.learn_for_ns is not None
            and pkt.ts_ns - self._start_ns >= self.learn_for_ns
        ):
            self._stop_learning()
        if self._learning:
            assert self.learner is not None
            self.learner.observe_packet(pkt)
            r.learned_until_frame = pkt.frame
        elif self.detector is not None:
            self.detector.observe_packet(pkt)

    def _stop_learning(self) -> None:
        assert self.learner is not None
        self._learning = False
        self.result.learned = self.learner.baseline(self.site_name)
        if self.detector is not None:
            self.detector.set_baseline(self.result.learned)

    def run(self, path: str) -> None:
        """One capture; raises CaptureError when it is not a capture."""
        with open_capture(path) as source:
            name = os.path.basename(source.name) if path != "-" else "-"
            self.result.captures.append(name)
            if self.learner is not None and self._learning:
                self.learner.captures.append(name)
            if self.detector is not None:
                self.detector.begin_capture(name)
            engine = FlowEngine(name, self.index, self, on_end=self.flow_end)
            decoder = Decoder()
            for frame in source.frames():
                pkt = decoder.decode(frame)
                self._packet(pkt)
                engine.packet(pkt)
            engine.finish()

    def finish(self) -> RunResult:
        if self._learning and self.learner is not None:
            self._stop_learning()
        if self.detector is not None:
            self.result.alerts = self.detector.finish()
        return self.result


def detect_captures(
    paths: list[str],
    detector: Detector,
    learn_for_s: float | None = None,
    site_name: str | None = None,
    engine: str | None = None,
    first: FileHash | None = None,
) -> RunResult:
    """Run captures through the detector, learning the first ``learn_for_s`` seconds if given.

    With a baseline and nothing to learn, detection rides the analysis pass
    (:func:`detect_in_analysis`: the fast engine where the input allows it, ``engine`` as in
    ``analyze_capture``); learning, and a detector without a baseline, take this module's own
    Python pass (the kernel keeps only what a baseline names: docs/detection.md). ``first``:
    the SHA-256 of ``paths[0]``, if the caller started it already (capture.filehash).
    """
    if learn_for_s is None and detector.shared.opstate is not None:
        return detect_in_analysis(paths, detector, engine, first)[0]
    learner = Learner(ProtocolIndex(SPECS)) if learn_for_s is not None else None
    runner = Runner(detector, learner, learn_for_s, site_name)
    for path in paths:
        runner.run(path)
    return runner.finish()


def detect_in_analysis(
    paths: list[str], detector: Detector, engine: str | None = None, first: FileHash | None = None
) -> tuple[RunResult, list[dict[str, Any]]]:
    """Detection in the analysis pass of each capture; the run and the analysis documents.

    Raises CaptureError (from ``analyze_capture``) on the first input that is not a capture.
    """
    from plantwarden.analyze.pipeline import analyze_capture

    docs = [
        analyze_capture(path, engine=engine, detector=detector,
                        digest=first if i == 0 and first is not None and first.path == path else None).doc
        for i, path in enumerate(paths)
    ]
    return RunResult.of_analyses(docs, detector.finish()), docs


def learn_captures(paths: list[str], site_name: str | None = None, engine: str | None = None) -> Baseline:
    """A baseline learned from whole captures of known-good traffic.

    ``engine`` (or ``PLANTWARDEN_ENGINE``) as in ``analyze_capture``: ``fast`` (default)
    learns in the fast engine's pass (fast.learning: the same baseline), ``python`` in this
    module's own pass. Raises CaptureError on the first input that is not a capture."""
    choice = engines.choose(paths, engine)  # a small regular file: the pure-Python pass
    if choice == "fast":
        from plantwarden.fast.learning import learn_fast

        return learn_fast(paths, site_name)
    runner = Runner(None, Learner(ProtocolIndex(SPECS)), None, site_name)
    for path in paths:
        runner.run(path)
    learned = runner.finish().learned
    assert learned is not None
    return learned
