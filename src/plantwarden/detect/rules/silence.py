"""A known device that stops answering while its clients keep trying (loss of view).

Behaviour, not timing of a learned symbol: a client of a baselined conversation opens
connections to it (bare SYNs to the learned server port; TCP retransmits an unanswered SYN
after its initial retransmission timeout of 1 s, RFC 6298 2.1 and 5.5), or asks for its address
by ARP (RFC 826) because the entry expired, and nothing at all comes back from the device
(no SYN-ACK, no RST, no ARP reply, no packet to anyone) for :data:`ANSWER_S` over at least
:data:`MIN_ATTEMPTS` attempts. One alert per silence; any packet from the device ends it.
"""

from __future__ import annotations

from dataclasses import dataclass

from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.rules.base import NS, Rule, Shared
from plantwarden.net.packet import TCP_ACK, TCP_SYN, Packet
from plantwarden.protocols.base import Operation

ANSWER_S = 3.0
MIN_ATTEMPTS = 3
MAX_PENDING = 10_000

SILENT = RuleInfo(
    "device-silent",
    "Known device stopped answering (loss of view)",
    Severity.HIGH,
    ("T0829", "T0826"),
    "Ask operators whether the station still works and whether the HMI shows it; check the "
    "device's power, link and switch port on site; do not power-cycle a controller without the "
    "process owner; keep its spare or redundant partner ready.",
    needs_baseline=True,
)


@dataclass(slots=True)
class Attempts:
    """Unanswered attempts to reach one device since its last packet."""

    client: str
    first_ns: int
    first_frame: int
    count: int = 0
    how: str = ""
    fired: bool = False


class SilenceRules(Rule):
    infos = (SILENT,)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.pending: dict[str, Attempts] = {}
        self._how: dict[tuple[str, int], str] = {}  # (transport, port) -> its attempt's text

    def on_packet(self, pkt: Packet) -> None:
        self.packet(pkt.ip_src, pkt.ip_dst, pkt.tcp_flags, pkt.frame, pkt.ts_ns)

    def packet(self, src: str | None, dst: str | None, flags: int, frame: int, ts_ns: int) -> None:
        """:meth:`on_packet` given the packet's fields (the fast engine's packet events)."""
        if src is not None:
            self.pending.pop(src, None)
        conv = self.shared.conv
        known = self.shared.known
        if conv is None or known is None or flags & (TCP_SYN | TCP_ACK) != TCP_SYN:
            return
        if conv in known.conversations and dst == conv[1]:
            how = self._how.get(conv[2:])
            if how is None:
                how = self._how[conv[2:]] = f"connection to {conv[2]}/{conv[3]}"
            self._attempt(conv[0], conv[1], frame, ts_ns, how)

    def on_operation(self, op: Operation) -> None:
        if op.proto != "arp":
            return
        sender, target = str(op.details.get("sender_ip", "")), str(op.details.get("target_ip", ""))
        self.pending.pop(sender, None)
        if op.request is not True:
            return
        known = self.shared.known
        if known is None or op.details.get("gratuitous") or target not in known.talkers:
            return
        if (sender, target) in known.protos or (target, sender) in known.protos:
            self._attempt(sender, target, op.ctx.frame, op.ctx.ts_ns, "ARP request")

    def _attempt(self, client: str, server: str, frame: int, ts_ns: int, how: str) -> None:
        entry = self.pending.get(server)
        if entry is None:
            if len(self.pending) >= MAX_PENDING:
                self.pending.clear()
            entry = self.pending[server] = Attempts(client, ts_ns, frame)
        entry.count += 1
        if how not in entry.how:
            entry.how = f"{entry.how}, {how}" if entry.how else how
        quiet = (ts_ns - entry.first_ns) / NS
        if not entry.fired and entry.count >= MIN_ATTEMPTS and quiet >= ANSWER_S:
            entry.fired = True
            detail = (
                f"{server} silent for {quiet:.0f} s: {entry.count} unanswered attempts of "
                f"{entry.client} ({entry.how})"
            )
            self.fire(SILENT, entry.client, server, entry.first_frame, entry.first_ns, detail)
