"""What every rule sees: the event hooks, and the state shared between rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from plantwarden.detect.convkey import ConvKey
from plantwarden.detect.known import Known
from plantwarden.detect.model import Finding, FindingSeries, RuleInfo, Severity
from plantwarden.detect.ops import INDUSTRIAL as INDUSTRIAL
from plantwarden.detect.opstate import OpState
from plantwarden.detect.sitectx import SiteContext
from plantwarden.net.flows import Flow
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Anomaly, Identity, Operation

NS = 1e9
REMOTE_ACCESS = frozenset({"ssh", "rdp", "vnc", "teamviewer", "anydesk", "telnet"})


@dataclass
class Shared:
    """State every rule reads: the baseline (None: baseline rules are off), the site, the sink."""

    site: SiteContext
    report: Callable[[Finding], None]
    report_series: Callable[[FindingSeries], None]
    known: Known | None = None
    opstate: OpState | None = None  # per-request state of the sequence and polling rules
    capture: str = ""
    now_ns: int = 0
    last_frame: int = 0
    conv: ConvKey | None = None  # the current packet's conversation (client, server, transport, port)
    answered: bool = False  # the packet shows the conversation exists: not a bare SYN, not a RST
    ot_hosts: set[str] = field(default_factory=set)  # hosts seen speaking an industrial protocol

    def is_ot(self, address: str) -> bool:
        if address in self.ot_hosts or self.site.is_ot_asset(address) or self.site.is_ot_zone(address):
            return True
        return self.known is not None and address in self.known.ot_hosts


class Rule:
    """A family of detections; subclasses override the hooks they need."""

    infos: tuple[RuleInfo, ...] = ()

    def __init__(self, shared: Shared) -> None:
        self.shared = shared

    def fire(
        self,
        info: RuleInfo,
        src: str,
        dst: str,
        frame: int,
        ts_ns: int,
        detail: str,
        severity: Severity | None = None,
        learn: dict[str, Any] | None = None,
    ) -> None:
        s = self.shared
        s.report(Finding(info, src, dst, s.capture, frame, ts_ns / NS, detail, severity, learn))

    def fire_series(
        self, info: RuleInfo, src: str, dst: str, capture: str, ts: list[float], frames: list[int],
        detail: Callable[[int], str],
    ) -> None:
        """``fire`` once per frame (``frames[i]`` at ``ts[i]`` seconds, in time order, detail
        ``detail(i)``), in ``capture``."""
        self.shared.report_series(FindingSeries(info, src, dst, capture, ts, frames, detail))

    def on_packet(self, pkt: Packet) -> None:
        return None

    def on_operation(self, op: Operation) -> None:
        return None

    def on_anomaly(self, anomaly: Anomaly) -> None:
        return None

    def on_identity(self, identity: Identity) -> None:
        return None

    def on_flow_end(self, flow: Flow) -> None:
        return None

    def finish(self) -> None:
        return None


class Bursts:
    """Reports a key again only after it was quiet for ``gap_s``: one detection per burst."""

    def __init__(self, gap_s: float = 5.0, limit: int = 100_000) -> None:
        self.gap_ns = int(gap_s * NS)
        self.last: dict[object, int] = {}
        self.limit = limit

    def fresh(self, key: object, ts_ns: int) -> bool:
        last = self.last.get(key)
        if len(self.last) >= self.limit:
            self.last.clear()
        self.last[key] = ts_ns
        return last is None or ts_ns - last > self.gap_ns


class Window:
    """Distinct items per key within a sliding time window (scan counting)."""

    def __init__(self, window_s: float) -> None:
        self.window_ns = int(window_s * NS)
        self.items: dict[object, dict[object, int]] = {}

    def add(self, key: object, item: object, ts_ns: int) -> int:
        seen = self.items.setdefault(key, {})
        seen[item] = ts_ns
        if len(seen) > 64:
            cutoff = ts_ns - self.window_ns
            for old in [i for i, t in seen.items() if t < cutoff]:
                del seen[old]
        return sum(1 for t in seen.values() if ts_ns - t <= self.window_ns)
