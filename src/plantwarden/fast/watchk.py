"""The kernel's side of detection (numba): which flows it keeps, which requests it may count,
their symbol keys, and the packet events and request records it writes (see fast.watch).

``w`` is the tuple of arrays :class:`plantwarden.fast.watch.Watch` and the kernel's detection
state make (indices ``W_*``); with detection off it holds empty tables and is never read.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment,index"

from __future__ import annotations

import numpy as np

from plantwarden.fast import layout as L
from plantwarden.fast.jit import jit
from plantwarden.fast.tables import OCCUPIED, find, find_or_add, mix

# label rows (int64 linfo[slot, NL]); the key table is lkey[slot, 2] = [label, OCCUPIED]
LI_PROTO, LI_REQ, LI_WRITE, LI_CODE, LI_TEXT, LI_TLEN = range(6)
NL = 6
REQ_NO, REQ_YES, REQ_TO_SERVER, REQ_MODBUS = 0, 1, 2, 3  # request mode of a label
# channel flags
CH_RECORDS, CH_WRITER = 1, 2  # needs request records (periods or a trained sequence); client writes
# conversation flags
CV_KNOWN, CV_ZONE = 1, 2  # in the baseline; the zone or public-address rules may speak for it
# the identity-sweep rule (rules.scans.on_identity) ignores the answers of a device its asker
# talks to in the baseline ((client, server) among the baseline's protocol pairs), and what a
# client says of itself; the kernel may then count repeated identity answers as it does
# without detection
CV_ASK = 4
# why the kernel sends a packet to the packet rules (K_PKT, its E_FIRST column): a connection
# attempt or reset, a tried host's packet, a zone flow's periodic packet, a MAC-IP pair's first
# answered packet, its first with an origin TTL; and (with a reason) the zone rules speak for
# the flow. Only the silence rule and the clock need a packet with no more than the first two
# (Detector.observe_known_tcp).
P_SYN_RST, P_SILENT, P_ZONE, P_ANSWERED, P_ORIGIN_TTL, P_ZONE_FLOW = 1, 2, 4, 8, 16, 32
SILENCE_ONLY = P_SYN_RST | P_SILENT


@jit()
def baseline_id(baddr: np.ndarray, hi: np.uint64, lo: np.uint64, kind: int) -> int:
    """The baseline id of an address, or -1."""
    mask = baddr.shape[0] - 1
    tag = np.uint64(kind) | OCCUPIED
    i = np.int64(mix(hi ^ np.uint64(kind), lo)) & mask
    while baddr[i, 2] != 0:
        if baddr[i, 0] == hi and baddr[i, 1] == lo and baddr[i, 2] == tag:
            return np.int64(baddr[i, 3])
        i = (i + 1) & mask
    return -1



(W_BADDR, W_CHANK, W_CHAN, W_CONVK, W_CONV, W_CODEK, W_CODEI, W_UNITS, W_RAT, W_RANGES, W_LABK, W_LAB,
 W_TEXT, W_AREA, W_SYNP, W_REC, W_SKEY, W_SVAL, W_SPOOL, W_WG, W_SBUF, W_MEMO) = range(22)

WTables = tuple[np.ndarray, ...]  # the W_* arrays
MEMO_LABELS = 1 << 24  # label rows a memo key has room for (fast.watchk.modbus_symbol)
FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)


@jit(inline="always")
def _bid(aval: np.ndarray, baddr: np.ndarray, kid: int) -> int:
    return baseline_id(baddr, aval[kid, 0], aval[kid, 1], np.int64(aval[kid, 2]))


@jit()
def flow_watch(w: WTables, aval: np.ndarray, row: np.ndarray, client: int, server: int, port: int) -> bool:
    """At a new flow: baseline ids and conversation flags into the row; False when the
    conversation is not in the baseline (the Python engine then takes the flow)."""
    bc, bs = _bid(aval, w[W_BADDR], client), _bid(aval, w[W_BADDR], server)
    row[L.F_BC], row[L.F_BS], row[L.F_CHP0], row[L.F_CHP1] = bc, bs, 0, 0
    if bc < 0 or bs < 0:
        return False
    slot = find(w[W_CONVK], np.uint64((bc << 32) | bs), OCCUPIED | np.uint64(port))
    row[L.F_WATCH] = w[W_CONV][slot] if slot >= 0 else 0
    return (row[L.F_WATCH] & CV_KNOWN) != 0


@jit(inline="always")
def _channel(w: WTables, row: np.ndarray, proto: int) -> int:
    """(table slot << 40) | (flags << 32) | channel of the flow's channel for ``proto``, -1 when
    the baseline does not know it."""
    for c in (L.F_CHP0, L.F_CHP1):
        if row[c] == proto + 1:
            return row[c + 1]
    slot = find(w[W_CHANK], np.uint64((row[L.F_BC] << 32) | row[L.F_BS]), OCCUPIED | np.uint64(proto))
    found = -1 if slot < 0 else (slot << 40) | (w[W_CHAN][slot, 1] << 32) | w[W_CHAN][slot, 0]
    c = L.F_CHP0 if row[L.F_CHP0] == 0 else L.F_CHP1
    row[c], row[c + 1] = proto + 1, found
    return found


@jit(inline="always")
def _modbus_points(b: np.ndarray, pos: int, fc: int) -> tuple[int, int]:
    """First point and count of a Modbus request (ops.point_range): the quantity field of
    the reads and multiple writes, 1 for the single writes."""
    address = (np.int64(b[pos + 8]) << 8) | np.int64(b[pos + 9])
    qty = 1
    if fc <= 4 or fc in (15, 16, 23):
        qty = max((np.int64(b[pos + 10]) << 8) | np.int64(b[pos + 11]), 1)
    return address, qty


@jit(inline="always")
def _put(sbuf: np.ndarray, n: int, byte: int) -> int:
    if n < sbuf.shape[0]:
        sbuf[n] = byte
    return n + 1


@jit()
def _itoa(sbuf: np.ndarray, n: int, v: int) -> int:
    if v < 0:
        n = _put(sbuf, n, 45)
        v = -v
    digits = 1
    t = v
    while t >= 10:
        t //= 10
        digits *= 10
    while digits:
        n = _put(sbuf, n, 48 + (v // digits) % 10)
        digits //= 10
    return n


@jit()
def _s7_items(b: np.ndarray, pos: int, m: int, sbuf: np.ndarray, n: int, area: np.ndarray) -> int:
    """``@area.byte+length,...`` of the first four items (ops.items_text), or nothing when
    an item is not S7ANY (wire.var_items, values.item_details)."""
    li = np.int64(b[pos + 4])
    p = pos + 5 + li  # the S7 header
    plen = (np.int64(b[p + 6]) << 8) | np.int64(b[p + 7])
    param, pend = p + 10, p + 10 + plen
    count = np.int64(b[param + 1]) if plen > 1 else 0
    off = param + 2
    start = n
    for k in range(min(count, 4)):
        if off + 2 > pend:
            break
        size = np.int64(b[off + 1])
        spec = off + 2
        if min(size, pend - spec) < 10 or b[spec] != 0x10:
            return start  # an item of another syntax: no items text
        n = _put(sbuf, n, 64 if k == 0 else 44)
        code = np.int64(b[spec + 6])
        if code == 0x84 or code == 0x85:
            n = _put(sbuf, _put(sbuf, n, 68), 66)
            n = _itoa(sbuf, n, (np.int64(b[spec + 4]) << 8) | np.int64(b[spec + 5]))
        else:
            for j in range(16):
                if area[code, j] == 0:
                    break
                n = _put(sbuf, n, area[code, j])
        address = (np.int64(b[spec + 7]) << 16) | (np.int64(b[spec + 8]) << 8) | np.int64(b[spec + 9])
        n = _itoa(sbuf, _put(sbuf, n, 46), address >> 3)
        n = _itoa(sbuf, _put(sbuf, n, 43), (np.int64(b[spec + 2]) << 8) | np.int64(b[spec + 3]))
        off += 2 + size
    return n if n > start or count == 0 else start


@jit()
def symbol(sbuf: np.ndarray, text: np.ndarray, info: np.ndarray, area: np.ndarray, skey: np.ndarray,
           sval: np.ndarray, spool: np.ndarray, wg: np.ndarray, b: np.ndarray, pos: int, m: int,
           label: int, lrow: int) -> np.uint64:
    """The request's symbol key: FNV-1a over the text ``ops.symbol`` gives the Python
    operation (code, ``u<unit>``, ``@<first>+<count>`` or ``@<items>``), registered with its text."""
    n = 0
    for j in range(info[lrow, LI_TLEN]):
        n = _put(sbuf, n, text[info[lrow, LI_TEXT] + j])
    proto = label >> 24
    if proto == L.P_MODBUS and pos >= 0:
        n = _itoa(sbuf, _put(sbuf, n, 117), np.int64(b[pos + 6]))
        if label & 0x7F != 43:
            address, qty = _modbus_points(b, pos, label & 0x7F)
            n = _itoa(sbuf, _put(sbuf, n, 64), address)
            n = _itoa(sbuf, _put(sbuf, n, 43), qty)
    elif proto == L.P_S7 and pos >= 0 and (label & 0xFF) in (0x04, 0x05):
        n = _s7_items(b, pos, m, sbuf, n, area)
    h = FNV_OFFSET
    for j in range(min(n, sbuf.shape[0])):
        h = (h ^ np.uint64(sbuf[j])) * FNV_PRIME
    _register(wg, skey, sval, spool, sbuf, h, min(n, sbuf.shape[0]))
    return h


@jit()
def _register(wg: np.ndarray, skey: np.ndarray, sval: np.ndarray, spool: np.ndarray, sbuf: np.ndarray,
              h: np.uint64, n: int) -> None:
    """Keep the text of a symbol key the first time it is seen (for the findings' texts)."""
    if (wg[L.WG_NSYM] + 1) * 2 > skey.shape[0] or wg[L.WG_POOL] + n > spool.shape[0]:
        return
    slot = find_or_add(skey, h, OCCUPIED, wg, L.WG_NSYM)
    if slot < 0:
        slot = -slot - 1
        at = wg[L.WG_POOL]
        for j in range(n):
            spool[at + j] = sbuf[j]
        sval[slot, 0], sval[slot, 1] = at, n
        wg[L.WG_POOL] = at + n


@jit(inline="always")
def _unit_ok(w: WTables, c: int, unit: int) -> bool:
    units = w[W_UNITS]
    if not units[c, 0]:
        return True
    return unit < 256 and (units[c, 1 + unit // 64] >> np.uint64(unit % 64)) & np.uint64(1) != 0


@jit(inline="always")
def _range_ok(w: WTables, c: int, lo: int, hi: int) -> bool:
    at, count = w[W_RAT][c, 0], w[W_RAT][c, 1]
    if count == 0:
        return True
    for k in range(at, at + count):  # noqa: SIM110 (numba: no generators)
        if w[W_RANGES][k, 0] <= lo and hi <= w[W_RANGES][k, 1]:
            return True
    return False


@jit(inline="always")
def _modbus_ok(w: WTables, b: np.ndarray, pos: int, label: int, c: int) -> bool:
    """The unit and point range of a Modbus request are those its code learned
    (rules.deviation._points; rules.scans.on_operation counts units outside them)."""
    if not _unit_ok(w, c, np.int64(b[pos + 6])):
        return False
    if label & 0x7F == 43:
        return True
    lo, qty = _modbus_points(b, pos, label & 0x7F)
    return _range_ok(w, c, lo, lo + qty - 1)


@jit(inline="always")
def _any_unit(w: WTables, cslot: int, unit: int) -> bool:
    """Some code of the channel learned the unit (rules.scans: such a unit is no sweep);
    the channel row holds the union of its codes' units."""
    chan = w[W_CHAN]
    return unit < 256 and (np.uint64(chan[cslot, 2 + unit // 64]) >> np.uint64(unit % 64)) & np.uint64(1) != 0


@jit(inline="always")
def judge_op(w: WTables, b: np.ndarray, pos: int, m: int, label: int, modbus_req: bool, d: int,
             row: np.ndarray) -> tuple[bool, int, np.uint64]:
    """A PDU the kernel would count on a kept flow: (keep counting it, channel for a record or -1,
    symbol key). False hands the flow to the Python engine before this segment."""
    lslot = find(w[W_LABK], np.uint64(label), OCCUPIED)
    if lslot < 0:
        return False, -1, np.uint64(0)
    info = w[W_LAB]
    found = _channel(w, row, info[lslot, LI_PROTO])
    if found < 0:
        return False, -1, np.uint64(0)  # a channel (protocol) the baseline does not know
    ch, flags, chslot = found & 0xFFFFFFFF, (found >> 32) & 0xFF, found >> 40
    mode = info[lslot, LI_REQ]
    request = modbus_req if mode == REQ_MODBUS else (d == 0 if mode == REQ_TO_SERVER else mode != REQ_NO)
    if not request:
        return True, -1, np.uint64(0)
    if info[lslot, LI_WRITE] and not flags & CH_WRITER:
        return False, -1, np.uint64(0)  # a write from a host the baseline never saw writing
    cslot = find(w[W_CODEK], np.uint64(ch), OCCUPIED | np.uint64(info[lslot, LI_CODE]))
    if cslot < 0:
        return False, -1, np.uint64(0)  # a code the channel never used
    if label >> 24 == L.P_MODBUS and pos >= 0:
        c = w[W_CODEI][cslot]
        if not _modbus_ok(w, b, pos, label, c) or not _any_unit(w, chslot, np.int64(b[pos + 6])):
            return False, -1, np.uint64(0)
    if not flags & CH_RECORDS:
        return True, -1, np.uint64(0)
    if label >> 24 == L.P_MODBUS and pos >= 0 and lslot < MEMO_LABELS:
        return True, ch, modbus_symbol(w, b, pos, m, label, lslot)
    return True, ch, symbol(w[W_SBUF], w[W_TEXT], info, w[W_AREA], w[W_SKEY], w[W_SVAL], w[W_SPOOL],
                            w[W_WG], b, pos, m, label, lslot)


@jit(inline="always")
def modbus_symbol(w: WTables, b: np.ndarray, pos: int, m: int, label: int, lslot: int) -> np.uint64:
    """:func:`symbol` of a Modbus request, remembered by what its text is made of (label,
    unit, first point and count: a plant's requests repeat a few hundred symbols), so that a
    repeated one is neither formatted, hashed nor registered again."""
    address = qty = 0
    if label & 0x7F != 43:
        address, qty = _modbus_points(b, pos, label & 0x7F)
    memo, wg = w[W_MEMO], w[W_WG]
    mk = ((np.uint64(lslot) << np.uint64(40)) | (np.uint64(b[pos + 6]) << np.uint64(32))
          | (np.uint64(address) << np.uint64(16)) | np.uint64(qty))
    slot = find(memo, mk, OCCUPIED)
    if slot >= 0:
        return memo[slot, 2]
    h = symbol(w[W_SBUF], w[W_TEXT], w[W_LAB], w[W_AREA], w[W_SKEY], w[W_SVAL], w[W_SPOOL], wg, b, pos, m,
               label, lslot)
    if (wg[L.WG_NMEMO] + 1) * 2 <= memo.shape[0]:
        slot = find_or_add(memo, mk, OCCUPIED, wg, L.WG_NMEMO)
        memo[-slot - 1, 2] = h
    return h


@jit(inline="always")
def record(w: WTables, frame: int, ts: int, ch: int, sym: np.uint64, evpos: int) -> None:
    rec, wg = w[W_REC], w[W_WG]
    n = wg[L.WG_NREC]
    rec[n, L.RC_FRAME], rec[n, L.RC_TS], rec[n, L.RC_CH] = frame, ts, ch
    rec[n, L.RC_SYM], rec[n, L.RC_EVPOS] = np.int64(sym), evpos
    wg[L.WG_NREC] = n + 1


@jit(inline="always")
def learn_op(w: WTables, b: np.ndarray, pos: int, m: int, label: int, modbus_req: bool, d: int,
             scratch: np.ndarray, k: int) -> None:
    """Learning: a PDU the kernel counts. A request (``ops.is_request``: request not False)
    gets its symbol key, unit and point range into scratch row ``k`` (columns 8-12, see
    segment._judge); anything else, column 8 = -1 (no record)."""
    scratch[k, 8] = -1
    lslot = find(w[W_LABK], np.uint64(label), OCCUPIED)
    if lslot < 0:
        return
    mode = w[W_LAB][lslot, LI_REQ]
    if not (modbus_req if mode == REQ_MODBUS else (d == 0 if mode == REQ_TO_SERVER else mode != REQ_NO)):
        return
    unit, lo, hi = -1, 0, -1
    modbus = label >> 24 == L.P_MODBUS and pos >= 0
    if modbus:
        unit = np.int64(b[pos + 6])
        if label & 0x7F != 43:
            lo, qty = _modbus_points(b, pos, label & 0x7F)
            hi = lo + qty - 1
    if modbus and lslot < MEMO_LABELS:
        sym = modbus_symbol(w, b, pos, m, label, lslot)
    else:
        sym = symbol(w[W_SBUF], w[W_TEXT], w[W_LAB], w[W_AREA], w[W_SKEY], w[W_SVAL], w[W_SPOOL], w[W_WG],
                     b, pos, m, label, lslot)
    scratch[k, 8], scratch[k, 9] = 0, np.int64(sym)
    scratch[k, 10], scratch[k, 11], scratch[k, 12] = unit, lo, hi


@jit(inline="always")
def learn_record(w: WTables, kind: int, frame: int, ts: int, a: int, b: int, pa: int, pb: int, x: int,
                 y: int, z: int, sym: int, first: int, evpos: int) -> None:
    """A learning record (layout.LK_*), before event ``evpos``."""
    rec, wg = w[W_REC], w[W_WG]
    n = wg[L.WG_NREC]
    rec[n, L.RC_FRAME], rec[n, L.RC_TS], rec[n, L.RC_CH], rec[n, L.RC_SYM] = frame, ts, first, sym
    rec[n, L.RC_EVPOS], rec[n, L.RC_KIND], rec[n, L.RC_A], rec[n, L.RC_B] = evpos, kind, a, b
    rec[n, L.RC_PA], rec[n, L.RC_PB], rec[n, L.RC_X], rec[n, L.RC_Y], rec[n, L.RC_Z] = pa, pb, x, y, z
    wg[L.WG_NREC] = n + 1


@jit(inline="always")
def close_run(w: WTables, fkey: np.ndarray, row: np.ndarray, i: int, frame: int, ts: int, evpos: int) -> None:
    """Learning: the flow's open run ends (layout.LK_CLOSE) with the packets it held since."""
    if row[L.F_LRUN] == 0:
        return
    a, bb = np.int64(fkey[i, 0] >> np.uint64(32)), np.int64(fkey[i, 0] & np.uint64(0xFFFFFFFF))
    ports = np.int64(fkey[i, 1] & np.uint64(0xFFFFFFFF))
    pa, pb = ports >> 16, ports & 0xFFFF
    if row[L.F_LRUN] == 1:
        learn_record(w, L.LK_CLOSE, frame, ts, a, bb, pa, pb, row[L.F_LN0], row[L.F_LN1], 0, 0, 0, evpos)
    else:
        learn_record(w, L.LK_CLOSE, frame, ts, bb, a, pb, pa, row[L.F_LN1], row[L.F_LN0], 0, 0, 0, evpos)
    row[L.F_LRUN], row[L.F_LN0], row[L.F_LN1] = 0, 0, 0


@jit(inline="always")
def pkt_event(ev: np.ndarray, ne: int, frame: int, ts: int, r: np.ndarray, ttl: int, orig: int,
              want: int) -> int:
    """A packet the packet rules need (layout.K_PKT); ``want``: why (the P_* bits)."""
    ev[ne, L.E_KIND], ev[ne, L.E_FRAME], ev[ne, L.E_TS] = L.K_PKT, frame, ts
    ev[ne, L.E_CLIENT], ev[ne, L.E_SERVER] = r[1], r[2]  # frames.R_SRC, R_DST
    ev[ne, L.E_CPORT], ev[ne, L.E_SPORT], ev[ne, L.E_PROTO] = r[3], r[4], r[5]  # ports, flags
    ev[ne, L.E_DIR], ev[ne, L.E_LEN], ev[ne, L.E_ORIG] = r[12], ttl, orig  # R_MAC
    ev[ne, L.E_FIRST] = want
    return ne + 1


@jit(inline="always")
def tick_event(ev: np.ndarray, ne: int, frame: int, ts: int) -> int:
    ev[ne, L.E_KIND], ev[ne, L.E_FRAME], ev[ne, L.E_TS] = L.K_TICK, frame, ts
    return ne + 1


def state_arrays(detecting: bool) -> tuple[np.ndarray, ...]:
    """The kernel's detection state: syn-pending flags by address id, request records, the
    symbol texts it registered, counters, the text buffer, the Modbus symbol memo (one row
    each when not detecting)."""
    n = L.ADDR_CAP if detecting else 1
    return (np.zeros(n, np.uint8), np.zeros((L.REC_CAP if detecting else 1, L.NR), np.int64),
            np.zeros((L.SYM_CAP if detecting else 2, 2), np.uint64),
            np.zeros((L.SYM_CAP if detecting else 2, 2), np.int64),
            np.zeros(L.SYM_POOL if detecting else 1, np.uint8), np.zeros(8, np.int64),
            np.zeros(512, np.uint8), np.zeros((L.MEMO_CAP if detecting else 2, 3), np.uint64))


def empty_tables() -> tuple[np.ndarray, ...]:
    """Baseline tables of no baseline (the kernel never reads them without detection)."""
    k = np.zeros((2, 2), np.uint64)
    return (np.zeros((2, 4), np.uint64), k, np.zeros((2, 6), np.int64), k.copy(), np.zeros(2, np.int64),
            k.copy(), np.zeros(2, np.int64), np.zeros((1, 5), np.uint64), np.zeros((1, 2), np.int64),
            np.zeros((1, 2), np.int64), k.copy(), np.zeros((2, NL), np.int64), np.zeros(1, np.uint8),
            np.zeros((256, 16), np.uint8))
