"""One TCP segment of a flow the kernel owns: sequence check, detection, PDU framing.

Mirrors :meth:`plantwarden.net.flows.FlowEngine._tcp` and :class:`TcpStream` for the case
the kernel handles: a segment that is in order (or a pure retransmission) and holds only
whole PDUs. Anything else (a gap, a partial overlap, a PDU split across segments, a
framing error, a COTP fragment, a payload the port's protocol does not accept) hands the
flow to the Python engine before this segment, at a PDU boundary, so the Python
``TcpStream`` starts clean from here.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast import layout as L
from plantwarden.fast.cip import enip_front, enip_pdu
from plantwarden.fast.dnp3 import dnp3_frame, dnp3_pdu, dnp3_probe
from plantwarden.fast.events import flow_event, py_frame
from plantwarden.fast.frames import R_DPORT, R_DST, R_PLEN, R_POFF, R_SEQ, R_SPORT, R_SRC, R_WEIRD
from plantwarden.fast.iec104 import iec104_frame, iec104_pdu, iec104_probe
from plantwarden.fast.jit import jit
from plantwarden.fast.protos import (
    MAX_UA_MESSAGE,
    T_AUX,
    T_KEY,
    T_LABEL,
    modbus_frame,
    modbus_pdu,
    opcua_frame,
    opcua_pdu,
    opcua_type,
    s7_pdu,
    tpkt_frame,
    u16be,
    u16le,
    u32le,
)
from plantwarden.fast.tables import OCCUPIED, find_or_add
from plantwarden.fast.watchk import CV_ASK, WTables, judge_op, learn_op, learn_record, record

R_FLAGS = 5
_ENIP_COMMANDS = (0x0001, 0x0004, 0x0063, 0x0064, 0x0065, 0x0066, 0x006F, 0x0070, 0x0072, 0x0073)
SEQ_MASK = 0xFFFFFFFF


@jit()
def _enip_frame(b: np.ndarray, o: int, n: int) -> int:
    if n >= 2 and u16le(b, o) >= 0xC8:
        return -1
    return 0 if n < 4 else 24 + u16le(b, o + 2)


@jit()
def _frame(proto: int, b: np.ndarray, o: int, n: int) -> int:
    if proto == L.P_MODBUS:
        return modbus_frame(b, o, n)
    if proto == L.P_S7:
        return tpkt_frame(b, o, n)
    if proto == L.P_OPCUA:
        return opcua_frame(b, o, n)
    if proto == L.P_IEC104:
        return iec104_frame(b, o, n)
    if proto == L.P_DNP3:
        return dnp3_frame(b, o, n)
    return _enip_frame(b, o, n)


@jit()
def _probe(proto: int, b: np.ndarray, o: int, n: int) -> bool:
    """The port's ProtocolSpec.probe on the first payload of the flow."""
    if proto == L.P_MODBUS:
        if n < 8 or b[o + 2] or b[o + 3]:
            return False
        length = u16be(b, o + 4)
        return 2 <= length <= 256 and length + 6 <= n and b[o + 7] != 0
    if proto == L.P_S7:
        if n < 7 or tpkt_frame(b, o, n) < 7:
            return False
        code = np.int64(b[o + 5]) & 0xF0
        if code == 0xE0:
            return b[o + 4] >= 6
        return code == 0xF0 and b[o + 4] == 2 and n > 7 and (b[o + 7] == 0x32 or b[o + 7] == 0x72)
    if proto == L.P_OPCUA:
        if n < 8 or opcua_type(b, o) == 0 or b[o + 3] not in (0x46, 0x43, 0x41):
            return False
        return 8 <= u32le(b, o + 4) <= MAX_UA_MESSAGE
    if proto == L.P_IEC104:
        return iec104_probe(b, o, n)
    if proto == L.P_DNP3:
        return dnp3_probe(b, o, n)
    off = o
    while off < o + n:  # EtherNet/IP: whole PDUs with known, non-NOP commands, zero options
        if o + n - off < 24:
            return False
        cmd = u16le(b, off)
        if cmd not in _ENIP_COMMANDS or u32le(b, off + 20) != 0:
            return False
        off += 24 + u16le(b, off + 2)
    return off == o + n


@jit(inline="always")
def _judge(b: np.ndarray, o: int, n: int, proto: int, r: np.ndarray, d: int, tmp: np.ndarray,
           g: np.ndarray, seen: np.ndarray, scratch: np.ndarray, row: np.ndarray, w: WTables) -> int:
    """Frame and classify every PDU of the segment into ``scratch``; -1 = hand over.

    Scratch rows: action, label, offset, length, the pairing slot before the PDU (3), and for
    detection whether to write a request record, its channel and symbol key (fast.watchk)."""
    k = 0
    pos = o
    req = r[R_DPORT] == 502 and r[R_SPORT] != 502
    if not req and not (r[R_SPORT] == 502 and r[R_DPORT] != 502):
        req = d == 0  # neither or both ports 502: the flow direction decides
    # repeated identity answers counted here (fast.protos): always without detection; with it,
    # where the identity-sweep rule ignores them (a client's, or the server's: watchk.CV_ASK)
    dedup = g[L.G_DETECT] == 0 or d == 0 or (row[L.F_WATCH] & CV_ASK) != 0
    while pos < o + n:
        left = o + n - pos
        m = _frame(proto, b, pos, left)
        if m <= 0 or m > left or k >= L.MAX_SEG_PDUS:
            return -1
        old0, old1, old2 = tmp[T_KEY], tmp[T_LABEL], tmp[T_AUX]
        extra1 = extra2 = 0
        if proto == L.P_MODBUS:
            act, label = modbus_pdu(b, pos, m, req, tmp, g, seen, L.G_SEEN, r[R_SRC], dedup)
        elif proto == L.P_S7:
            act, label = s7_pdu(b, pos, m, tmp, g)
        elif proto == L.P_OPCUA:
            act, label = opcua_pdu(b, pos, m, tmp, g, seen, r[R_SRC], dedup)
        elif proto == L.P_IEC104:
            act, label = iec104_pdu(b, pos, m, d, tmp, g)
        elif proto == L.P_DNP3:
            act, label = dnp3_pdu(b, pos, m, d, tmp, g)
        else:
            enip_front(b, pos, m, tmp)  # a reply to the second pending request: that one first
            old0, old1, old2 = tmp[T_KEY], tmp[T_LABEL], tmp[T_AUX]
            act, label, extra1, extra2 = enip_pdu(b, pos, m, tmp, g)
        if act == L.A_HANDOVER or k + 3 > L.MAX_SEG_PDUS:
            return -1
        scratch[k, 0], scratch[k, 1], scratch[k, 2], scratch[k, 3] = act, label, pos, m
        scratch[k, 4], scratch[k, 5], scratch[k, 6] = old0, old1, old2
        scratch[k, 8] = -1
        if g[L.G_DETECT] and act == L.A_COUNT:
            ok, ch, sym = judge_op(w, b, pos, m, label, req, d, row)
            if not ok:
                return -1
            scratch[k, 8], scratch[k, 9] = ch, np.int64(sym)
        elif g[L.G_LEARN] and act == L.A_COUNT:
            learn_op(w, b, pos, m, label, req, d, scratch, k)
        k += 1
        for extra in (extra1, extra2):  # more operations of the same PDU (CIP services)
            if extra:
                scratch[k, 0], scratch[k, 1], scratch[k, 8] = L.A_COUNT, extra, -1
                if g[L.G_DETECT]:
                    ok, ch, sym = judge_op(w, b, -1, 0, extra, req, d, row)
                    if not ok:
                        return -1
                    scratch[k, 8], scratch[k, 9] = ch, np.int64(sym)
                elif g[L.G_LEARN]:
                    learn_op(w, b, -1, 0, extra, req, d, scratch, k)
                k += 1
        pos += m
    return k


@jit(inline="always")
def count(ckey: np.ndarray, cval: np.ndarray, g: np.ndarray, src: int, dst: int, label: int,
          ts: int, frame: int, gcount: int) -> int:
    """One (src, dst, label) at ``ts`` in a counter table: conversations (label = operation),
    or MAC-IP bindings (src = MAC id, dst = IP id, label 0). Returns the slot."""
    k0 = (np.uint64(src) << np.uint64(32)) | np.uint64(dst)
    j = find_or_add(ckey, k0, OCCUPIED | np.uint64(label), g, gcount)
    if j < 0:
        j = -j - 1
        cval[j, 0], cval[j, 1], cval[j, 2], cval[j, 3] = 1, ts, ts, frame
    else:
        cval[j, 0] += 1
        cval[j, 1] = min(cval[j, 1], ts)
        cval[j, 2] = max(cval[j, 2], ts)
    return j


@jit(inline="always")
def _state(row: np.ndarray, flags: int) -> None:
    if flags & 0x04:
        row[L.F_STATE] = L.ST_RESET
    elif flags & 0x01:
        row[L.F_FINS] += 1
        row[L.F_STATE] = L.ST_CLOSED if row[L.F_FINS] >= 2 else L.ST_CLOSING
    elif row[L.F_STATE] in (L.ST_ACTIVE, L.ST_SYN_SENT):
        row[L.F_STATE] = L.ST_ESTABLISHED


@jit(inline="always")
def _learned(scratch: np.ndarray, q: int, b_src: int, b_dst: int, ts: int, frame: int, d: int,
             row: np.ndarray, fkey: np.ndarray, i: int, ne: int, w: WTables) -> None:
    """Learning: the record of a request the kernel counts (layout.LK_REQ)."""
    label = scratch[q, 1]
    client, server = (b_src, b_dst) if d == 0 else (b_dst, b_src)
    ports = np.int64(fkey[i, 1] & np.uint64(0xFFFFFFFF))
    port = ports & 0xFFFF if row[L.F_CLIENT_IS_A] else ports >> 16
    bit = np.int64(1) << (label >> 24)
    first = 0 if row[L.F_LPROTOS] & bit else 1
    row[L.F_LPROTOS] |= bit
    learn_record(w, L.LK_REQ, frame, ts, client, server, port, label, scratch[q, 10], scratch[q, 11],
                 scratch[q, 12], scratch[q, 9], first, ne)


@jit(inline="always")
def _emit(scratch: np.ndarray, k: int, b_src: int, b_dst: int, ts: int, frame: int, d: int,
          fl: np.ndarray, fkey: np.ndarray, i: int, ckey: np.ndarray, cval: np.ndarray,
          g: np.ndarray, ev: np.ndarray, ne: int, w: WTables) -> int:
    for q in range(k):
        act = scratch[q, 0]
        if act == L.A_COUNT:
            count(ckey, cval, g, b_src, b_dst, scratch[q, 1], ts, frame, L.G_CONVS)
            if scratch[q, 8] >= 0 and g[L.G_LEARN]:  # learning: every request's record
                _learned(scratch, q, b_src, b_dst, ts, frame, d, fl[i], fkey, i, ne, w)
            elif scratch[q, 8] >= 0:  # detection: the request's record, before the next event
                record(w, frame, ts, scratch[q, 8], np.uint64(scratch[q, 9]), ne)
        elif act == L.A_ROUTE or act == L.A_PRIME_ROUTE:
            fl[i, L.F_ROUTED] = 1
            if act == L.A_PRIME_ROUTE:
                ne = flow_event(ev, ne, L.K_PRIME, fl, fkey, i, frame, ts)
                ev[ne - 1, L.E_SKEY], ev[ne - 1, L.E_SLABEL] = scratch[q, 4], scratch[q, 5]
                ev[ne - 1, L.E_SAUX] = scratch[q, 6]
            ne = flow_event(ev, ne, L.K_PDU, fl, fkey, i, frame, ts)
            ev[ne - 1, L.E_OFF], ev[ne - 1, L.E_LEN], ev[ne - 1, L.E_DIR] = scratch[q, 2], scratch[q, 3], d
    return ne


@jit(inline="always")
def _mirror(row: np.ndarray, flags: int, d: int, seq: int) -> None:
    """TCP state changes of one packet (flows.FlowEngine._tcp without the stream)."""
    if flags & 0x02:
        row[L.F_SYN] = 1
        row[L.F_NSEQ0 + d] = (seq + 1) & SEQ_MASK
        row[L.F_STATE] = L.ST_SYN_SENT if not flags & 0x10 else L.ST_ESTABLISHED
    else:
        _state(row, flags)


@jit(inline="always")
def _account(row: np.ndarray, d: int, orig: int, ts: int) -> None:
    row[L.F_PK0 + d] += 1
    row[L.F_BY0 + d] += orig
    row[L.F_LAST] = ts


@jit(inline="always")
def _segment(b: np.ndarray, row: np.ndarray, r: np.ndarray, d: int, tmp: np.ndarray, g: np.ndarray,
             seen: np.ndarray, scratch: np.ndarray, w: WTables) -> int:
    """PDUs of an in-order segment (scratch rows), 0 for nothing to frame, -1 to hand over."""
    seq, poff, plen = r[R_SEQ], r[R_POFF], r[R_PLEN]
    ns = row[L.F_NSEQ0 + d]
    if ns < 0:
        if plen <= 1:
            return 0  # mid-stream keep-alive: TcpStream waits for a real segment
        ns = seq
    rel = (seq - ns) & SEQ_MASK
    if rel >= 0x80000000:
        rel -= 0x100000000
    if rel < 0:
        if rel + plen <= 0:
            g[L.G_RETRANS] += 1
            return 0
        return -1
    if rel > 0:
        return -1
    proto = row[L.F_PROTO]
    if proto == 0:
        proto = r[11]  # the port's protocol, set by tcp_packet
        if not _probe(proto, b, poff, plen):
            return -1
    for q in range(L.F_PAIRING):
        tmp[q] = row[L.F_SKEY + q]
    k = _judge(b, poff, plen, proto, r, d, tmp, g, seen, scratch, row, w)
    if k < 0:
        return -1
    row[L.F_PROTO] = proto
    row[L.F_NSEQ0 + d] = (ns + plen) & SEQ_MASK
    for q in range(L.F_PAIRING):
        row[L.F_SKEY + q] = tmp[q]
    return k


@jit(inline="always")
def tcp_packet(b: np.ndarray, off: int, incl: int, orig: int, frame: int, ts: int, r: np.ndarray,
               i: int, a_is_src: bool, fkey: np.ndarray, fl: np.ndarray, ckey: np.ndarray,
               cval: np.ndarray, seen: np.ndarray, g: np.ndarray, ev: np.ndarray, ne: int,
               tmp: np.ndarray, scratch: np.ndarray, w: WTables) -> int:
    """One TCP packet of flow row ``i``; returns the event count."""
    row = fl[i]
    d = 0 if a_is_src == (row[L.F_CLIENT_IS_A] == 1) else 1
    flags = r[R_FLAGS]
    if r[R_WEIRD] and row[L.F_MODE] == L.MODE_KERNEL:
        ne = flow_event(ev, ne, L.K_HANDOVER, fl, fkey, i, frame, ts)
        row[L.F_MODE] = L.MODE_PY_HANDED
    if row[L.F_MODE] != L.MODE_KERNEL:
        row[L.F_LAST] = ts
        _mirror(row, flags, d, r[R_SEQ])
        r[13] = 1
        return py_frame(ev, ne, frame, ts, off, incl, orig)
    k = 0
    if not flags & 0x02 and r[R_PLEN] > 0:
        server_port = r[R_DPORT] if d == 0 else r[R_SPORT]
        r[11] = _port_proto(server_port)
        k = _segment(b, row, r, d, tmp, g, seen, scratch, w)
        if k < 0:
            ne = flow_event(ev, ne, L.K_HANDOVER, fl, fkey, i, frame, ts)
            row[L.F_MODE] = L.MODE_PY_HANDED
            row[L.F_LAST] = ts
            _mirror(row, flags, d, r[R_SEQ])
            r[13] = 1
            return py_frame(ev, ne, frame, ts, off, incl, orig)
    _account(row, d, orig, ts)
    _mirror(row, flags, d, r[R_SEQ])
    if k > 0:
        ne = _emit(scratch, k, r[R_SRC], r[R_DST], ts, frame, d, fl, fkey, i, ckey, cval, g, ev, ne, w)
    return ne


@jit()
def _port_proto(port: int) -> int:
    if port == 502:
        return L.P_MODBUS
    if port == 102:
        return L.P_S7
    if port == 4840:
        return L.P_OPCUA
    if port == 2404:
        return L.P_IEC104
    if port == 20000:
        return L.P_DNP3
    return L.P_ENIP
