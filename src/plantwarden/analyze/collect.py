"""Aggregates what the engine and the decoders report, in memory bounded by what the
capture contains (hosts, conversations, points), never by its length.

Points are kept up to :data:`MAX_POINTS` distinct ones: a capture that reads many ranges
(5.9 million distinct registers in the 10 M plant capture on the pure-Python engine) would
otherwise make a document of a gigabyte, more than the store can hold in one value. The
values of further points are counted (``points_not_kept``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from plantwarden.net.flows import Flow
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Anomaly, Identity, Operation, PointValue

MAX_ANOMALY_RECORDS = 10_000
MAX_POINTS = 100_000  # distinct (proto, device, point): about 18 MB of JSON
NS = 1_000_000_000


@dataclass(slots=True)
class Span:
    count: int
    first_ns: int
    last_ns: int

    def hit(self, ts_ns: int, n: int = 1) -> None:
        self.count += n
        self.last_ns = max(self.last_ns, ts_ns)
        self.first_ns = min(self.first_ns, ts_ns)


@dataclass(slots=True)
class PointStats:
    reads: int = 0
    writes: int = 0
    last_read: object = None
    last_written: object = None
    minimum: float | None = None
    maximum: float | None = None
    last_ns: int = 0

    def add(self, v: PointValue) -> None:
        if v.access == "write":
            self.writes += 1
            self.last_written = v.value
        else:
            self.reads += 1
            self.last_read = v.value
        self.last_ns = v.ctx.ts_ns
        if isinstance(v.value, int | float) and not isinstance(v.value, bool):
            x = float(v.value)
            self.minimum = x if self.minimum is None else min(self.minimum, x)
            self.maximum = x if self.maximum is None else max(self.maximum, x)


@dataclass(slots=True)
class Binding:
    """An (Ethernet source, outer IP source) pair as frames showed it."""

    packets: int
    first_frame: int
    first_ns: int
    last_ns: int


# Non-IP ethertypes worth naming when counting what a capture holds (IEEE registry).
INDUSTRIAL_ETHERTYPES = {
    0x8892: "profinet",
    0x88B8: "goose",
    0x88BA: "sampled_values",
    0x88A4: "ethercat",
    0x88AB: "powerlink",
    0x88F7: "ptp",
    0x88CC: "lldp",
    0x0806: "arp",
    0x88E3: "mrp",
    0x8100: "vlan",
    0x0000: "llc",  # 802.3 length field: LLC (STP, CDP)
}


@dataclass(slots=True)
class EdgeStats:
    flows: int = 0
    packets: int = 0
    bytes: int = 0
    first_ns: int = 0
    last_ns: int = 0


@dataclass
class Collector:
    """Implements :class:`plantwarden.protocols.base.Emitter` and counts packets and hosts."""

    packets: int = 0
    bytes: int = 0
    first_ns: int | None = None
    last_ns: int | None = None
    macs: set[str] = field(default_factory=set)
    ipv4: set[str] = field(default_factory=set)
    ipv6: set[str] = field(default_factory=set)
    l2_notes: Counter[str] = field(default_factory=Counter)
    conversations: dict[tuple[str, str, str, str], Span] = field(default_factory=dict)
    conversation_classes: dict[tuple[str, str, str, str], Counter[str]] = field(default_factory=dict)
    bindings: dict[tuple[str, str], Binding] = field(default_factory=dict)
    ethertypes: Counter[int] = field(default_factory=Counter)
    codes: dict[str, Counter[str]] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    op_classes: Counter[tuple[str, str]] = field(default_factory=Counter)
    anomalies: list[Anomaly] = field(default_factory=list)
    anomaly_counts: Counter[str] = field(default_factory=Counter)
    identities: dict[tuple[str, str, tuple[tuple[str, str], ...]], Identity] = field(default_factory=dict)
    points: dict[tuple[str, str, str], PointStats] = field(default_factory=dict)
    points_not_kept: int = 0  # values of points beyond the first MAX_POINTS
    edges: dict[tuple[str, str, str, int, str], EdgeStats] = field(default_factory=dict)
    flow_count: Counter[str] = field(default_factory=Counter)

    # -- packets ---------------------------------------------------------------------
    def packet(self, pkt: Packet) -> None:
        self.packets += 1
        self.bytes += pkt.wire_len
        if self.first_ns is None:
            self.first_ns = pkt.ts_ns
        self.last_ns = pkt.ts_ns
        if pkt.eth_src is not None:
            self.macs.add(pkt.eth_src)
        if pkt.eth_dst is not None:
            self.macs.add(pkt.eth_dst)
        if pkt.ip_version == 4:
            self.ipv4.add(pkt.ip_src or "")
            self.ipv4.add(pkt.ip_dst or "")
        elif pkt.ip_version == 6:
            self.ipv6.add(pkt.ip_src or "")
            self.ipv6.add(pkt.ip_dst or "")
        elif pkt.ethertype is not None:
            self.ethertypes[pkt.ethertype] += 1
        if pkt.ip_version and pkt.eth_src is not None and pkt.ip_src is not None:
            self._bind(pkt.eth_src, pkt.ip_src, pkt)
        for note in pkt.notes:
            self.l2_notes[note] += 1

    def _bind(self, mac: str, ip: str, pkt: Packet) -> None:
        b = self.bindings.get((mac, ip))
        if b is None:
            self.bindings[(mac, ip)] = Binding(1, pkt.frame, pkt.ts_ns, pkt.ts_ns)
        else:
            b.packets += 1
            b.last_ns = pkt.ts_ns

    def flow_ended(self, flow: Flow) -> None:
        key = (flow.client, flow.server, flow.transport, flow.server_port, flow.proto)
        e = self.edges.get(key)
        if e is None:
            e = self.edges[key] = EdgeStats(first_ns=flow.first_ns, last_ns=flow.last_ns)
        e.flows += 1
        e.packets += flow.packets[0] + flow.packets[1]
        e.bytes += flow.bytes[0] + flow.bytes[1]
        e.first_ns = min(e.first_ns, flow.first_ns)
        e.last_ns = max(e.last_ns, flow.last_ns)
        self.flow_count[flow.transport] += 1

    # -- Emitter ---------------------------------------------------------------------
    def operation(self, op: Operation) -> None:
        ctx = op.ctx
        key = (ctx.src, ctx.dst, op.proto, op.code)
        span = self.conversations.get(key)
        if span is None:
            self.conversations[key] = Span(1, ctx.ts_ns, ctx.ts_ns)
            self.conversation_classes[key] = Counter()
        else:
            span.hit(ctx.ts_ns)
        self.conversation_classes[key][op.op_class.value] += 1
        codes = self.codes.get(op.proto)
        if codes is None:
            codes = self.codes[op.proto] = Counter()
        codes[op.code] += 1
        self.names.setdefault((op.proto, op.code), op.name)
        self.op_classes[(op.proto, op.op_class.value)] += 1

    def anomaly(self, anomaly: Anomaly) -> None:
        self.anomaly_counts[anomaly.name] += 1
        if len(self.anomalies) < MAX_ANOMALY_RECORDS:
            self.anomalies.append(anomaly)

    def identity(self, identity: Identity) -> None:
        key = (identity.address, identity.proto, tuple(sorted(identity.fields.items())))
        self.identities.setdefault(key, identity)

    def value(self, value: PointValue) -> None:
        key = (value.proto, value.device, value.point)
        stats = self.points.get(key)
        if stats is None:
            if len(self.points) >= MAX_POINTS:
                self.points_not_kept += 1
                return
            stats = self.points[key] = PointStats()
        stats.add(value)

    # -- output ----------------------------------------------------------------------
    def sections(self) -> dict[str, Any]:
        """The JSON sections this collector owns (see docs/analyze-json.md)."""
        return {
            "hosts": {
                "mac": sorted(self.macs),
                "ipv4": sorted(self.ipv4),
                "ipv6": sorted(self.ipv6),
                "bindings": [
                    {
                        "mac": m,
                        "ip": ip,
                        "packets": b.packets,
                        "first_frame": b.first_frame,
                        "first_ts": b.first_ns / NS,
                        "last_ts": b.last_ns / NS,
                    }
                    for (m, ip), b in sorted(self.bindings.items())
                ],
            },
            "ethertypes": {
                INDUSTRIAL_ETHERTYPES.get(t, f"0x{t:04x}"): n for t, n in sorted(self.ethertypes.items())
            },
            "protocols": {
                proto: {
                    "pdus": sum(c.values()),
                    "codes": {
                        code: {"count": n, "name": self.names[(proto, code)]} for code, n in sorted(c.items())
                    },
                    "op_classes": {cls: n for (p, cls), n in sorted(self.op_classes.items()) if p == proto},
                }
                for proto, c in sorted(self.codes.items())
            },
            "conversations": self._conversation_rows(),
            "anomalies": [
                {
                    "name": a.name,
                    "frame": a.ctx.frame,
                    "ts": a.ctx.ts_ns / NS,
                    "src": a.ctx.src,
                    "dst": a.ctx.dst,
                    "flow_id": a.ctx.flow_id,
                    "detail": a.detail,
                }
                for a in self.anomalies
            ],
            "anomaly_counts": dict(sorted(self.anomaly_counts.items())),
            "identities": [
                {
                    "address": i.address,
                    "proto": i.proto,
                    "frame": i.ctx.frame,
                    "ts": i.ctx.ts_ns / NS,
                    "fields": i.fields,
                }
                for i in self.identities.values()
            ],
            "points": self._point_rows(),
            "points_not_kept": self.points_not_kept,
            "edges": [
                {
                    "client": c,
                    "server": s,
                    "transport": t,
                    "port": port,
                    "proto": p,
                    "flows": e.flows,
                    "packets": e.packets,
                    "bytes": e.bytes,
                    "first_ts": e.first_ns / NS,
                    "last_ts": e.last_ns / NS,
                }
                for (c, s, t, port, p), e in sorted(self.edges.items())
            ],
            "decode_notes": dict(sorted(self.l2_notes.items())),
        }

    # The two sections that grow with the capture (a hundred thousand rows on a long one):
    # sorted by key alone (faster than sorting (key, value) pairs; keys are unique).
    def _conversation_rows(self) -> list[dict[str, Any]]:
        spans, classes = self.conversations, self.conversation_classes
        rows = []
        for key in sorted(spans):
            s, d, p, c = key
            sp = spans[key]
            rows.append(
                {
                    "src": s,
                    "dst": d,
                    "proto": p,
                    "code": c,
                    "count": sp.count,
                    "first_ts": sp.first_ns / NS,
                    "last_ts": sp.last_ns / NS,
                    "op_classes": dict(sorted(classes[key].items())),
                }
            )
        return rows

    def _point_rows(self) -> list[dict[str, Any]]:
        points = self.points
        rows = []
        for key in sorted(points):
            p, dev, pt = key
            st = points[key]
            rows.append(
                {
                    "proto": p,
                    "device": dev,
                    "point": pt,
                    "reads": st.reads,
                    "writes": st.writes,
                    "last_read": st.last_read,
                    "last_written": st.last_written,
                    "min": st.minimum,
                    "max": st.maximum,
                    "last_ts": st.last_ns / NS,
                }
            )
        return rows
