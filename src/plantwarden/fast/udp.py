"""UDP datagrams of flows the kernel owns: the port's probe and one decision per datagram (numba).

``net.flows.FlowEngine`` hands a UDP flow's datagrams to its session one at a time, once
the flow's first payload passed the probe of the protocol its server port registers
(``net.detect.ProtocolIndex.choose``). The kernel follows the flows whose server port is one
of ``layout.UDP_KERNEL_PORTS`` and whose first payload passes that probe (mirrored here), and
the flows no decoder can take (``layout.P_SSDP``: an unregistered port below 1024 or in
``net.detect.IT_SERVICE_PORTS``, where ``choose`` never guesses), whose packets it only
counts. A first payload the probe rejects hands the flow to Python before it.

Counted (the Python session gives them a name and class fixed by their code and neither an
anomaly nor an identity the run has not had already):

- DNS (53) and mDNS (5353): standard queries and responses (opcode 0) whose sections parse
  as ``protocols.dns.wire.sections`` parses them; a message with an address record (the
  session's ``hostname``/``dns_name`` identities) only when the same bytes (the ID aside)
  came from the same sender before; never one with an SRV record (domain controller
  locator, whose answers may be noted as malformed).
- NTP (123): client (3) and server (4) modes of at least 48 bytes, when the bytes its
  identity fields come from (version, mode, stratum, reference id) came from the same
  sender before.
- NBNS (137): name queries (opcode 0) with a question and no record.
- EtherNet/IP class-1 I/O (2222): CPF items whose first sequenced address item (0x8002)
  holds a connection id and sequence number (``cipio`` ``io``).
- EtherNet/IP on UDP 44818: List Identity requests (no data, status 0).
- DNP3 (20000): every datagram is framed into link frames and each judged as over TCP
  (``segment._judge`` with ``fast.dnp3``: the same CRC checks, counting rules, pairing slot,
  reassembly mirror and sampling; a routed frame goes to the session as its own PDU, which
  the session handles as the same frame inside the whole datagram). A datagram that is not
  whole link frames, or a frame ``dnp3_pdu`` hands over, hands the flow to Python before it.

Everything else (other opcodes and modes, the first of each identity answer, List Identity
replies, what the decoders would note) goes to the flow's Python session.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast import layout as L
from plantwarden.fast.dnp3 import dnp3_probe
from plantwarden.fast.events import flow_event, py_frame
from plantwarden.fast.frames import R_DPORT, R_DST, R_PLEN, R_POFF, R_SPORT, R_SRC, R_WEIRD
from plantwarden.fast.jit import jit
from plantwarden.fast.protos import u16be, u16le, u32le
from plantwarden.fast.segment import _emit, _judge, count
from plantwarden.fast.tables import OCCUPIED, find_or_add
from plantwarden.fast.watchk import WTables

DNS_HEADER = 12
DNS_MAX_HOPS = 32  # protocols.dns.wire.MAX_HOPS
DNS_MAX_RECORDS = 64  # protocols.dns.wire.MAX_RECORDS
_DNS_OPCODES = (0, 1, 2, 4, 5)  # protocols.dns.codes.OPCODES
_NBNS_DGM_TYPES = (0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16)  # protocols.nbns.codes.DGM_TYPES
_ENIP_COMMANDS = (0x0001, 0x0004, 0x0063, 0x0064, 0x0065, 0x0066, 0x006F, 0x0070, 0x0072, 0x0073)
LIST_IDENTITY = 0x0063


# -- DNS message walk (RFC 1035 4.1; protocols.dns.wire) ------------------------------------

@jit()
def dns_name(b: np.ndarray, o: int, end: int, off: int) -> int:
    """Offset after the name at ``off`` of the message ``b[o:end]``; -1 where ``wire.name``
    raises (past the end, label type 1 or 2, a loop of more than 32 labels and pointers)."""
    stop = -1
    for _ in range(DNS_MAX_HOPS):
        if off >= end:
            return -1
        n = np.int64(b[off])
        if n & 0xC0 == 0xC0:
            if off + 2 > end:
                return -1
            if stop < 0:
                stop = off + 2
            off = o + (((n & 0x3F) << 8) | np.int64(b[off + 1]))
            continue
        if n & 0xC0:
            return -1
        if n == 0:
            return off + 1 if stop < 0 else stop
        if off + 1 + n > end:
            return -1
        off += 1 + n
    return -1


@jit()
def dns_sections(b: np.ndarray, o: int, end: int) -> tuple[int, int, bool, bool, int]:
    """Walk the sections as ``wire.sections``: (first question type or -1, first record type or
    -1, an address record the session makes an identity of, an SRV record, records); the first
    is -2 when the walk fails (the session notes ``malformed``)."""
    qd = u16be(b, o + 4)
    nrec = u16be(b, o + 6) + u16be(b, o + 8) + u16be(b, o + 10)
    off = o + DNS_HEADER
    qtype, rtype, addr, srv = -1, -1, False, False
    for k in range(min(qd, DNS_MAX_RECORDS)):
        off = dns_name(b, o, end, off)
        if off < 0 or off + 4 > end:
            return -2, -1, False, False, 0
        if k == 0:
            qtype = u16be(b, off)
        off += 4
    nrec = min(nrec, DNS_MAX_RECORDS)
    for k in range(nrec):
        off = dns_name(b, o, end, off)
        if off < 0 or off + 10 > end:
            return -2, -1, False, False, 0
        t, rdlen = u16be(b, off), u16be(b, off + 8)
        off += 10
        if off + rdlen > end:
            return -2, -1, False, False, 0
        if k == 0:
            rtype = t
        if (t == 1 or t == 28) and (rdlen == 4 or rdlen == 16):
            addr = True
        srv = srv or t == 33
        off += rdlen
    return qtype, rtype, addr, srv, nrec


@jit()
def _dns_probe(b: np.ndarray, o: int, n: int) -> bool:
    """``protocols.dns.session.probe`` over UDP."""
    if n < DNS_HEADER:
        return False
    opcode = (np.int64(b[o + 2]) >> 3) & 0xF
    qd, an = u16be(b, o + 4), u16be(b, o + 6)
    if opcode not in _DNS_OPCODES or qd > 32 or qd + an == 0:
        return False
    off = dns_name(b, o, o + n, o + DNS_HEADER)
    if off < 0:
        return False
    return off + (4 if qd else 10) <= o + n and (qd > 0 or off + 10 + u16be(b, off + 8) <= o + n)


@jit()
def _seen_bytes(seen: np.ndarray, g: np.ndarray, h: np.uint64, src: int) -> bool:
    """True when the hash ``h`` came from ``src`` before (else remembers it; a full table
    remembers nothing more and answers False: the PDU goes to Python)."""
    if g[L.G_SEEN] * 10 > seen.shape[0] * 7:
        return False
    return find_or_add(seen, h, np.uint64(src) | OCCUPIED, g, L.G_SEEN) >= 0


@jit()
def _fnv(h: np.uint64, b: np.ndarray, start: int, stop: int) -> np.uint64:
    for k in range(start, stop):
        h = (h ^ np.uint64(b[k])) * np.uint64(1099511628211)
    return h


@jit()
def _dns_by_port(port: int) -> int:
    """``codes.PROTO_BY_PORT``: the label protocol (-1 LLMNR, left to Python; 0 none)."""
    if port == 53:
        return L.P_DNS
    if port == 5353:
        return L.P_MDNS
    if port == 5355:
        return -1
    return 0


@jit()
def _dns_pdu(b: np.ndarray, o: int, n: int, sport: int, dport: int, g: np.ndarray, seen: np.ndarray,
             src: int) -> tuple[int, int]:
    proto = _dns_by_port(dport)
    if proto == 0:
        proto = _dns_by_port(sport)
    if proto == 0:
        proto = L.P_DNS
    if proto < 0 or n < DNS_HEADER or (np.int64(b[o + 2]) >> 3) & 0xF:
        return L.A_ROUTE, 0
    qtype, rtype, addr, srv, _ = dns_sections(b, o, o + n)
    code = qtype if qtype >= 0 else rtype
    if qtype == -2 or code < 0 or srv:
        return L.A_ROUTE, 0
    qr = np.int64(b[o + 2]) >> 7
    if addr and (qr or proto == L.P_MDNS):  # the session's identities: the first of each content
        h = _fnv(np.uint64(1469598103934665603) ^ np.uint64(proto), b, o + 2, o + n)
        if not _seen_bytes(seen, g, h, src):
            return L.A_ROUTE, 0
    return L.A_COUNT, (proto << 24) | (qr << 16) | code


# -- NTP (RFC 5905 7.3; protocols.ntp.session) -----------------------------------------------

@jit()
def _ntp_probe(b: np.ndarray, o: int, n: int) -> bool:
    if n < 48 or n > 1024 or n % 4:
        return False
    version, mode = (np.int64(b[o]) >> 3) & 7, np.int64(b[o]) & 7
    return 1 <= version <= 4 and 1 <= mode <= 5 and b[o + 1] <= 16


@jit()
def _ntp_pdu(b: np.ndarray, o: int, n: int, g: np.ndarray, seen: np.ndarray, src: int) -> tuple[int, int]:
    if n < 48:
        return L.A_ROUTE, 0
    mode = np.int64(b[o]) & 7
    if mode != 3 and mode != 4:
        return L.A_ROUTE, 0
    h = _fnv(np.uint64(1469598103934665603) ^ np.uint64(L.P_NTP), b, o, o + 2)
    h = _fnv(h, b, o + 12, o + 16)
    if not _seen_bytes(seen, g, h, src):
        return L.A_ROUTE, 0
    return L.A_COUNT, (L.P_NTP << 24) | mode


# -- NBNS (RFC 1002 4.2; protocols.nbns.session) ---------------------------------------------

@jit()
def _nbns_probe(b: np.ndarray, o: int, n: int) -> bool:
    if n >= 14 and b[o] in _NBNS_DGM_TYPES and np.int64(b[o + 1]) & 0xF0 == 0:
        return n < 82 or b[o + 14] == 0x20
    return n >= 50 and b[o + 12] == 0x20 and (np.int64(b[o + 2]) & 0x78) in (0, 0x28, 0x30, 0x38, 0x40)


@jit()
def _nbns_pdu(b: np.ndarray, o: int, n: int, sport: int, dport: int) -> tuple[int, int]:
    if (sport == 138 or dport == 138) and sport != 137 and dport != 137:
        return L.A_ROUTE, 0  # the datagram service
    if n < DNS_HEADER or np.int64(b[o + 2]) & 0xF8:  # a response, or another opcode
        return L.A_ROUTE, 0
    qtype, _, _, _, nrec = dns_sections(b, o, o + n)
    if qtype < 0 or nrec:
        return L.A_ROUTE, 0
    return L.A_COUNT, (L.P_NBNS << 24) | qtype


# -- EtherNet/IP over UDP (ODVA Vol 2, 2-6; protocols.enip.session) --------------------------

@jit()
def _io_address(b: np.ndarray, o: int, n: int, want_two: bool) -> bool:
    """CPF items at ``o`` parse (``wire.cpf_items``) and the first 0x8002 item holds 8 bytes;
    with ``want_two``, exactly the items 0x8002 then 0xB1 (``_looks_like_io``)."""
    if n < 2:
        return False
    items = u16le(b, o)
    pos, end = o + 2, o + n
    found = False
    for k in range(items):
        if pos + 4 > end:
            return False
        type_id, length = u16le(b, pos), u16le(b, pos + 2)
        pos += 4
        if pos + length > end:
            return False
        if want_two and ((k == 0 and type_id != 0x8002) or (k == 1 and type_id != 0x00B1)):
            return False
        if type_id == 0x8002 and not found:
            if length < 8 and not want_two:
                return False
            found = True
        pos += length
    return items == 2 if want_two else found


@jit()
def _enip_probe(b: np.ndarray, o: int, n: int) -> bool:
    """``EnipSpec.probe``: whole encapsulation PDUs of known commands without options (the
    first not a NOP), or else the two I/O items."""
    if n >= 24 and u16le(b, o) in _ENIP_COMMANDS and u32le(b, o + 20) == 0:
        off = o
        while off < o + n:
            if o + n - off < 24:
                return False
            cmd = u16le(b, off)
            if (cmd != 0 and cmd not in _ENIP_COMMANDS) or u32le(b, off + 20) != 0:
                return False
            off += 24 + u16le(b, off + 2)
        return off == o + n
    return _io_address(b, o, n, True)


@jit()
def _enip_pdu(b: np.ndarray, o: int, n: int, sport: int, dport: int) -> tuple[int, int]:
    if sport == 2222 or dport == 2222:
        if _io_address(b, o, n, False):
            return L.A_COUNT, L.P_ENIP_IO << 24
        return L.A_ROUTE, 0
    if n == 24 and u16le(b, o) == LIST_IDENTITY and u16le(b, o + 2) == 0 and u32le(b, o + 8) == 0:
        return L.A_COUNT, (L.P_ENIP << 24) | LIST_IDENTITY
    return L.A_ROUTE, 0


# -- DNP3 over UDP (IEEE 1815-2012 Annex C; protocols.dnp3.session) -------------------------

@jit(inline="always")
def _dnp3_datagram(b: np.ndarray, o: int, n: int, r: np.ndarray, d: int, row: np.ndarray, tmp: np.ndarray,
                   g: np.ndarray, seen: np.ndarray, scratch: np.ndarray, w: WTables) -> int:
    """The link frames of a datagram judged into ``scratch`` as a TCP segment's are; the flow's
    pairing slot and reassembly mirror updated. -1 hands the flow over (slot unchanged)."""
    for q in range(L.F_PAIRING):
        tmp[q] = row[L.F_SKEY + q]
    k = _judge(b, o, n, L.P_DNP3, r, d, tmp, g, seen, scratch, row, w)
    if k >= 0:
        for q in range(L.F_PAIRING):
            row[L.F_SKEY + q] = tmp[q]
    return k


# -- the datagram ---------------------------------------------------------------------------

@jit()
def udp_probe(pid: int, b: np.ndarray, o: int, n: int) -> bool:
    """The server port's ``ProtocolSpec.probe`` on the flow's first payload."""
    if pid == L.P_DNS:
        return _dns_probe(b, o, n)
    if pid == L.P_NTP:
        return _ntp_probe(b, o, n)
    if pid == L.P_NBNS:
        return _nbns_probe(b, o, n)
    if pid == L.P_DNP3:
        return dnp3_probe(b, o, n)
    return _enip_probe(b, o, n)  # EtherNet/IP: UDP 2222 and 44818


@jit()
def udp_pdu(pid: int, b: np.ndarray, o: int, n: int, sport: int, dport: int, g: np.ndarray,
            seen: np.ndarray, src: int) -> tuple[int, int]:
    """(action, label) of one datagram of a flow whose first payload passed the probe."""
    if pid == L.P_DNS:
        return _dns_pdu(b, o, n, sport, dport, g, seen, src)
    if pid == L.P_NTP:
        return _ntp_pdu(b, o, n, g, seen, src)
    if pid == L.P_NBNS:
        return _nbns_pdu(b, o, n, sport, dport)
    return _enip_pdu(b, o, n, sport, dport)


@jit(inline="always")
def udp_packet(b: np.ndarray, off: int, incl: int, orig: int, frame: int, ts: int, r: np.ndarray,
               i: int, a_is_src: bool, fkey: np.ndarray, fl: np.ndarray, ckey: np.ndarray,
               cval: np.ndarray, seen: np.ndarray, g: np.ndarray, ev: np.ndarray, ne: int,
               kport: np.ndarray, tmp: np.ndarray, scratch: np.ndarray, w: WTables) -> int:
    """One UDP packet of flow row ``i``; returns the event count (``r[13]`` set: Python has it)."""
    row = fl[i]
    d = 0 if a_is_src == (row[L.F_CLIENT_IS_A] == 1) else 1
    if r[R_WEIRD] and row[L.F_MODE] == L.MODE_KERNEL:
        ne = flow_event(ev, ne, L.K_HANDOVER, fl, fkey, i, frame, ts)
        row[L.F_MODE] = L.MODE_PY_HANDED
    act, label, k = L.A_SKIP, 0, 0
    if row[L.F_MODE] == L.MODE_KERNEL and r[R_PLEN] > 0:
        server_port = r[R_DPORT] if d == 0 else r[R_SPORT]
        pid = (kport[server_port] >> L.KPORT_UDP_SHIFT) & 0xFF
        if pid != L.P_SSDP:
            o, n = r[R_POFF], r[R_PLEN]
            if row[L.F_PROTO] == 0 and not udp_probe(pid, b, o, n):
                ne = flow_event(ev, ne, L.K_HANDOVER, fl, fkey, i, frame, ts)
                row[L.F_MODE] = L.MODE_PY_HANDED
            else:
                row[L.F_PROTO] = L.P_ENIP if pid == L.P_ENIP_IO else pid
                if pid == L.P_DNP3:
                    k = _dnp3_datagram(b, o, n, r, d, row, tmp, g, seen, scratch, w)
                    if k < 0:
                        ne = flow_event(ev, ne, L.K_HANDOVER, fl, fkey, i, frame, ts)
                        row[L.F_MODE] = L.MODE_PY_HANDED
                else:
                    act, label = udp_pdu(pid, b, o, n, r[R_SPORT], r[R_DPORT], g, seen, r[R_SRC])
    if row[L.F_MODE] != L.MODE_KERNEL:
        row[L.F_LAST] = ts
        r[13] = 1
        return py_frame(ev, ne, frame, ts, off, incl, orig)
    row[L.F_PK0 + d] += 1
    row[L.F_BY0 + d] += orig
    row[L.F_LAST] = ts
    if act == L.A_COUNT:
        count(ckey, cval, g, r[R_SRC], r[R_DST], label, ts, frame, L.G_CONVS)
    elif act == L.A_ROUTE:
        row[L.F_ROUTED] = 1
        ne = flow_event(ev, ne, L.K_PDU, fl, fkey, i, frame, ts)
        ev[ne - 1, L.E_OFF], ev[ne - 1, L.E_LEN], ev[ne - 1, L.E_DIR] = r[R_POFF], r[R_PLEN], d
    elif k > 0:
        ne = _emit(scratch, k, r[R_SRC], r[R_DST], ts, frame, d, fl, fkey, i, ckey, cval, g, ev, ne, w)
    return ne
