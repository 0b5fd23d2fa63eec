"""The Python side of the kernel's events: frames and PDUs handed over, flows adopted by
the Python engine, flows ended, and the final merge of the kernel's counters.

Everything is applied in capture order, so the Python sessions and flow engine see the
same sequence of inputs for the flows they own as in the pure-Python run.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from plantwarden.analyze.collect import Binding, Collector, EdgeStats
from plantwarden.capture.records import LINKTYPE_ETHERNET, RawFrame
from plantwarden.fast import layout as L
from plantwarden.fast.convrows import conversation_rows
from plantwarden.fast.labels import cip_path, describe
from plantwarden.fast.tables import Tables
from plantwarden.net import addr
from plantwarden.net.decode import Decoder
from plantwarden.net.flows import Flow, FlowEngine, flow_id
from plantwarden.net.tcpstream import TcpStream
from plantwarden.protocols.base import (
    Anomaly,
    Direction,
    Emitter,
    Operation,
    PduContext,
    ProtocolSpec,
    Session,
)
from plantwarden.protocols.cip.classify import Pending as CipPending
from plantwarden.protocols.cip.classify import meaning
from plantwarden.protocols.modbus.decode import Pending

if TYPE_CHECKING:
    from plantwarden.fast.detecting import FastDetection
    from plantwarden.fast.learning import FastLearning


class FastCollector(Collector):
    """A collector that also remembers the frame of each code's first name (for the merge)."""

    def __init__(self) -> None:
        super().__init__()
        self.name_frame: dict[tuple[str, str], int] = {}
        # the kernel's conversation counters (Bridge.merge): names, pairs, labels, counts
        self.kernel_counts: tuple[list[str], np.ndarray, np.ndarray, np.ndarray] | None = None

    def operation(self, op: Operation) -> None:
        key = (op.proto, op.code)
        if key not in self.names:
            self.name_frame[key] = op.ctx.frame
        super().operation(op)

    def _conversation_rows(self) -> list[dict[str, Any]]:
        if self.kernel_counts is None:
            return super()._conversation_rows()
        names, pairs, labels, counts = self.kernel_counts
        return conversation_rows(names, pairs, labels, counts, _describe_row, self.conversations,
                                 self.conversation_classes)


def _transport(e: list[int]) -> str:
    return "udp" if e[L.E_UDP] else "tcp"


def _describe_row(label: int) -> tuple[str, str, str]:
    proto, code, _, op_class = describe(label)
    return proto, code, op_class.value


class Bridge:
    def __init__(self, capture: str, t: Tables, out: FastCollector, engine: FlowEngine,
                 specs: dict[int, ProtocolSpec], emit: Emitter | None = None,
                 detection: FastDetection | FastLearning | None = None) -> None:
        self.capture, self.t, self.out, self.engine, self.specs = capture, t, out, engine, specs
        self.emit: Emitter = emit if emit is not None else out  # the collector, and the detector
        self.detection = detection
        self.decoder = Decoder()
        self.names: dict[int, str] = {}
        self.sessions: dict[int, tuple[str, Session]] = {}  # flow serial -> (flow id, session)

    # -- addresses -----------------------------------------------------------------------
    def addr(self, i: int) -> str:
        name = self.names.get(i)
        if name is None:
            hi, lo, kind = (int(x) for x in self.t.aval[i])
            if kind == L.A_MAC:
                name = addr.mac(hi.to_bytes(6, "big"))
            elif kind == L.A_IPV4:
                name = addr.ipv4(hi.to_bytes(4, "big"))
            else:
                name = addr.ipv6(hi.to_bytes(8, "big") + lo.to_bytes(8, "big"))
            self.names[i] = name
        return name

    # -- events --------------------------------------------------------------------------
    def events(self, buf: np.ndarray, ev: np.ndarray, recs: np.ndarray | None = None) -> None:
        """Apply a batch of kernel events (rows of ``layout.E_*``) whose bytes are in ``buf``;
        with detection, the request records (``layout.RC_*``) between them, in capture order."""
        detection = self.detection
        done = 0  # records owed to the detection (applied when needed: FastDetection.flush)
        nrec = len(recs) if recs is not None and detection is not None else 0
        # before event i come the records :owed[i] (those whose event position is <= i)
        owed = (np.searchsorted(recs[:, L.RC_EVPOS], np.arange(len(ev)), side="right").tolist()
                if nrec and recs is not None else None)
        if detection is not None and recs is not None:
            detection.batch(recs)
        k_pkt, k_frame, k_pdu, e_kind = L.K_PKT, L.K_FRAME, L.K_PDU, L.E_KIND
        for index, e in enumerate(ev.tolist()):
            if owed is not None and owed[index] > done:
                done = owed[index]
                assert detection is not None
                detection.owe(done)
            kind = e[e_kind]
            if kind == k_pkt:  # with detection, most events (connection attempts and answers)
                if detection is not None:
                    detection.packet(e, self.addr)
            elif kind == k_frame or kind == L.K_LFRAME:
                data = buf[e[L.E_OFF] : e[L.E_OFF] + e[L.E_LEN]].tobytes()
                linktype = LINKTYPE_ETHERNET if kind == k_frame else e[L.E_DIR]
                raw = RawFrame(e[L.E_FRAME], e[L.E_TS], linktype, data, e[L.E_ORIG])
                pkt = self.decoder.decode(raw)
                self.out.packet(pkt)  # hosts, bindings, notes (its counts are unused)
                if detection is not None:
                    detection.frame(pkt)
                self.engine.packet(pkt)
            elif kind == k_pdu:
                self._pdu(e, buf[e[L.E_OFF] : e[L.E_OFF] + e[L.E_LEN]].tobytes())
            elif kind == L.K_PRIME:
                self._prime(self._session(e)[1], e)
            elif kind == L.K_HANDOVER:
                self._adopt(e)
            elif kind == L.K_END:  # its edge is in the kernel's edge table
                ended = self.sessions.pop(e[L.E_SERIAL], None)
                flush = getattr(ended[1], "flush", None) if ended is not None else None
                if flush is not None:  # as FlowEngine._end: operations a session holds (dnp3)
                    flush(self.emit)
            elif kind == L.K_TICK and detection is not None:
                detection.tick(e)
        if detection is not None and recs is not None:
            detection.owe(nrec)
            detection.flush()

    def _flow(self, e: list[int]) -> Flow:
        client, server = self.addr(e[L.E_CLIENT]), self.addr(e[L.E_SERVER])
        cport, sport, first = e[L.E_CPORT], e[L.E_SPORT], e[L.E_FIRST]
        tr = _transport(e)
        flow = Flow(flow_id(tr, client, cport, server, sport, first), tr, client, cport, server, sport,
                    first, e[L.E_LAST], syn_seen=bool(e[L.E_SYN]), state=L.STATES[e[L.E_STATE]],
                    fins=e[L.E_FINS])
        flow.packets = [e[L.E_PK0], e[L.E_PK1]]
        flow.bytes = [e[L.E_BY0], e[L.E_BY1]]
        flow.spec = self.specs.get(e[L.E_PROTO])
        return flow

    def _session(self, e: list[int]) -> tuple[str, Session]:
        known = self.sessions.get(e[L.E_SERIAL])
        if known is None:
            spec = self.specs[e[L.E_PROTO]]
            client, server = self.addr(e[L.E_CLIENT]), self.addr(e[L.E_SERVER])
            fid = flow_id(_transport(e), client, e[L.E_CPORT], server, e[L.E_SPORT], e[L.E_FIRST])
            known = self.sessions[e[L.E_SERIAL]] = (fid, spec.new_session())
        return known

    def _pdu(self, e: list[int], pdu: bytes) -> None:
        fid, session = self._session(e)
        d = e[L.E_DIR]
        c, s = self.addr(e[L.E_CLIENT]), self.addr(e[L.E_SERVER])
        cp, sp = e[L.E_CPORT], e[L.E_SPORT]
        ctx = PduContext(self.capture, e[L.E_FRAME], e[L.E_TS], fid,
                         Direction.TO_SERVER if d == 0 else Direction.TO_CLIENT,
                         c if d == 0 else s, s if d == 0 else c, cp if d == 0 else sp, sp if d == 0 else cp,
                         _transport(e), e[L.E_FRAME])
        try:
            session.on_pdu(pdu, ctx, self.emit)
        except Exception as exc:  # same guard as FlowEngine._deliver
            name = self.specs[e[L.E_PROTO]].name
            self.emit.anomaly(Anomaly(f"{name}.decoder_error", ctx, f"{type(exc).__name__}: {exc}"))

    def _prime(self, session: Session, e: list[int], slot: int = 0) -> None:
        """Tell a session about a kernel-counted request (pairing slot 0 or 1 of the event):
        the one the next PDU answers, or one still pending when Python takes the flow over."""
        proto = e[L.E_PROTO]
        key, label, aux = (e[L.E_SKEY], e[L.E_SLABEL], e[L.E_SAUX]) if slot == 0 else (
            e[L.E_SKEY2], e[L.E_SLABEL2], e[L.E_SAUX2])
        if proto == L.P_IEC104:  # fast.iec104: the next N(S) expected each way (+ 1, 0 = none)
            expected = getattr(session, "_next_seq", None)
            if slot == 0 and isinstance(expected, dict):
                for direction, nxt in ((Direction.TO_SERVER, label), (Direction.TO_CLIENT, aux)):
                    if nxt:
                        expected[direction] = nxt - 1
                    else:
                        expected.pop(direction, None)
            return
        if key < 0:
            return
        if proto == L.P_MODBUS:
            _, _, name, op_class = describe(label)
            pending = getattr(session, "_pending", None)
            if isinstance(pending, dict):
                pending[key] = Pending(label & 0x7F, 0, name, op_class, aux >> 16, aux & 0xFFFF, e[L.E_FRAME])
        elif proto == L.P_S7:
            state = getattr(session, "_state", None)
            if state is not None:
                state.jobs[key] = (aux, [])
        elif proto == L.P_DNP3:  # fast.dnp3: a Read (master << 20 | outstation << 4 | sequence)
            remember = getattr(getattr(session, "_app", None), "_remember", None)
            if remember is not None:
                _, _, name, op_class = describe(label)
                remember((key >> 20, key >> 4 & 0xFFFF, key & 0x0F), name, op_class)
        elif proto == L.P_ENIP:
            cip = getattr(session, "cip", None)
            if cip is not None:  # fast.cip: an Unconnected Send embedding Read Tag (path unknown)
                embedded = CipPending(label, meaning(label, None), None)
                outer = CipPending(0x52, meaning(0x52, cip_path(1)), cip_path(1), embedded=embedded)
                cip.pending[("u", (aux & (1 << 64) - 1).to_bytes(8, "little"))] = outer

    def _adopt(self, e: list[int]) -> None:
        """The Python engine takes a flow over, as it would stand had it seen every packet."""
        flow = self._flow(e)
        if e[L.E_UDP]:
            self._adopt_udp(flow, e)
            return
        flow.streams = [TcpStream(), TcpStream()]
        for stream, nseq in zip(flow.streams, (e[L.E_NSEQ0], e[L.E_NSEQ1]), strict=True):
            stream.next_seq = nseq if nseq >= 0 else None
        if flow.spec is not None:
            flow.tries = 1
            known = self.sessions.pop(e[L.E_SERIAL], None)
            flow.session = known[1] if known is not None else flow.spec.new_session()
            self._prime(flow.session, e)
            self._prime(flow.session, e, 1)  # the younger of two pipelined requests
        x, y = (flow.client, flow.client_port), (flow.server, flow.server_port)
        key = ("tcp", 6, *x, *y) if x <= y else ("tcp", 6, *y, *x)
        if key in self.engine.flows:
            self.engine._end(key)  # the flow that ran under this key before a restart
        self.engine.flows[key] = flow

    def _adopt_udp(self, flow: Flow, e: list[int]) -> None:
        """A UDP flow (fast.udp): its spec once its first payload passed the probe (one try),
        none before, or for a flow no decoder takes (``P_SSDP``, whose tries decide nothing)."""
        known = self.sessions.pop(e[L.E_SERIAL], None)
        if flow.spec is not None:
            flow.tries = 1
            flow.session = known[1] if known is not None else flow.spec.new_session()
            if e[L.E_PROTO] == L.P_DNP3:
                self._prime(flow.session, e)  # a Read the kernel counted (fast.dnp3 over UDP)
        x, y = (flow.client, flow.client_port), (flow.server, flow.server_port)
        key = ("udp", 17, *x, *y) if x <= y else ("udp", 17, *y, *x)
        if key in self.engine.flows:
            self.engine._end(key)  # the flow that ran under this key before it went idle
        self.engine.flows[key] = flow

    # -- the end -------------------------------------------------------------------------
    def merge(self) -> None:
        """Add the kernel's conversation counters, MAC-IP bindings and edges to the collector."""
        t = self.t
        used = np.flatnonzero(t.ckey[:, 1])
        keys, vals = t.ckey[used], t.cval[used]
        labels = (keys[:, 1] & np.uint64(0xFFFFFFFF)).astype(np.int64)
        names = [self.addr(i) for i in range(int(t.g[L.G_ADDRS]))]
        used = np.flatnonzero(t.bkey[:, 1])
        binds = t.bval[used, :4].tolist()  # packets, first ts, last ts, first frame
        for k0, (n, first, last, frame) in zip(t.bkey[used, 0].tolist(), binds, strict=True):
            self._bind(names[k0 >> 32], names[k0 & 0xFFFFFFFF], n, first, last, frame)
        self._per_label(labels, vals)
        self.out.kernel_counts = (names, keys[:, 0], labels, vals[:, :3])
        self._edges(names)

    def _edges(self, names: list[str]) -> None:
        """Flows the kernel ended, by (client, server, port, protocol): ``Collector.flow_ended``
        summed in the kernel."""
        t, edges, protos = self.t, self.out.edges, {pid: spec.name for pid, spec in self.specs.items()}
        used = np.flatnonzero(t.ekey[:, 1])
        keys = t.ekey[used].tolist()
        for (k0, k1), (flows, packets, nbytes, first, last) in zip(keys, t.edges[used].tolist(), strict=True):
            port, proto = (k1 >> 8) & 0xFFFF, protos.get(k1 & 0xFF, "")
            tr = "udp" if k1 >> 40 & 1 else "tcp"
            key = (names[k0 >> 32], names[k0 & 0xFFFFFFFF], tr, port, proto)
            e = edges.get(key)
            if e is None:
                e = edges[key] = EdgeStats(first_ns=first, last_ns=last)
            e.flows += flows
            e.packets += packets
            e.bytes += nbytes
            e.first_ns, e.last_ns = min(e.first_ns, first), max(e.last_ns, last)
            self.out.flow_count[tr] += flows

    def _per_label(self, labels: np.ndarray, vals: np.ndarray) -> None:
        """Code counts, operation classes and first names: one update per distinct label."""
        out = self.out
        uniq, inv = np.unique(labels, return_inverse=True)
        sums = np.zeros(len(uniq), np.int64)
        np.add.at(sums, inv, vals[:, 0])
        firsts = np.full(len(uniq), 1 << 62, np.int64)
        np.minimum.at(firsts, inv, vals[:, 3])
        for label, n, frame in zip(uniq.tolist(), sums.tolist(), firsts.tolist(), strict=True):
            proto, code, name, op_class = describe(label)
            out.codes.setdefault(proto, Counter())[code] += n
            out.op_classes[(proto, op_class.value)] += n
            nk = (proto, code)
            if nk not in out.names or frame < out.name_frame.get(nk, 1 << 62):
                out.names[nk], out.name_frame[nk] = name, frame

    def _bind(self, mac: str, ip: str, n: int, first: int, last: int, frame: int) -> None:
        b = self.out.bindings.get((mac, ip))
        if b is None:
            self.out.bindings[(mac, ip)] = Binding(n, frame, first, last)
        else:
            b.packets += n
            if frame < b.first_frame:
                b.first_frame, b.first_ns = frame, first
            b.last_ns = max(b.last_ns, last)

    def hosts(self) -> None:
        """Host sets: add the kernel's addresses to what the Python side saw."""
        t, out = self.t, self.out
        kinds = t.aval[: int(t.g[L.G_ADDRS]), 2].tolist()
        for i, kind in enumerate(kinds):
            target = out.macs if kind == L.A_MAC else out.ipv4 if kind == L.A_IPV4 else out.ipv6
            target.add(self.addr(i))
