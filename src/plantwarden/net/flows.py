"""The bidirectional flow table: flow ids, initiators, counters, TCP state, dispatch.

Every TCP/UDP conversation (and every L2 industrial ethertype conversation) is one
:class:`Flow` with a stable id. The initiator is the SYN side (or the first sender when
no SYN was seen, unless the first sender's port is a known service port). Application
bytes go to the flow's protocol session: TCP through reassembly and PDU framing, UDP one
datagram at a time. Idle flows expire (capture time) and free their state, so memory is
bounded by the flows active at once, not by the length of the capture.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.packet import IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, Packet
from plantwarden.net.tcpstream import TcpStream
from plantwarden.protocols.base import Anomaly, Direction, Emitter, PduContext, ProtocolSpec, Session

IDLE_TIMEOUT_NS = 300 * 1_000_000_000
MAX_FLOWS = 250_000
MAX_PDU = 16 * 1024 * 1024
DETECT_TRIES = 4  # payloads tried before a flow is left undecoded

FlowKey = tuple[object, ...]


@dataclass(slots=True)
class Flow:
    flow_id: str
    transport: str  # tcp, udp, icmp, ip, eth
    client: str
    client_port: int
    server: str
    server_port: int
    first_ns: int
    last_ns: int
    syn_seen: bool = False
    state: str = "active"  # tcp: syn_sent, established, closing, closed, reset
    packets: list[int] = field(default_factory=lambda: [0, 0])  # to_server, to_client
    bytes: list[int] = field(default_factory=lambda: [0, 0])
    spec: ProtocolSpec | None = None
    session: Session | None = None
    tries: int = 0
    streams: list[TcpStream] | None = None
    fins: int = 0

    @property
    def proto(self) -> str:
        return self.spec.name if self.spec is not None else ""


def flow_id(transport: str, client: str, cport: int, server: str, sport: int, first_ns: int) -> str:
    """Stable id: the same capture gives the same ids, run after run."""
    text = f"{transport}|{client}|{cport}|{server}|{sport}|{first_ns}"
    return "F" + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class FlowEngine:
    def __init__(
        self,
        capture: str,
        index: ProtocolIndex,
        out: Emitter,
        on_end: Callable[[Flow], None] | None = None,
    ) -> None:
        self.capture = capture
        self.index = index
        self.out = out
        self.on_end = on_end
        self.flows: OrderedDict[FlowKey, Flow] = OrderedDict()
        self.total = 0
        self.retransmissions = 0
        self.gaps = 0

    # -- the table -------------------------------------------------------------------
    def packet(self, pkt: Packet) -> None:
        self._expire(pkt.ts_ns)
        src, dst = pkt.src, pkt.dst
        if src is None or dst is None:
            return
        if pkt.ip_version:
            proto = pkt.ip_proto
            transport = "tcp" if proto == IPPROTO_TCP else "udp" if proto == IPPROTO_UDP else "ip"
            if pkt.fragment or (transport in ("tcp", "udp") and pkt.sport is None):
                transport = "ip"
            sport, dport = (pkt.sport or 0, pkt.dport or 0) if transport != "ip" else (0, 0)
            tag: object = proto
        else:
            if pkt.ethertype not in self.index.ether:
                return
            transport, sport, dport, tag = "eth", 0, 0, pkt.ethertype
        a, b = (src, sport), (dst, dport)
        key: FlowKey = (transport, tag, *a, *b) if a <= b else (transport, tag, *b, *a)
        flow = self.flows.get(key)
        if flow is not None and transport == "tcp" and self._restarts(flow, pkt):
            self._end(key)
            flow = None
        if flow is None:
            flow = self._new(key, transport, pkt, src, sport, dst, dport)
        else:
            self.flows.move_to_end(key)
        to_server = src == flow.client and sport == flow.client_port
        d = 0 if to_server else 1
        flow.packets[d] += 1
        flow.bytes[d] += pkt.wire_len
        flow.last_ns = pkt.ts_ns
        if transport == "tcp":
            self._tcp(flow, pkt, d)
        elif pkt.payload and transport in ("udp", "eth"):
            self._datagram(flow, pkt, d)

    def finish(self) -> None:
        """End every flow (the capture is over)."""
        while self.flows:
            self._end(next(iter(self.flows)))

    def _new(
        self, key: FlowKey, transport: str, pkt: Packet, src: str, sport: int, dst: str, dport: int
    ) -> Flow:
        client_is_src = True
        if transport == "tcp":
            syn = pkt.tcp_flags & (TCP_SYN | TCP_ACK)
            if syn == TCP_SYN | TCP_ACK:
                client_is_src = False
            elif syn != TCP_SYN:
                client_is_src = self._guess_client(transport, sport, dport)
        elif transport == "udp":
            client_is_src = self._guess_client(transport, sport, dport)
        if client_is_src:
            c, cp, s, sp = src, sport, dst, dport
        else:
            c, cp, s, sp = dst, dport, src, sport
        flow = Flow(
            flow_id(transport, c, cp, s, sp, pkt.ts_ns), transport, c, cp, s, sp, pkt.ts_ns, pkt.ts_ns
        )
        if transport == "tcp":
            flow.streams = [TcpStream(), TcpStream()]
        self.flows[key] = flow
        self.total += 1
        if len(self.flows) > MAX_FLOWS:
            self._end(next(iter(self.flows)))
        return flow

    def _guess_client(self, transport: str, sport: int, dport: int) -> bool:
        """Without a SYN: the side on a known service port is the server, else the lower port."""
        s_known = self.index.is_service_port(transport, sport)
        d_known = self.index.is_service_port(transport, dport)
        if s_known != d_known:
            return d_known
        return dport <= sport

    @staticmethod
    def _restarts(flow: Flow, pkt: Packet) -> bool:
        """A new SYN on a finished connection starts a new flow."""
        return bool(
            pkt.tcp_flags & TCP_SYN
            and not pkt.tcp_flags & TCP_ACK
            and flow.state in ("closed", "reset", "closing")
        )

    def _expire(self, now_ns: int) -> None:
        flows = self.flows
        while flows:
            key, flow = next(iter(flows.items()))
            if now_ns - flow.last_ns <= IDLE_TIMEOUT_NS:
                return
            self._end(key)

    def _end(self, key: FlowKey) -> None:
        flow = self.flows.pop(key)
        flush = getattr(flow.session, "flush", None)
        if flush is not None:  # a session holding operations until it knows how to count them (dnp3)
            flush(self.out)
        requester = getattr(flow.session, "requester", None)
        if requester is not None:  # a protocol whose client is the side that sends requests (bacnet)
            _orient(flow, requester())
        if flow.streams is not None:
            self.retransmissions += flow.streams[0].retransmitted + flow.streams[1].retransmitted
            self.gaps += flow.streams[0].gaps + flow.streams[1].gaps
        if self.on_end is not None:
            self.on_end(flow)

    # -- TCP -------------------------------------------------------------------------
    def _tcp(self, flow: Flow, pkt: Packet, d: int) -> None:
        flags = pkt.tcp_flags
        streams = flow.streams
        assert streams is not None
        if flags & TCP_SYN:
            flow.syn_seen = True
            streams[d].start(pkt.seq)
            flow.state = "syn_sent" if not flags & TCP_ACK else "established"
            return
        if flags & TCP_RST:
            flow.state = "reset"
        elif flags & TCP_FIN:
            flow.fins += 1
            flow.state = "closed" if flow.fins >= 2 else "closing"
        elif flow.state in ("active", "syn_sent"):
            flow.state = "established"
        if flags & TCP_ACK and streams[1 - d].acked(pkt.ack):
            self._frame_stream(flow, 1 - d, pkt)
        if pkt.payload and streams[d].push(pkt.seq, pkt.payload, pkt.frame):
            self._frame_stream(flow, d, pkt)

    def _frame_stream(self, flow: Flow, d: int, pkt: Packet) -> None:
        stream = flow.streams[d]  # type: ignore[index]
        if flow.spec is None and not self._detect(flow, bytes(stream.buf)):
            stream.buf.clear()
            return
        spec = flow.spec
        assert spec is not None
        buf = stream.buf
        while buf:
            data = bytes(buf)
            n = _pdu_length(spec, data)
            if n == 0:
                return
            if n < 0 or n > MAX_PDU:
                ctx = self._ctx(flow, pkt, d, stream.buf_frame)
                self.out.anomaly(
                    Anomaly(f"{spec.name}.framing_error", ctx, f"{len(data)} bytes do not start a PDU")
                )
                buf.clear()
                return
            if n > len(data):
                return
            ctx = self._ctx(flow, pkt, d, stream.buf_frame)
            del buf[:n]
            stream.buf_frame = pkt.frame
            self._deliver(flow, data[:n], ctx)

    # -- UDP and L2 ------------------------------------------------------------------
    def _datagram(self, flow: Flow, pkt: Packet, d: int) -> None:
        if flow.spec is None:
            if flow.transport == "eth":
                flow.spec = self.index.ether.get(-1 if pkt.ethertype is None else pkt.ethertype)
                if flow.spec is not None:
                    flow.session = flow.spec.new_session()
            elif not self._detect(flow, pkt.payload):
                return
        if flow.spec is not None:
            self._deliver(flow, pkt.payload, self._ctx(flow, pkt, d, pkt.frame))

    # -- shared ----------------------------------------------------------------------
    def _detect(self, flow: Flow, payload: bytes) -> bool:
        if flow.tries >= DETECT_TRIES:
            return False
        flow.tries += 1
        spec = self.index.choose(flow.transport, flow.server_port, payload)
        if spec is None:
            # the guessed server may be wrong without a SYN: try the other side's port
            if not flow.syn_seen and flow.client_port in self.index.ports(flow.transport):
                spec = self.index.choose(flow.transport, flow.client_port, payload)
            if spec is None:
                return False
        flow.spec = spec
        flow.session = spec.new_session()
        return True

    def _ctx(self, flow: Flow, pkt: Packet, d: int, first_frame: int) -> PduContext:
        return PduContext(
            capture=self.capture,
            frame=pkt.frame,
            ts_ns=pkt.ts_ns,
            flow_id=flow.flow_id,
            direction=Direction.TO_SERVER if d == 0 else Direction.TO_CLIENT,
            src=flow.client if d == 0 else flow.server,
            dst=flow.server if d == 0 else flow.client,
            sport=flow.client_port if d == 0 else flow.server_port,
            dport=flow.server_port if d == 0 else flow.client_port,
            transport=flow.transport,
            first_frame=first_frame,
        )

    def _deliver(self, flow: Flow, pdu: bytes, ctx: PduContext) -> None:
        session = flow.session
        if session is None:
            return
        try:
            session.on_pdu(pdu, ctx, self.out)
        except Exception as exc:  # a decoder bug must not stop the analysis
            name = flow.spec.name if flow.spec is not None else "unknown"
            self.out.anomaly(Anomaly(f"{name}.decoder_error", ctx, f"{type(exc).__name__}: {exc}"))


def _orient(flow: Flow, client: tuple[str, int] | None) -> None:
    """Make ``client`` (address, port) the flow's client when its session knows better than
    the first packet or the ports did (BACnet: the side sending confirmed requests, while
    both sides use 47808 and a device's I-Am often comes first)."""
    if (
        client is None
        or client != (flow.server, flow.server_port)
        or client == (flow.client, flow.client_port)
    ):
        return
    flow.client, flow.client_port, flow.server, flow.server_port = (
        flow.server,
        flow.server_port,
        flow.client,
        flow.client_port,
    )
    flow.packets.reverse()
    flow.bytes.reverse()


def _pdu_length(spec: ProtocolSpec, data: bytes) -> int:
    try:
        return int(spec.pdu_length(data))
    except Exception:
        return -1
