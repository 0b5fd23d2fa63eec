"""Malformed or unexpected PDUs the decoders named (``<proto>.<what>``)."""

from __future__ import annotations

from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.rules.base import INDUSTRIAL, Bursts, Rule, Shared
from plantwarden.protocols.base import Anomaly

#: Names that a capture's own edges produce (a response whose request fell before the
#: capture started) rather than the traffic: not alerts on their own.
CAPTURE_ARTIFACTS = ("response_without_request",)

MALFORMED = RuleInfo(
    "malformed-pdu",
    "Malformed industrial protocol message",
    Severity.MEDIUM,
    ("T0866", "T0814"),
    "Malformed requests to a controller can be fuzzing or exploit attempts: find the sender, "
    "check the device's diagnostics buffer with its owner, and block the sender at the conduit "
    "if it is not a known (possibly faulty) master.",
)
MALFORMED_IT = RuleInfo(
    "malformed-it-pdu",
    "Malformed IT protocol message",
    Severity.LOW,
    ("T0866",),
    "Check the sender for exploit tools or a faulty stack; block it at the conduit if unexplained.",
)


class AnomalyRules(Rule):
    infos = (MALFORMED, MALFORMED_IT)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.bursts = Bursts(gap_s=60.0)

    def on_anomaly(self, anomaly: Anomaly) -> None:
        proto, _, what = anomaly.name.partition(".")
        if what in CAPTURE_ARTIFACTS:
            return
        ctx = anomaly.ctx
        if not self.bursts.fresh((anomaly.name, ctx.src, ctx.dst), ctx.ts_ns):
            return
        info = MALFORMED if proto in INDUSTRIAL or proto == "cotp" else MALFORMED_IT
        detail = f"{anomaly.name}: {anomaly.detail}" if anomaly.detail else anomaly.name
        self.fire(info, ctx.src, ctx.dst, ctx.frame, ctx.ts_ns, detail)
