"""Remote sessions seen on the wire: one per TCP/UDP conversation of a remote-access tool, a
VPN, or an engineering protocol, with its start, end, bytes, identity hints and the
industrial operations it carried.

The tracker is fed what the analysis pass already produces: packets (L2-L4), the decoders'
operations and identity answers. A conversation is a session when its server port is a
remote-access, VPN or engineering port (:data:`PORTS`), or when a decoder recognised a
remote-access protocol on another port (``details["remote_access"]``); its first packet's
frame is the session's start (later for one recognised from its payload only). Telnet,
IPsec/IKE, OpenVPN and WireGuard are recognised by their registered ports alone.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from plantwarden.net.packet import IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_SYN, Packet
from plantwarden.protocols.base import Direction, Identity, Operation, PduContext

NS = 1_000_000_000
#: (transport, server port) -> session protocol (IANA registry; TeamViewer, AnyDesk: vendors' docs).
PORTS: dict[tuple[str, int], str] = {
    ("tcp", 22): "ssh",
    ("tcp", 23): "telnet",
    ("tcp", 3389): "rdp",
    ("udp", 3389): "rdp",
    **{("tcp", p): "vnc" for p in range(5900, 5911)},
    ("tcp", 5938): "teamviewer",
    ("udp", 5938): "teamviewer",
    ("tcp", 7070): "anydesk",
    ("tcp", 6568): "anydesk",
    ("udp", 500): "ipsec",
    ("udp", 4500): "ipsec",
    ("tcp", 1194): "openvpn",
    ("udp", 1194): "openvpn",
    ("udp", 51820): "wireguard",
    ("tcp", 102): "s7comm",
    ("tcp", 44818): "enip",
    ("tcp", 502): "modbus",
    ("tcp", 4840): "opcua",
}
ENGINEERING = frozenset({"s7comm", "enip", "modbus", "opcua"})
#: Decoders' protocol names -> session protocol.
OP_PROTOS = {"s7comm-plus": "s7comm", "cip": "enip"}
#: Operation classes that change the device: under a view-only grant each one is scope creep.
CHANGES = frozenset({"write", "program_download", "mode_change", "firmware_update", "restart"})
HINT_FIELDS = ("ssh_banner", "rdp_user", "sni")
MAX_SESSIONS = 100_000
MAX_OPS_KEPT = 200

Key = tuple[str, str, int, str, int]  # transport, client, client port, server, server port
Keep = Callable[[str, str], bool]  # (client, protocol) -> whether to track the session


@dataclass(slots=True)
class Change:
    """An operation of a session that changes the device."""

    frame: int
    ts: float
    op_class: str
    name: str
    proto: str


@dataclass(slots=True)
class Session:
    proto: str
    transport: str
    client: str
    client_port: int
    server: str
    server_port: int
    capture: str
    first_frame: int
    first_ts: float
    last_frame: int
    last_ts: float
    packets: int = 0
    bytes: int = 0
    hints: dict[str, str] = field(default_factory=dict)
    operations: Counter[str] = field(default_factory=Counter)  # op class -> count
    changes: list[Change] = field(default_factory=list)
    crossings: dict[float, int] = field(default_factory=dict)  # instant -> first frame at or after it
    next_mark: int = 0
    sides: int = 0  # bit 1: the client sent payload (UDP: a datagram), bit 2: the server did

    @property
    def established(self) -> bool:
        """Both sides spoke: not a scan's handshake, not an unanswered try."""
        return self.sides == 3

    @property
    def engineering(self) -> bool:
        return self.proto in ENGINEERING

    @property
    def duration_s(self) -> float:
        return self.last_ts - self.first_ts

    def as_dict(self) -> dict[str, Any]:
        return {
            "proto": self.proto,
            "transport": self.transport,
            "client": self.client,
            "client_port": self.client_port,
            "server": self.server,
            "server_port": self.server_port,
            "capture": self.capture,
            "start": self.first_ts,
            "end": self.last_ts,
            "first_frame": self.first_frame,
            "last_frame": self.last_frame,
            "packets": self.packets,
            "bytes": self.bytes,
            "hints": dict(self.hints),
            "operations": dict(sorted(self.operations.items())),
            "changes": [
                {"frame": c.frame, "ts": c.ts, "op_class": c.op_class, "name": c.name} for c in self.changes
            ],
        }


class Tracker:
    """Builds sessions in capture order. ``marks``: instants (POSIX seconds) at which each
    session notes its first frame (grant starts and ends: "still open after expiry")."""

    def __init__(self, marks: list[float] | None = None, keep: Keep | None = None) -> None:
        self.marks = sorted(set(marks or []))
        self.keep = keep
        self.skipped: set[Key] = set()  # conversations ``keep`` declined (bounded like sessions)
        self.sessions: dict[Key, Session] = {}
        self.done: list[Session] = []
        self.capture = ""

    def begin_capture(self, name: str) -> None:
        """Sessions of the capture before end there (a new capture is another clock)."""
        self.done.extend(self.sessions.values())
        self.sessions = {}
        self.skipped = set()
        self.capture = name

    def _transport(self, pkt: Packet) -> str | None:
        if pkt.ip_proto == IPPROTO_TCP:
            return "tcp"
        return "udp" if pkt.ip_proto == IPPROTO_UDP else None

    def packet(self, pkt: Packet) -> None:
        transport = self._transport(pkt)
        if (
            transport is None
            or pkt.sport is None
            or pkt.dport is None
            or pkt.ip_src is None
            or pkt.ip_dst is None
        ):
            return
        src, dst, sport, dport = pkt.ip_src, pkt.ip_dst, pkt.sport, pkt.dport
        fwd: Key = (transport, src, sport, dst, dport)
        rev: Key = (transport, dst, dport, src, sport)
        session = self.sessions.get(fwd) or self.sessions.get(rev)
        if session is None:
            if fwd in self.skipped or rev in self.skipped:
                return
            session = self._open(pkt, transport)
            if session is None:
                return
        ts = pkt.ts_ns / NS
        if pkt.payload or transport == "udp":
            session.sides |= 1 if src == session.client and sport == session.client_port else 2
        session.packets += 1
        session.bytes += pkt.wire_len
        session.last_frame, session.last_ts = pkt.frame, ts
        self._mark(session, ts, pkt.frame)

    def _mark(self, session: Session, ts: float, frame: int) -> None:
        marks = self.marks
        while session.next_mark < len(marks) and ts >= marks[session.next_mark]:
            session.crossings[marks[session.next_mark]] = frame
            session.next_mark += 1

    def _open(self, pkt: Packet, transport: str) -> Session | None:
        assert (
            pkt.ip_src is not None
            and pkt.ip_dst is not None
            and pkt.sport is not None
            and pkt.dport is not None
        )
        syn = transport == "tcp" and pkt.tcp_flags & (TCP_SYN | TCP_ACK) == TCP_SYN
        if (transport, pkt.dport) in PORTS and (syn or (transport, pkt.sport) not in PORTS):
            key: Key = (transport, pkt.ip_src, pkt.sport, pkt.ip_dst, pkt.dport)
        elif (transport, pkt.sport) in PORTS and not syn:
            key = (transport, pkt.ip_dst, pkt.dport, pkt.ip_src, pkt.sport)
        else:
            return None
        return self._new(key, PORTS[(transport, key[4])], pkt.frame, pkt.ts_ns / NS)

    def _new(self, key: Key, proto: str, frame: int, ts: float) -> Session | None:
        if len(self.sessions) >= MAX_SESSIONS:
            return None
        transport, client, cport, server, sport = key
        if self.keep is not None and not self.keep(client, proto):
            if len(self.skipped) < MAX_SESSIONS:
                self.skipped.add(key)
            return None
        session = Session(proto, transport, client, cport, server, sport, self.capture, frame, ts, frame, ts)
        session.next_mark = bisect_left(self.marks, ts)
        self.sessions[key] = session
        return session

    def _of_ctx(self, ctx: PduContext, proto: str | None) -> Session | None:
        if ctx.direction == Direction.TO_SERVER:
            key: Key = (ctx.transport, ctx.src, ctx.sport, ctx.dst, ctx.dport)
        else:
            key = (ctx.transport, ctx.dst, ctx.dport, ctx.src, ctx.sport)
        session = self.sessions.get(key)
        if session is None and proto is not None and key not in self.skipped:
            frame = ctx.first_frame or ctx.frame
            session = self._new(key, proto, frame, ctx.ts_ns / NS)
        return session

    def operation(self, op: Operation) -> None:
        proto = OP_PROTOS.get(op.proto, op.proto)
        remote = op.details.get("remote_access") is True
        session = self._of_ctx(op.ctx, proto if remote else None)
        if session is None:
            return
        if remote and session.proto != proto:
            session.proto = proto  # recognised from the payload: the decoder knows better than the port
        session.sides |= 1 if op.ctx.direction == Direction.TO_SERVER else 2
        klass = op.op_class.value
        session.operations[klass] += 1
        if klass in CHANGES and op.request is not False and len(session.changes) < MAX_OPS_KEPT:
            session.changes.append(Change(op.ctx.frame, op.ctx.ts_ns / NS, klass, op.name, proto))

    def identity(self, identity: Identity) -> None:
        session = self._of_ctx(identity.ctx, None)
        if session is None:
            return
        for name in HINT_FIELDS:
            value = identity.fields.get(name)
            if value:
                side = "client" if identity.ctx.direction == Direction.TO_SERVER else "server"
                session.hints[f"{name}_{side}" if name == "ssh_banner" else name] = value

    def finish(self) -> list[Session]:
        """Every established session, in order of its start."""
        found = self.done + list(self.sessions.values())
        self.done, self.sessions = found, {}
        return sorted((s for s in found if s.established), key=lambda s: (s.first_ts, s.first_frame))
