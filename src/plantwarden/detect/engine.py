"""The detector: consumes the per-PDU stream in capture order and returns alerts.

The API the analysis pass calls (``analyze_capture(..., detector=...)``; the fast engine
adds ``observe_known_tcp``, ``observe_tick``, ``observe_clock`` and the kernel's findings) and
detection's own pass (:mod:`plantwarden.detect.stream`, for learning): ``observe_packet``,
``observe_operation``, ``observe_anomaly``, ``observe_identity``, ``observe_flow_end`` (own
pass only), then ``finish() -> list[Alert]``. Rules that compare with a baseline
(``RuleInfo.needs_baseline``) stay silent while no baseline is set.
"""

from __future__ import annotations

from plantwarden.detect.alerts import AlertBook, ImpactFn, MuteCheck
from plantwarden.detect.baseline import Baseline
from plantwarden.detect.compiled import Tables
from plantwarden.detect.convkey import ConvKey, Orienter
from plantwarden.detect.known import Known
from plantwarden.detect.model import Alert, Finding, FindingSeries
from plantwarden.detect.ops import ChannelKey
from plantwarden.detect.opstate import OpState
from plantwarden.detect.rules import all_rules
from plantwarden.detect.rules.base import INDUSTRIAL, Shared
from plantwarden.detect.rules.deviation import DeviationRules
from plantwarden.detect.rules.polling import PollingRules
from plantwarden.detect.rules.silence import SilenceRules
from plantwarden.detect.sitectx import SiteContext
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.flows import Flow
from plantwarden.net.packet import TCP_ACK, TCP_RST, TCP_SYN, Packet
from plantwarden.protocols.base import Anomaly, Identity, Operation
from plantwarden.protocols.registry import SPECS
from plantwarden.site.model import SiteModel

MAX_OT_HOSTS = 100_000


class Detector:
    def __init__(
        self,
        baseline: Baseline | Known | Tables | None = None,
        site: SiteModel | None = None,
        muted: MuteCheck | None = None,
        impact: ImpactFn | None = None,
        index: ProtocolIndex | None = None,
    ) -> None:
        self.site = SiteContext(site)
        self.book = AlertBook(self.site, muted)
        self.shared = Shared(site=self.site, report=self._report, report_series=self._report_series)
        self.orienter = Orienter(index or ProtocolIndex(SPECS))
        self.rules = all_rules(self.shared)
        self.polling = next(r for r in self.rules if isinstance(r, PollingRules))
        self.deviation = next(r for r in self.rules if isinstance(r, DeviationRules))
        self.silence = next(r for r in self.rules if isinstance(r, SilenceRules))
        self.impact = impact
        self.findings = 0
        # what reached the rules from the fast engine's kernel (fast.detecting): request
        # records, packet events, clock ticks; all 0 after a pure-Python pass
        self.kernel: dict[str, int] = {"records": 0, "packets": 0, "ticks": 0}
        if baseline is not None:
            self.set_baseline(baseline)

    def set_baseline(self, baseline: Baseline | Known | Tables) -> None:
        """Compare with ``baseline``: a model, its tables already read (``Known``, which the
        detector then owns: its periods move into the OpState's arrays), or those tables with
        their state already built (``Tables``, as a stored baseline is read: detect.compiled)."""
        if isinstance(baseline, Tables):
            known, state = baseline
        else:
            known = baseline if isinstance(baseline, Known) else Known.of(baseline)
            state = OpState(known)
            known.periods = {}  # OpState holds what the rules read of them (PeriodInfo)
        self.shared.known = known
        self.shared.opstate = state
        self.orienter.known = known.conversations

    def begin_capture(self, name: str) -> None:
        self.shared.capture = name

    def _report(self, finding: Finding) -> None:
        self.findings += 1
        self.book.add(finding)

    def _report_series(self, series: FindingSeries) -> None:
        self.findings += len(series.frames)
        self.book.add_series(series)

    # -- the stream ----------------------------------------------------------------
    def observe_packet(self, pkt: Packet) -> None:
        self._at(pkt.ts_ns, pkt.frame, self.orienter.key(pkt), pkt.tcp_flags)
        for rule in self.rules:
            rule.on_packet(pkt)

    def _at(self, ts_ns: int, frame: int, conv: ConvKey | None, flags: int) -> None:
        """What the rules read of the packet being shown: the clock and its conversation."""
        shared = self.shared
        shared.now_ns, shared.last_frame, shared.conv = ts_ns, frame, conv
        shared.answered = not (flags & TCP_RST or flags & (TCP_SYN | TCP_ACK) == TCP_SYN)

    def observe_known_tcp(
        self, frame: int, ts_ns: int, src: str, dst: str, sport: int, dport: int, flags: int
    ) -> None:
        """A TCP packet of a baselined conversation that only the silence rule and the clock
        need (the fast engine's kernel says so: a SYN, SYN-ACK or RST, or the first packet of
        a host that was tried, on a flow the zone rules do not speak for, from a MAC-IP pair
        already shown). Every other rule's ``on_packet`` is a no-op on such a packet."""
        self._at(ts_ns, frame, self.orienter.key_of(src, dst, sport, dport, "tcp", flags), flags)
        self.polling.tick(ts_ns, frame)
        self.silence.packet(src, dst, flags, frame, ts_ns)

    def observe_clock(self, ts_ns: int, frame: int) -> None:
        """The capture's clock without a packet for the rules (the fast engine's kernel)."""
        self.shared.now_ns = ts_ns
        self.shared.last_frame = frame

    def observe_tick(self, ts_ns: int, frame: int) -> None:
        """The fast engine's clock event: the polling rules check for stopped polling."""
        self.observe_clock(ts_ns, frame)
        self.polling.tick(ts_ns, frame)

    def sequence_finding(self, key: ChannelKey, frame: int, ts_ns: int, prev: str, sym: str) -> None:
        """The fast engine's kernel found a request sequence the baseline never saw."""
        self.deviation.new_transition(key, frame, ts_ns, prev, sym)

    def period_finding(self, period: int, median_s: float, frame: int, ts_ns: int) -> None:
        state = self.shared.opstate
        assert state is not None
        self.polling.off_period(state, period, median_s, frame, ts_ns)

    def observe_operation(self, op: Operation) -> None:
        if op.proto in INDUSTRIAL and len(self.shared.ot_hosts) < MAX_OT_HOSTS:
            self.shared.ot_hosts.update((op.ctx.src, op.ctx.dst))
        for rule in self.rules:
            rule.on_operation(op)

    def observe_anomaly(self, anomaly: Anomaly) -> None:
        for rule in self.rules:
            rule.on_anomaly(anomaly)

    def observe_identity(self, identity: Identity) -> None:
        for rule in self.rules:
            rule.on_identity(identity)

    def observe_flow_end(self, flow: Flow) -> None:
        for rule in self.rules:
            rule.on_flow_end(flow)

    def release(self) -> None:
        """After :meth:`finish`: let go of the baseline's tables and the per-request state
        (tens of MiB), which nothing reads any more (``analyze`` does this before it forks its
        store import, so that the child does not share them; see cli.analyze_cmd)."""
        self.shared.known = None
        self.shared.opstate = None
        self.orienter.known = set()
        self.orienter.flows.clear()

    def finish(self) -> list[Alert]:
        for rule in self.rules:
            rule.finish()
        if self.impact is not None:
            self.book.attach_impact(self.impact)
        return sorted(self.book.alerts, key=lambda a: (a.first_ts, a.rule, a.src, a.dst))
