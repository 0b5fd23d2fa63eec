"""Scans and sweeps: ports, hosts, ARP targets, unit ids, identity requests.

Counted per source over a sliding window of :data:`WINDOW_S` seconds, on targets the
baseline does not already show the source talking to (an HMI polling its known PLCs never
counts). Thresholds are the number of distinct targets.
"""

from __future__ import annotations

from plantwarden.detect import ops
from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.rules.base import INDUSTRIAL, Rule, Shared, Window
from plantwarden.net.packet import IPPROTO_TCP, TCP_ACK, TCP_SYN, Packet
from plantwarden.protocols.base import Identity, Operation

WINDOW_S = 60.0
PORTS = 10  # distinct ports on one host
HOSTS = 8  # distinct hosts
ARP_TARGETS = 16
UNITS = 8
IDENTITIES = 5

FIND = "Find the scanning host and its owner (inventory tools and engineering stations scan too); "
CONTAIN = (
    "if unexpected, block it at the conduit firewall or switch port; "
    "never scan back into the control network."
)

PORT_SCAN = RuleInfo("port-scan", "Port scan", Severity.HIGH, ("T0846",), FIND + CONTAIN)
HOST_SWEEP = RuleInfo("host-sweep", "Host sweep", Severity.HIGH, ("T0846",), FIND + CONTAIN)
ARP_SWEEP = RuleInfo("arp-sweep", "ARP sweep", Severity.MEDIUM, ("T0846", "T0842"), FIND + CONTAIN)
UNIT_SWEEP = RuleInfo("unit-id-sweep", "Unit id sweep", Severity.HIGH, ("T0846", "T0888"), FIND + CONTAIN)
IDENTITY_SWEEP = RuleInfo(
    "identity-sweep", "Device identity sweep", Severity.MEDIUM, ("T0888",), FIND + CONTAIN
)


class ScanRules(Rule):
    infos = (PORT_SCAN, HOST_SWEEP, ARP_SWEEP, UNIT_SWEEP, IDENTITY_SWEEP)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.ports = Window(WINDOW_S)
        self.hosts = Window(WINDOW_S)
        self.arp = Window(WINDOW_S)
        self.units = Window(WINDOW_S)
        self.idents = Window(WINDOW_S)
        self.fired: set[tuple[str, str, str]] = set()

    def _once(self, info: RuleInfo, src: str, dst: str, frame: int, ts: int, detail: str) -> None:
        if (info.name, src, dst) not in self.fired:
            self.fired.add((info.name, src, dst))
            self.fire(info, src, dst, frame, ts, detail)

    def on_packet(self, pkt: Packet) -> None:
        if pkt.ip_proto != IPPROTO_TCP or pkt.tcp_flags & (TCP_SYN | TCP_ACK) != TCP_SYN:
            return
        src, dst, port = pkt.ip_src or "", pkt.ip_dst or "", pkt.dport or 0
        known = self.shared.known
        if known is not None and (src, dst, "tcp", port) in known.conversations:
            return
        n = self.ports.add((src, dst), port, pkt.ts_ns)
        if n >= PORTS:
            self._once(
                PORT_SCAN, src, dst, pkt.frame, pkt.ts_ns, f"{n} ports of {dst} within {WINDOW_S:.0f} s"
            )
        n = self.hosts.add(src, dst, pkt.ts_ns)
        if n >= HOSTS:
            self._once(HOST_SWEEP, src, "*", pkt.frame, pkt.ts_ns, f"{n} hosts within {WINDOW_S:.0f} s")

    def on_operation(self, op: Operation) -> None:
        if op.proto == "arp":
            self._arp(op)
            return
        unit = ops.unit(op)
        if unit is None or not ops.is_request(op):
            return
        client, server, proto = ops.channel(op)
        known = self.shared.known
        if known is not None:
            ch = known.channels.get((client, server, proto))
            if ch is not None and any(unit in c.units for c in ch.codes):
                return
        n = self.units.add((client, server), unit, op.ctx.ts_ns)
        if n >= UNITS:
            detail = f"{n} unit ids on {server} within {WINDOW_S:.0f} s"
            self._once(UNIT_SWEEP, client, server, op.ctx.frame, op.ctx.ts_ns, detail)

    def _arp(self, op: Operation) -> None:
        if op.request is not True or op.details.get("gratuitous"):
            return
        sender, target = str(op.details.get("sender_ip", "")), str(op.details.get("target_ip", ""))
        known = self.shared.known
        if known is not None and target in known.talkers:
            return
        n = self.arp.add(sender, target, op.ctx.ts_ns)
        if n >= ARP_TARGETS:
            detail = f"{n} unknown addresses asked for within {WINDOW_S:.0f} s"
            self._once(ARP_SWEEP, sender, "*", op.ctx.frame, op.ctx.ts_ns, detail)

    def on_identity(self, identity: Identity) -> None:
        if identity.proto not in INDUSTRIAL or identity.fields.get("role") == "client":
            return  # a client describing itself as it opens a session (OPC UA) answers nobody
        asker = identity.ctx.dst
        known = self.shared.known
        if known is not None and (asker, identity.address) in known.protos:
            return  # a device the asker talks to in the baseline (a historian's OPC UA servers)
        n = self.idents.add(asker, identity.address, identity.ctx.ts_ns)
        if n >= IDENTITIES:
            detail = f"{n} devices answered {identity.proto} identity requests within {WINDOW_S:.0f} s"
            self._once(IDENTITY_SWEEP, asker, "*", identity.ctx.frame, identity.ctx.ts_ns, detail)
