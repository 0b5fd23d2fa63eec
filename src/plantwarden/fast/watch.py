"""What detection tells the kernel before a capture: the baseline as read-only tables.

With a baseline, the fast engine keeps in the kernel only the traffic that no rule can act
on except through per-request state: flows of conversations the baseline knows, whose
requests use learned channels, codes, units and point ranges, from learned writers. For
those the kernel writes a record per request ([frame, ts, channel, symbol key]) that the
Python side applies to :class:`plantwarden.detect.opstate.OpState` in capture order, and a
few packet events the packet rules need (connection attempts, first answered packet of
each MAC-IP pair, answers of hosts being tried, the clock). Everything else (a new
conversation, a request the baseline never saw) goes to the Python engine, from the
segment where it appears, so every rule sees it exactly as the pure-Python engine would.

Tables (open addressing, ``plantwarden.fast.tables``):
- ``baddr``: address (hi, lo, kind) -> baseline address id, rows [hi, lo, kind | OCCUPIED, id];
- ``chan``: (client id << 32 | server id, proto) -> [channel, flags];
- ``conv``: (client id << 32 | server id, server port) -> flags (known, zone or public);
- ``codes``: (channel, code hash) -> [code index]; units as 256-bit sets, ranges flattened;
- ``labels``: kernel label -> [proto, request mode, write class, code hash, text offset, length].
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import ip_address

import numpy as np

from plantwarden.detect.known import Known
from plantwarden.detect.opstate import OpState
from plantwarden.detect.sitectx import SiteContext, is_public
from plantwarden.detect.symkey import key as text_key
from plantwarden.fast import layout as L
from plantwarden.fast.jit import jit
from plantwarden.fast.labels import describe
from plantwarden.fast.tables import OCCUPIED, find, find_or_add, mix
from plantwarden.fast.watchk import (
    CH_RECORDS,
    CH_WRITER,
    CV_ASK,
    CV_KNOWN,
    CV_ZONE,
    NL,
    REQ_MODBUS,
    REQ_NO,
    REQ_TO_SERVER,
    REQ_YES,
)
from plantwarden.protocols.opcua.codes import SERVICE_INFO
from plantwarden.protocols.s7comm import codes as s7_codes

#: Kernel protocol id -> the ``Operation.proto`` of its labels (channels' protocol in the tables).
PROTOS = {L.P_MODBUS: "modbus", L.P_S7: "s7comm", L.P_COTP: "cotp", L.P_OPCUA: "opcua", L.P_ENIP: "enip",
          L.P_CIP: "cip"}
PROTOS[L.P_DNP3] = "dnp3"
PROTOS[L.P_IEC104] = "iec104"
PROTOS.update({pid: spec for pid, spec in L.SPEC_NAMES.items() if pid not in PROTOS})  # ids added later
_COTP_REQUEST = {0xE0: True, 0x80: True, 0xD0: False, 0xC0: False}
_OPCUA_REQUESTS = (631, 673, 554, 527, 467, 470, 473, 476, 634, 676, 557, 530, 461, 464)


def _cap(n: int) -> int:
    cap = 16
    while cap < 2 * n + 2:
        cap *= 2
    return cap


def kernel_labels() -> list[int]:
    """Every label the kernel counts (fast.protos, fast.cip), for the label table."""
    out = [(L.P_MODBUS << 24) | fc | exc for fc in (1, 2, 3, 4, 5, 6, 15, 16, 22, 23) for exc in (0, 0x80)]
    out += [(L.P_MODBUS << 24) | 43 | (mei << 8) | (1 << 16) | exc for mei in range(256) for exc in (0, 0x80)]
    out += [(L.P_S7 << 24) | (rosctr << 8) | func for rosctr in (1, 3) for func in (0x04, 0x05, 0xF0)]
    out += [(L.P_COTP << 24) | code for code in _COTP_REQUEST]
    out += [(L.P_OPCUA << 24) | (kind << 20) for kind in (1, 2, 6, 7)]
    out += [(L.P_OPCUA << 24) | (5 << 20) | sid for sid in _OPCUA_REQUESTS]
    out += [(L.P_ENIP << 24) | cmd for cmd in (0x65, 0x66, 0x6F)]
    from plantwarden.fast.cip import CIP_SEND_REQ, CIP_TAG_REQ, CIP_TAG_RSP, READ_TAG, WRITE_TAG

    out += [CIP_SEND_REQ]
    out += [base | svc for base in (CIP_TAG_REQ, CIP_TAG_RSP) for svc in (READ_TAG, WRITE_TAG)]
    out += _iec104_labels()
    return out


def _iec104_labels() -> list[int]:
    """IEC 104 labels (fast.iec104; counted when learning, routed with detection on)."""
    from plantwarden.fast.iec104 import KIND_I, KIND_S, KIND_U, label
    from plantwarden.protocols.iec104 import codes, wire

    out = [label(KIND_I, t) for t in wire.ELEMENT_SIZE if t < 41]
    return out + [label(KIND_S, 0)] + [label(KIND_U, f) for f in codes.U_NAMES]


def _request_mode(label: int) -> int:
    """How the Python decoders set ``Operation.request`` for a label (None counts as request)."""
    proto, bits = label >> 24, label & 0xFFFFFF
    if proto == L.P_MODBUS:
        return REQ_MODBUS
    if proto == L.P_S7:
        return REQ_YES if bits >> 8 == 1 else REQ_NO
    if proto == L.P_COTP:
        return REQ_NO if _COTP_REQUEST.get(bits) is False else REQ_YES
    if proto == L.P_OPCUA:
        kind, sid = bits >> 20, bits & 0xFFFFF
        if kind == 2:  # ACK
            return REQ_NO
        if kind == 5:
            return REQ_NO if SERVICE_INFO[sid][2] is False else REQ_YES
        return REQ_TO_SERVER  # HEL, OPN (a plain request is 446), CLO: the client sends them
    if proto == L.P_CIP:
        return REQ_NO if bits >> 8 & 1 else REQ_YES
    if proto == L.P_IEC104:  # session._on_u, _is_request: S (None) and U act ask; monitoring does not
        kind = bits >> 16
        return REQ_YES if kind == 2 or (kind == 3 and bits & 0x15) else REQ_NO
    return REQ_TO_SERVER  # EtherNet/IP encapsulation


def _addr_key(address: str) -> tuple[int, int, int] | None:
    try:
        ip = ip_address(address)
    except ValueError:
        if len(address) == 17 and address.count(":") == 5:
            return int(address.replace(":", ""), 16), 0, L.A_MAC
        return None
    if ip.version == 4:
        return int(ip), 0, L.A_IPV4
    n = int(ip)
    return n >> 64, n & ((1 << 64) - 1), L.A_IPV6


@jit()
def _put_addr(baddr: np.ndarray, hi: np.uint64, lo: np.uint64, kind: int, ident: int) -> None:
    mask = baddr.shape[0] - 1
    tag = np.uint64(kind) | OCCUPIED
    i = np.int64(mix(hi ^ np.uint64(kind), lo)) & mask
    while baddr[i, 2] != 0:
        if baddr[i, 0] == hi and baddr[i, 1] == lo and baddr[i, 2] == tag:
            return
        i = (i + 1) & mask
    baddr[i, 0], baddr[i, 1], baddr[i, 2], baddr[i, 3] = hi, lo, tag, np.uint64(ident)


@jit()
def _put(keys: np.ndarray, g: np.ndarray, k0: np.uint64, k1: np.uint64) -> int:
    j = find_or_add(keys, k0, OCCUPIED | k1, g, 0)
    return -j - 1 if j < 0 else j


@jit()
def _put_many(keys: np.ndarray, g: np.ndarray, k0: np.ndarray, k1: np.ndarray, slots: np.ndarray,
              ids: np.ndarray) -> None:
    """``_put`` of each (k0[i], k1[i]) in order: its slot, and the count of entries before it."""
    for i in range(k0.shape[0]):
        ids[i] = g[0]
        slots[i] = _put(keys, g, k0[i], k1[i])


@jit()
def lookup(keys: np.ndarray, k0: np.uint64, k1: np.uint64) -> int:
    return find(keys, k0, OCCUPIED | k1)


@dataclass
class Watch:
    """The tables, built from a baseline (and the site model, for the zone rules)."""

    baddr: np.ndarray
    chan_keys: np.ndarray
    chan: np.ndarray  # [channel, flags] by slot
    conv_keys: np.ndarray
    conv: np.ndarray  # flags by slot
    code_keys: np.ndarray
    code_idx: np.ndarray  # code index by slot
    units: np.ndarray  # [has units, four 64-bit words] by code index
    ranges_at: np.ndarray  # [first, count] by code index
    ranges: np.ndarray  # [first, last] rows
    label_keys: np.ndarray
    labels: np.ndarray  # linfo rows by slot
    text: np.ndarray  # code texts (UTF-8) the label rows point into
    area_text: np.ndarray  # [area code, 16] S7 area names, NUL padded
    names: dict[str, int] = field(default_factory=dict)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The tables in the order of fast.watchk.W_*."""
        return (self.baddr, self.chan_keys, self.chan, self.conv_keys, self.conv, self.code_keys,
                self.code_idx, self.units, self.ranges_at, self.ranges, self.label_keys, self.labels,
                self.text, self.area_text)

    @classmethod
    def build(cls, known: Known, state: OpState, site: SiteContext) -> Watch:
        names: dict[str, int] = {}
        addresses = set(known.talkers)
        for client, server, _, _ in known.conversations:
            addresses.update((client, server))
        for client, server, _ in known.channels:
            addresses.update((client, server))
        parsed = {a: k for a in sorted(addresses) if (k := _addr_key(a)) is not None}
        baddr = np.zeros((_cap(len(parsed)), 4), np.uint64)
        for address, (hi, lo, kind) in parsed.items():
            names[address] = len(names)
            _put_addr(baddr, np.uint64(hi), np.uint64(lo), kind, names[address])
        g = np.zeros(1, np.int64)

        def pair(client: str, server: str) -> np.uint64 | None:
            c, s = names.get(client), names.get(server)
            return None if c is None or s is None else np.uint64((c << 32) | s)

        conv_keys = np.zeros((_cap(len(known.conversations)), 2), np.uint64)
        conv = np.zeros(conv_keys.shape[0], np.int64)
        for client, server, transport, port in known.conversations:
            k0 = pair(client, server)
            if transport != "tcp" or k0 is None:
                continue
            flags = CV_KNOWN
            if is_public(client) or is_public(server) or _zones_differ(site, client, server):
                flags |= CV_ZONE
            if (client, server) in known.protos:
                flags |= CV_ASK
            conv[_put(conv_keys, g, k0, np.uint64(port))] = flags
        proto_ids = {name: pid for pid, name in PROTOS.items()}
        chan_keys = np.zeros((_cap(len(known.channels)), 2), np.uint64)
        chan = np.zeros((chan_keys.shape[0], 6), np.int64)  # channel, flags, the units of its codes
        ncodes = sum(len(ch.codes) for ch in known.channels.values())
        code_keys = np.zeros((_cap(ncodes), 2), np.uint64)
        code_idx = np.zeros(code_keys.shape[0], np.int64)
        units = np.zeros((max(ncodes, 1), 5), np.uint64)
        ranges_at = np.zeros((max(ncodes, 1), 2), np.int64)
        rows: list[tuple[int, int]] = []
        g2 = np.zeros(1, np.int64)
        g3 = np.zeros(1, np.int64)
        with_periods = state.channels_with_periods()
        code_chs: list[int] = []
        code_texts: list[int] = []
        unit_rows: list[tuple[int, int, int, int, int]] = []
        range_rows: list[tuple[int, int]] = []
        words: dict[int, tuple[int, int, int, int, int]] = {}  # id(units list) -> its row (lists are shared)
        keys: dict[str, int] = {}  # code text -> text_key >> 1
        for key, channel in known.channels.items():
            client, server, proto = key
            k0, pid = pair(client, server), proto_ids.get(proto)
            ch = state.channels.get(key)
            if k0 is None or pid is None or ch is None:
                continue
            flags = CH_WRITER if client in known.writers else 0
            if state.trained[ch] or key in with_periods:
                flags |= CH_RECORDS
            slot = _put(chan_keys, g2, k0, np.uint64(pid))
            every = _unit_words({u for code in channel.codes for u in code.units})
            chan[slot] = (ch, flags, *(w - (1 << 64) if w >> 63 else w for w in every))  # as int64
            seen: set[str] = set()
            for code in channel.codes:
                if code.code in seen:  # Channel.code(): the first entry of a code counts
                    continue
                seen.add(code.code)
                ck = keys.get(code.code)
                if ck is None:
                    ck = keys[code.code] = text_key(code.code) >> 1
                code_chs.append(ch)
                code_texts.append(ck)
                row = words.get(id(code.units))
                if row is None:
                    row = words[id(code.units)] = (1 if code.units else 0, *_unit_words(set(code.units)))
                unit_rows.append(row)
                range_rows.append((len(rows), len(code.ranges)))
                rows += code.ranges
        if code_chs:  # keyed in one call; a code's index: the number of codes put before it
            n = len(code_chs)
            code_slots, code_ids = np.zeros(n, np.int64), np.zeros(n, np.int64)
            _put_many(code_keys, g3, np.array(code_chs, np.uint64), np.array(code_texts, np.uint64),
                      code_slots, code_ids)
            code_idx[code_slots] = code_ids
            units[code_ids] = np.array(unit_rows, np.uint64)
            ranges_at[code_ids] = range_rows
        label_keys, linfo, text, areas = label_tables()
        return cls(baddr, chan_keys, chan, conv_keys, conv, code_keys, code_idx, units, ranges_at,
                   np.array(rows or [(0, 0)], np.int64).reshape(-1, 2), label_keys, linfo, text, areas,
                   names)


def label_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The kernel's label table (every label it counts: proto, request mode, write class,
    code key, code text), the code texts and the S7 area names (fast.watchk.W_LABK .. W_AREA)."""
    labels_list = kernel_labels()
    label_keys = np.zeros((_cap(len(labels_list)), 2), np.uint64)
    linfo = np.zeros((label_keys.shape[0], NL), np.int64)
    pool = bytearray()
    g4 = np.zeros(1, np.int64)
    for label in labels_list:
        _proto, code_text, _name, op_class = describe(label)
        slot = _put(label_keys, g4, np.uint64(label), np.uint64(0))
        raw = code_text.encode()
        linfo[slot] = (label >> 24, _request_mode(label), op_class.value == "write",
                       text_key(code_text) >> 1, len(pool), len(raw))
        pool += raw
    areas = np.zeros((256, 16), np.uint8)
    for area in range(256):
        name = (s7_codes.AREAS.get(area) or s7_codes.unknown(area)).encode()[:16]
        areas[area, : len(name)] = np.frombuffer(name, np.uint8)
    return label_keys, linfo, np.frombuffer(bytes(pool) or b"\0", np.uint8).copy(), areas


def _unit_words(units: set[int]) -> tuple[int, int, int, int]:
    """Unit ids 0-255 as four 64-bit words (bit u % 64 of word u // 64)."""
    w = [0, 0, 0, 0]
    for u in units:
        if 0 <= u < 256:
            w[u // 64] |= 1 << (u % 64)
    return w[0], w[1], w[2], w[3]


def _zones_differ(site: SiteContext, client: str, server: str) -> bool:
    if site.site is None:
        return False
    cz, sz = site.zone(client), site.zone(server)
    return cz is not None and sz is not None and cz.name != sz.name

