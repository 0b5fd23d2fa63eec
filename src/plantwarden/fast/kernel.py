"""The fused kernel: pcap record walk, L2-L4, flow table, TCP sequence, TCP and UDP PDU counting.

One call walks the records of ``buf[pos:end]`` (classic pcap, draft-ietf-opsawg-pcap §5)
until the buffer ends with a partial record, the event table is nearly full, or something
only the Python engine can follow appears (``S_BAIL``). It mirrors the flow rules of
:mod:`plantwarden.net.flows` and :mod:`plantwarden.net.tcpstream` (client = SYN side or
the service-port guess, new flow on SYN after close or after 300 s idle, retransmissions
dropped, mid-stream start on the first segment longer than one byte; UDP flows keyed apart
from TCP ones, their client guessed from the UDP service ports: :mod:`plantwarden.fast.udp`)
and writes events for Python in capture order: frames and PDUs to hand over, flows that ended.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast import layout as L
from plantwarden.fast.events import flow_event, py_frame
from plantwarden.fast.frames import (
    KIND_BAIL,
    KIND_TCP,
    KIND_UDP,
    R_DPORT,
    R_DST,
    R_KIND,
    R_SPORT,
    R_SRC,
    R_TTL,
    R_WEIRD,
    parse,
)
from plantwarden.fast.jit import jit
from plantwarden.fast.segment import count, tcp_packet
from plantwarden.fast.tables import OCCUPIED, delete, find, find_or_add
from plantwarden.fast.udp import udp_packet
from plantwarden.fast.watchk import (
    CV_ZONE,
    P_ANSWERED,
    P_ORIGIN_TTL,
    P_SILENT,
    P_SYN_RST,
    P_ZONE,
    P_ZONE_FLOW,
    W_REC,
    W_SYNP,
    W_WG,
    WTables,
    close_run,
    flow_watch,
    learn_record,
    pkt_event,
    tick_event,
)


@jit(inline="always")
def _u32(b: np.ndarray, o: int, big: bool) -> int:
    b0, b1, b2, b3 = np.int64(b[o]), np.int64(b[o + 1]), np.int64(b[o + 2]), np.int64(b[o + 3])
    if big:
        return (b0 << 24) | (b1 << 16) | (b2 << 8) | b3
    return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)


@jit()
def add_edge(ekey: np.ndarray, edges: np.ndarray, g: np.ndarray, fkey: np.ndarray, row: np.ndarray,
             i: int) -> None:
    """Add the ended flow of row ``i`` to its edge (client, server, server port, protocol)."""
    a, bb = fkey[i, 0] >> np.uint64(32), fkey[i, 0] & np.uint64(0xFFFFFFFF)
    ports = np.int64(fkey[i, 1] & np.uint64(0xFFFFFFFF))
    if row[L.F_CLIENT_IS_A]:
        k0, port = (a << np.uint64(32)) | bb, ports & 0xFFFF
    else:
        k0, port = (bb << np.uint64(32)) | a, ports >> 16
    udp = (fkey[i, 1] >> np.uint64(32)) & np.uint64(1)  # the flow's transport (bit 40 of the edge key)
    j = find_or_add(ekey, k0, OCCUPIED | (udp << np.uint64(40)) | np.uint64((port << 8) | row[L.F_PROTO]), g,
                    L.G_EDGES)
    packets, nbytes = row[L.F_PK0] + row[L.F_PK1], row[L.F_BY0] + row[L.F_BY1]
    if j < 0:
        j = -j - 1
        edges[j, 0], edges[j, 1], edges[j, 2] = 1, packets, nbytes
        edges[j, 3], edges[j, 4] = row[L.F_FIRST], row[L.F_LAST]
    else:
        edges[j, 0] += 1
        edges[j, 1] += packets
        edges[j, 2] += nbytes
        edges[j, 3] = min(edges[j, 3], row[L.F_FIRST])
        edges[j, 4] = max(edges[j, 4], row[L.F_LAST])


@jit()
def end_flow(ev: np.ndarray, ne: int, fl: np.ndarray, fkey: np.ndarray, i: int, g: np.ndarray,
             ekey: np.ndarray, edges: np.ndarray, w: WTables) -> int:
    """Forget row ``i``. A flow the kernel still owns goes to the edge table; Python hears of
    its end only when one of its PDUs went to a Python session (to drop that session)."""
    row = fl[i]
    if g[L.G_LEARN]:
        close_run(w, fkey, row, i, g[L.G_FRAMES], g[L.G_LAST_TS], ne)
    if row[L.F_MODE] == L.MODE_KERNEL:
        add_edge(ekey, edges, g, fkey, row, i)
        if row[L.F_ROUTED]:
            ne = flow_event(ev, ne, L.K_END, fl, fkey, i, 0, 0)
    delete(fkey, fl, i)
    g[L.G_FLOWS] -= 1
    return ne


@jit()
def _new_flow(fl: np.ndarray, i: int, r: np.ndarray, a_is_src: bool, ts: int, svc: np.ndarray,
              kport: np.ndarray, g: np.ndarray, weird: bool, w: WTables, aval: np.ndarray) -> None:
    flags, sport, dport = r[5], r[R_SPORT], r[R_DPORT]  # frames.R_FLAGS == 5
    udp = r[R_KIND] == KIND_UDP
    syn = flags & 0x12
    if syn == 0x12 and not udp:
        client_is_src = False
    elif syn != 0x02 or udp:
        bit = L.SVC_UDP if udp else L.SVC_TCP
        sk, dk = svc[sport] & bit != 0, svc[dport] & bit != 0
        client_is_src = dk if sk != dk else dport <= sport
    else:
        client_is_src = True
    row = fl[i]
    row[:] = 0
    g[L.G_SERIAL] += 1
    row[L.F_SERIAL] = g[L.G_SERIAL]
    row[L.F_CLIENT_IS_A] = 1 if client_is_src == a_is_src else 0
    row[L.F_FIRST], row[L.F_LAST] = ts, ts
    row[L.F_NSEQ0], row[L.F_NSEQ1], row[L.F_SKEY], row[L.F_SAMPLED] = -1, -1, -1, -1
    row[L.F_SKEY2] = -1
    server_port = dport if client_is_src else sport
    client, server = (r[R_SRC], r[R_DST]) if client_is_src else (r[R_DST], r[R_SRC])
    kp = kport[server_port] & 0xFF
    if udp:  # detection and learning see every UDP packet in Python (fast.udp)
        kp = 0 if g[L.G_DETECT] or g[L.G_LEARN] else (kport[server_port] >> L.KPORT_UDP_SHIFT) & 0xFF
    elif g[L.G_DETECT] and kp and not flow_watch(w, aval, row, client, server, server_port):
        weird = True  # a conversation the baseline does not know: every rule sees it in Python
    if kp and not weird:
        row[L.F_MODE] = L.MODE_KERNEL
        g[L.G_KFLOWS] += 1
    else:
        row[L.F_MODE] = L.MODE_PY_FRESH


@jit(inline="always")
def _flow_slot(fkey: np.ndarray, fl: np.ndarray, r: np.ndarray, ts: int, ev: np.ndarray, ne: int,
               svc: np.ndarray, kport: np.ndarray, g: np.ndarray, ekey: np.ndarray,
               edges: np.ndarray, w: WTables, aval: np.ndarray) -> tuple[int, int, bool]:
    """Row of the packet's flow (created, expired or restarted as the Python engine would)."""
    src, dst, sp, dp = r[R_SRC], r[R_DST], r[R_SPORT], r[R_DPORT]
    a_is_src = (src, sp) <= (dst, dp)
    udp = np.uint64(1 if r[R_KIND] == KIND_UDP else 0) << np.uint64(32)  # the transport is in the key
    if a_is_src:
        k0 = (np.uint64(src) << np.uint64(32)) | np.uint64(dst)
        k1 = OCCUPIED | udp | np.uint64((sp << 16) | dp)
    else:
        k0 = (np.uint64(dst) << np.uint64(32)) | np.uint64(src)
        k1 = OCCUPIED | udp | np.uint64((dp << 16) | sp)
    i = find(fkey, k0, k1)
    if i >= 0:
        st = fl[i, L.F_STATE]
        restart = (r[5] & 0x12) == 0x02 and st in (L.ST_CLOSING, L.ST_CLOSED, L.ST_RESET)
        if ts - fl[i, L.F_LAST] > L.IDLE_NS or restart:
            ne = end_flow(ev, ne, fl, fkey, i, g, ekey, edges, w)
            i = -1
    if i >= 0:
        return i, ne, a_is_src
    j = -find_or_add(fkey, k0, k1, g, L.G_FLOWS) - 1
    _new_flow(fl, j, r, a_is_src, ts, svc, kport, g, r[R_WEIRD] != 0, w, aval)
    return j, ne, a_is_src


@jit(inline="always")
def _recs_full(w: WTables) -> bool:
    """The record table has no room left for a flow's closing record (learning)."""
    return w[W_WG][L.WG_NREC] + 2 > w[W_REC].shape[0]


@jit()
def _room(ekey: np.ndarray, g: np.ndarray) -> bool:
    """The edge table may take one more entry before it must grow (at most half full)."""
    return (g[L.G_EDGES] + 1) * 2 <= ekey.shape[0]


@jit()
def expire(fkey: np.ndarray, fl: np.ndarray, now: int, ev: np.ndarray, ne: int, g: np.ndarray,
           limit: int, ekey: np.ndarray, edges: np.ndarray, w: WTables) -> int:
    """End flows idle for longer than the timeout (stops when ``limit`` events are used or the
    edge table must grow first; the rest expire at a later chunk or at the end)."""
    i = 0
    cap = fkey.shape[0]
    while i < cap and ne < limit and _room(ekey, g) and not (g[L.G_LEARN] and _recs_full(w)):
        if fkey[i, 1] != 0 and now - fl[i, L.F_LAST] > L.IDLE_NS:
            ne = end_flow(ev, ne, fl, fkey, i, g, ekey, edges, w)
            continue  # backward shift may have moved another row into slot i
        i += 1
    return ne


@jit()
def finish(fkey: np.ndarray, fl: np.ndarray, ev: np.ndarray, g: np.ndarray, kernel_only: bool,
           ekey: np.ndarray, edges: np.ndarray, w: WTables) -> tuple[int, bool]:
    """End every flow row (capture over, or handing everything to Python).

    Returns (events written, more to do): it stops early when the event table is full or the
    edge table must grow; call again after draining and growing."""
    ne = 0
    limit = ev.shape[0] - 2
    for i in range(fkey.shape[0]):
        if ne >= limit or not _room(ekey, g) or (g[L.G_LEARN] and _recs_full(w)):
            return ne, True
        if g[L.G_LEARN] and fkey[i, 1] != 0:
            close_run(w, fkey, fl[i], i, g[L.G_FRAMES], g[L.G_LAST_TS], ne)
        if fkey[i, 1] != 0 and fl[i, L.F_MODE] == L.MODE_KERNEL:
            if not kernel_only:
                ne = flow_event(ev, ne, L.K_HANDOVER, fl, fkey, i, 0, 0)
            else:
                add_edge(ekey, edges, g, fkey, fl[i], i)
                if fl[i, L.F_ROUTED]:
                    ne = flow_event(ev, ne, L.K_END, fl, fkey, i, 0, 0)
            fl[i, L.F_MODE] = L.MODE_PY_HANDED
    return ne, False


@jit(inline="always")
def _wants_packet(w: WTables, row: np.ndarray, r: np.ndarray, ts: int, bkey: np.ndarray, bval: np.ndarray,
                  g: np.ndarray) -> int:
    """Detection: why the packet rules need this packet of a kept flow (P_* bits), or 0.

    Connection attempts and resets (rules.silence, rules.scans), a packet from a host that was
    tried since it last sent (rules.silence), a flow the zone or public-address rules speak
    for (at its start and every 250 s: their bursts last 300 s), the first answered packet of a
    MAC-IP pair (rules.inventory: new asset, new MAC), its first with an origin TTL
    (rules.zones: dual-homed hosts)."""
    flags, synp = r[5], w[W_SYNP]
    if flags & 0x12 == 0x02:
        synp[r[R_DST]] = 1
    if row[L.F_MODE] != L.MODE_KERNEL or r[R_WEIRD]:
        return 0
    want = P_SYN_RST if flags & 0x06 else 0
    if synp[r[R_SRC]]:
        want |= P_SILENT
    if row[L.F_WATCH] & CV_ZONE and (row[L.F_ZTS] == 0 or ts - row[L.F_ZTS] >= 250_000_000_000):
        want |= P_ZONE
    slot = find(bkey, (np.uint64(r[12]) << np.uint64(32)) | np.uint64(r[R_SRC]), OCCUPIED)
    answered = not (flags & 0x04 or flags & 0x12 == 0x02)
    if answered and (slot < 0 or not bval[slot, 4]):
        want |= P_ANSWERED
    ttl = r[R_TTL]
    if g[L.G_DETECT] == 2 and (ttl == 64 or ttl == 128 or ttl == 255) and (slot < 0 or not bval[slot, 5]):
        want |= P_ORIGIN_TTL
    if want and row[L.F_WATCH] & CV_ZONE:
        want |= P_ZONE_FLOW
    return want


@jit(inline="always")
def _seen_packet(w: WTables, row: np.ndarray, r: np.ndarray, ts: int, bval: np.ndarray, j: int,
                 want: int) -> None:
    if want & P_SILENT:
        w[W_SYNP][r[R_SRC]] = 0
    if want & P_ZONE:
        row[L.F_ZTS] = ts
    if want & P_ANSWERED:
        bval[j, 4] = 1
    if want & P_ORIGIN_TTL:
        bval[j, 5] = 1


@jit(inline="always")
def _open_run(w: WTables, fkey: np.ndarray, row: np.ndarray, i: int, r: np.ndarray, frame: int, ts: int,
              a_is_src: bool, ne: int) -> int:
    """Learning, before a packet of a kernel flow: a run of its address-port pair starts here
    (its first packet in the row, a SYN, a SYN-ACK); the record's index, or -1."""
    syn = r[5] & 0x12
    if row[L.F_LRUN] != 0 and syn != 0x02 and syn != 0x12:
        return -1
    close_run(w, fkey, row, i, frame, ts, ne)
    at = w[W_WG][L.WG_NREC]
    learn_record(w, L.LK_OPEN, frame, ts, r[R_SRC], r[R_DST], r[R_SPORT], r[R_DPORT], r[5], r[12], 0, 0, 0,
                 ne)
    row[L.F_LRUN] = 1 if a_is_src else 2
    return at


@jit(inline="always")
def _ran(w: WTables, fkey: np.ndarray, row: np.ndarray, i: int, r: np.ndarray, frame: int, ts: int,
         a_is_src: bool, mark: int, opened: int) -> None:
    """Learning, after the packet: counted in its run, or (the packet went to Python, which
    sees it itself) its run ends before it."""
    if not r[13]:  # frames.R_HANDED
        if opened < 0:
            row[L.F_LN0 if a_is_src else L.F_LN1] += 1
    elif opened >= 0:  # the packet opened the run: no run then (nothing was written after it)
        w[W_WG][L.WG_NREC] = opened
        row[L.F_LRUN] = 0
    else:
        close_run(w, fkey, row, i, frame, ts, mark)


@jit()
def _retract(ev: np.ndarray, mark: int, ne: int) -> int:
    """Remove event ``mark`` (a K_PKT whose packet went to Python); later ones move up."""
    for q in range(mark, ne - 1):
        for c in range(ev.shape[1]):
            ev[q, c] = ev[q + 1, c]
    return ne - 1


@jit(nogil=True)
def walk(buf: np.ndarray, pos: int, end: int, big: bool, mult: int, limit: int, g: np.ndarray,
         fkey: np.ndarray, fl: np.ndarray, akey: np.ndarray, aval: np.ndarray, ckey: np.ndarray,
         cval: np.ndarray, seen: np.ndarray, svc: np.ndarray, kport: np.ndarray,
         ev: np.ndarray, r: np.ndarray, tmp: np.ndarray, scratch: np.ndarray, bkey: np.ndarray,
         bval: np.ndarray, ekey: np.ndarray, edges: np.ndarray, w: WTables) -> tuple[int, int, int]:
    """Walk records from ``pos``; returns (position reached, events written, status).

    Compiled without the numba runtime (``_nrt=False``): no reference counting on the array
    views of the hot loop, so the work arrays ``r``, ``tmp`` and ``scratch`` come from
    the caller (:class:`plantwarden.fast.tables.Tables`)."""
    ne = 0
    evlimit = ev.shape[0] - L.EVENT_MARGIN
    reclimit = w[W_REC].shape[0] - 3 * L.MAX_SEG_PDUS
    while pos + 16 <= end:
        if ne >= evlimit or ((g[L.G_DETECT] or g[L.G_LEARN]) and w[W_WG][L.WG_NREC] >= reclimit):
            return pos, ne, L.S_EVENTS
        incl, orig = _u32(buf, pos + 8, big), _u32(buf, pos + 12, big)
        if incl > L.MAX_CAPLEN:
            g[L.G_GARBAGE_LEN] = incl
            return pos, ne, L.S_GARBAGE
        nxt = pos + 16 + incl
        if nxt > end:
            break
        if not g[L.G_ALLPY] and (g[L.G_FLOWS] * 2 > fkey.shape[0] or g[L.G_CONVS] * 2 > ckey.shape[0]
                                 or g[L.G_ADDRS] * 2 > akey.shape[0] or g[L.G_ADDRS] + 8 > aval.shape[0]
                                 or g[L.G_BINDS] * 2 > bkey.shape[0] or not _room(ekey, g)):
            return pos, ne, L.S_GROW
        ts = _u32(buf, pos, big) * 1_000_000_000 + _u32(buf, pos + 4, big) * mult
        if not g[L.G_ALLPY]:
            parse(buf, pos + 16, incl, r, akey, aval, g)
            if r[R_KIND] == KIND_BAIL:
                return pos, ne, L.S_BAIL
        frame = g[L.G_FRAMES] + 1
        g[L.G_FRAMES] = frame
        if incl > limit:
            if g[L.G_OVERSNAP] == 0:
                g[L.G_OVERSNAP_FIRST], g[L.G_OVERSNAP_LEN] = frame, incl
            g[L.G_OVERSNAP] += 1
        if incl < orig:
            if g[L.G_CUT] == 0:
                g[L.G_CUT_FIRST] = frame
            g[L.G_CUT] += 1
        if g[L.G_PACKETS] == 0:
            g[L.G_FIRST_TS] = ts
        g[L.G_PACKETS] += 1
        g[L.G_BYTES] += orig
        g[L.G_LAST_TS] = ts
        if g[L.G_DETECT] and ts >= g[L.G_NEXT_TICK]:  # the polling rules' clock (rules.polling.tick)
            ne = tick_event(ev, ne, frame, ts)
            g[L.G_NEXT_TICK] = ts + L.TICK_NS
        if g[L.G_ALLPY] or (r[R_KIND] != KIND_TCP and r[R_KIND] != KIND_UDP):
            ne = py_frame(ev, ne, frame, ts, pos + 16, incl, orig)
        elif r[R_KIND] == KIND_UDP:
            i, ne, a_is_src = _flow_slot(fkey, fl, r, ts, ev, ne, svc, kport, g, ekey, edges, w, aval)
            ne = udp_packet(buf, pos + 16, incl, orig, frame, ts, r, i, a_is_src, fkey, fl, ckey, cval,
                            seen, g, ev, ne, kport, tmp, scratch, w)
            if not r[13]:  # frames.R_HANDED
                count(bkey, bval, g, r[12], r[R_SRC], 0, ts, frame, L.G_BINDS)
        else:
            i, ne, a_is_src = _flow_slot(fkey, fl, r, ts, ev, ne, svc, kport, g, ekey, edges, w, aval)
            mark, want = ne, 0
            if g[L.G_DETECT]:
                want = _wants_packet(w, fl[i], r, ts, bkey, bval, g)
                if want:
                    ne = pkt_event(ev, ne, frame, ts, r, r[R_TTL], orig, want)
            opened = -2
            if g[L.G_LEARN] and fl[i, L.F_MODE] == L.MODE_KERNEL:
                opened = _open_run(w, fkey, fl[i], i, r, frame, ts, a_is_src, ne)
            ne = tcp_packet(buf, pos + 16, incl, orig, frame, ts, r, i, a_is_src, fkey, fl, ckey,
                            cval, seen, g, ev, ne, tmp, scratch, w)
            if opened != -2:
                _ran(w, fkey, fl[i], i, r, frame, ts, a_is_src, mark, opened)
            if not r[13]:  # frames.R_HANDED: the kernel consumed it, so it records the binding
                j = count(bkey, bval, g, r[12], r[R_SRC], 0, ts, frame, L.G_BINDS)
                if want:
                    _seen_packet(w, fl[i], r, ts, bval, j, want)
            elif want:  # the packet went to Python after all, which shows it to every rule
                ne = _retract(ev, mark, ne)
        pos = nxt
    return pos, ne, L.S_MORE
