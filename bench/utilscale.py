#!/usr/bin/env python3
"""Scale the utility and building seed (bench/utilcap.py) to N packets of a plausible site.

    python bench/utilscale.py SEED.pcap OUT.pcap N [--seed S]

The method of ../shared/tools/plantcap/scale_pcap.py (which takes TCP on the plant's four
ports only), for TCP and UDP: every seed conversation (transport, server address and port,
client address and port; the server is the seed's 127.0.7.1-99 side) is replayed many times;
each replica is given its own (client host, server host) pair from a fixed site of 50 clients
and the servers below, and a TCP (or ephemeral UDP) client its own port. Replicas start every
half seed span (two overlap at any moment) and the records are merged in time order. Payload
bytes are the seed's; 25 % of the pairs are 802.1Q-tagged, 3 % IPv6; IPv4 header, TCP and UDP
checksums are computed anew. Nothing is sent anywhere: this only writes a file.
"""

from __future__ import annotations

import struct
import sys

import numpy as np
from numba import njit  # type: ignore[import-untyped]

# (transport, server port) -> (servers, vendor OUI from the IEEE MA-L registry)
CLASSES = {
    (6, 20000): (600, 0x0030A7),  # DNP3 outstations (Schweitzer Engineering Laboratories)
    (6, 2404): (400, 0x001B1B),  # IEC 104 RTUs (Siemens)
    (17, 47808): (600, 0x00108D),  # BACnet controllers (Johnson Controls)
    (6, 44818): (200, 0x0000BC),  # EtherNet/IP (Rockwell Automation)
    (17, 2222): (200, 0x0000BC),  # class-1 I/O adapters (Rockwell Automation)
    (17, 53): (4, 0x001422),  # DNS servers (Dell)
    (17, 137): (100, 0x001422),  # NBNS: workstations
    (17, 123): (3, 0x001422),  # NTP servers
    (6, 445): (10, 0x001422),  # file servers
}
OTHER = (20, 0x001422)
CLIENT_OUI, N_CLIENTS = 0x001422, 50


def read_pcap(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    buf = np.fromfile(path, dtype=np.uint8)
    assert buf[:4].view(np.uint32)[0] == 0xA1B2C3D4, "expect a little-endian microsecond pcap"
    assert buf[20:24].view(np.uint32)[0] == 1, "expect Ethernet"
    offs, lens, ts = [], [], []
    pos = 24
    while pos + 16 <= len(buf):
        sec, usec, incl, _ = struct.unpack_from("<IIII", buf, pos)
        offs.append(pos + 16)
        lens.append(incl)
        ts.append(sec * 1_000_000 + usec)
        pos += 16 + incl
    return buf, np.array(offs, dtype=np.int64), np.array(lens, dtype=np.int64), np.array(ts, dtype=np.int64)


def conversations(buf: np.ndarray, offs: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per packet: transport, whether it goes to the server, its conversation; per
    conversation: its class, client port and whether that port is renumbered per replica.
    Only IPv4 over untagged Ethernet, as tcpdump on lo writes."""
    assert (buf[offs + 12] == 8).all() and (buf[offs + 13] == 0).all(), "expect IPv4"
    proto = buf[offs + 23].astype(np.int64)
    assert np.isin(proto, (6, 17)).all(), "expect TCP or UDP"
    l4 = offs + 14 + (buf[offs + 14] & 0x0F).astype(np.int64) * 4
    sport = (buf[l4].astype(np.int64) << 8) | buf[l4 + 1]
    dport = (buf[l4 + 2].astype(np.int64) << 8) | buf[l4 + 3]
    src_srv = (buf[offs + 28] == 7) & (buf[offs + 29] < 100)
    dst_srv = (buf[offs + 32] == 7) & (buf[offs + 33] < 100)
    assert (src_srv != dst_srv).all(), "each packet has one server side (127.0.7.1-99)"
    to_srv = dst_srv.astype(np.int64)
    srv_ip = np.where(to_srv == 1, buf[offs + 33], buf[offs + 29]).astype(np.int64)
    cli_ip = np.where(to_srv == 1, buf[offs + 29], buf[offs + 33]).astype(np.int64)
    srv_port = np.where(to_srv == 1, dport, sport)
    cli_port = np.where(to_srv == 1, sport, dport)
    cols = np.stack([proto, srv_ip, srv_port, cli_ip, cli_port], axis=1)
    conv, conn_of = np.unique(cols, axis=0, return_inverse=True)
    classes = list(CLASSES)
    conn_class = np.array([classes.index((int(c[0]), int(c[2]))) if (int(c[0]), int(c[2])) in CLASSES
                           else len(classes) for c in conv], dtype=np.int64)
    # a TCP client, or a UDP client on an ephemeral port, gets a port of its own per replica
    renumber = (conv[:, 0] == 6) | ((conv[:, 4] >= 1024) & (conv[:, 4] != conv[:, 2]))
    return proto, to_srv, conn_of.reshape(-1).astype(np.int64), conn_class, conv[:, 4].copy(), renumber


def topology(rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray]:
    """Per class, the (client, server, vlan, v6) pairs; per server, its vendor OUI."""
    sizes = [n for n, _ in CLASSES.values()] + [OTHER[0]]
    ouis = [o for _, o in CLASSES.values()] + [OTHER[1]]
    pairs, srv_oui = [], []
    gid = 0
    for cls, ns in enumerate(sizes):
        plist = []
        for _ in range(ns):
            srv_oui.append(ouis[cls])
            ncl = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
            for c in rng.choice(N_CLIENTS, size=ncl, replace=False):
                vlan = (100 + gid // 200) if (gid // 200) % 4 == 1 else 0  # cells 1, 5, 9: tagged
                plist.append((int(c), gid, vlan, 1 if rng.random() < 0.03 else 0))
            gid += 1
        pairs.append(np.array(plist, dtype=np.int64))
    return pairs, np.array(srv_oui, dtype=np.int64)


def main() -> None:
    seed_path, out_path, npk = sys.argv[1], sys.argv[2], int(float(sys.argv[3]))
    rng = np.random.default_rng(int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1)
    buf, offs, lens, ts = read_pcap(seed_path)
    n = len(offs)
    proto, to_srv, conn_of, conn_class, cport, renumber = conversations(buf, offs)
    nconn = len(conn_class)
    t0, span = ts.min(), int(ts.max() - ts.min()) + 1
    reps = int(np.ceil(npk / n)) + 1
    print(f"seed: {n} packets, {nconn} conversations, span {span / 1e6:.1f} s; replicas {reps}",
          file=sys.stderr)
    pairs, srv_oui = topology(rng)
    allp = np.concatenate(pairs)
    pbase = np.cumsum([0] + [len(p) for p in pairs])[:-1]
    pcount = np.array([len(p) for p in pairs])
    choice = (rng.integers(0, 1 << 62, size=(reps, nconn)) % pcount[conn_class][None, :]
              + pbase[conn_class][None, :])
    moved = 32768 + (cport[None, :] + 7919 * np.arange(reps)[:, None]) % 28000
    cport_new = np.where(renumber[None, :], moved, cport[None, :]).astype(np.int64)
    rec_ts = (ts[None, :] - t0 + np.arange(reps)[:, None] * (span // 2) + 1_700_000_000_000_000).ravel()
    order = np.argsort(rec_ts, kind="stable")[:npk]
    rec_ts = rec_ts[order]
    rec_seed = (order % n).astype(np.int64)
    rec_rep = (order // n).astype(np.int64)
    pidx = choice[rec_rep, conn_of[rec_seed]]
    out = np.empty(int((lens[rec_seed] + 16 + 24).sum()) + 24, dtype=np.uint8)
    out[:24] = np.frombuffer(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1), dtype=np.uint8)
    used = build_all(buf, offs, lens, rec_seed, rec_rep, rec_ts, conn_of, to_srv, proto, cport_new, pidx,
                     allp, srv_oui, out[24:])
    out[:24 + used].tofile(out_path)
    print(f"wrote {out_path}: {len(order)} packets, {24 + used} bytes, {len(np.unique(pidx))} pairs, "
          f"{len(np.unique(rec_rep * nconn + conn_of[rec_seed]))} conversations", file=sys.stderr)


@njit(cache=True)  # type: ignore[misc]
def _csum_add(buf: np.ndarray, start: int, length: int, acc: int) -> int:
    i = 0
    while i + 1 < length:
        acc += (np.int64(buf[start + i]) << 8) | buf[start + i + 1]
        i += 2
    if length & 1:
        acc += np.int64(buf[start + length - 1]) << 8
    return acc


@njit(cache=True)  # type: ignore[misc]
def _fold(acc: int) -> int:
    while acc >> 16:
        acc = (acc & 0xFFFF) + (acc >> 16)
    return (~acc) & 0xFFFF


@njit(cache=True)  # type: ignore[misc]
def build_all(seed, soff, slen, rec_seed, rec_rep, rec_ts, conn_of, to_srv, proto, cport_new, pidx, allp,  # type: ignore[no-untyped-def]
              srv_oui, out):
    pos = 0
    for i in range(rec_seed.shape[0]):
        s = rec_seed[i]
        pi = pidx[i]
        pos = one(seed, soff[s], slen[s], rec_ts[i], to_srv[s], proto[s], cport_new[rec_rep[i], conn_of[s]],
                  allp[pi, 0], allp[pi, 1], allp[pi, 2], allp[pi, 3], srv_oui, out, pos)
    return pos


@njit(cache=True)  # type: ignore[misc]
def _mac(out, base, oui, a, b, c):  # type: ignore[no-untyped-def]
    out[base] = (oui >> 16) & 0xFF
    out[base + 1] = (oui >> 8) & 0xFF
    out[base + 2] = oui & 0xFF
    out[base + 3] = a
    out[base + 4] = b
    out[base + 5] = c


@njit(cache=True)  # type: ignore[misc]
def one(seed, p, L, ts, d_is_srv, l4p, cport, cl, sv, vlan, v6, srv_oui, out, pos):  # type: ignore[no-untyped-def]
    ihl = (seed[p + 14] & 0x0F) * 4
    tot = (np.int64(seed[p + 16]) << 8) | seed[p + 17]
    l4 = L - 14 - ihl
    seglen = tot - ihl
    newlen = 14 + (4 if vlan else 0) + (40 if v6 else 20) + l4
    sec, usec = ts // 1000000, ts % 1000000
    for b in range(4):
        out[pos + b] = (sec >> (8 * b)) & 0xFF
        out[pos + 4 + b] = (usec >> (8 * b)) & 0xFF
        out[pos + 8 + b] = (newlen >> (8 * b)) & 0xFF
        out[pos + 12 + b] = (newlen >> (8 * b)) & 0xFF
    q = pos + 16
    cell, host = sv // 200, sv % 200 + 10
    src_is_srv = d_is_srv == 0
    for side in range(2):  # 0: destination MAC, 1: source MAC
        srv_side = (not src_is_srv) if side == 0 else src_is_srv
        if srv_side:
            _mac(out, q + 6 * side, srv_oui[sv], cell & 0xFF, (sv >> 8) & 0xFF, sv & 0xFF)
        else:
            _mac(out, q + 6 * side, 0x001422, 2, 0, cl & 0xFF)
    q += 12
    if vlan:
        out[q] = 0x81
        out[q + 1] = 0x00
        out[q + 2] = (vlan >> 8) & 0x0F
        out[q + 3] = vlan & 0xFF
        q += 4
    if v6:
        out[q] = 0x86
        out[q + 1] = 0xDD
        ip = q + 2
        out[ip] = 0x60
        for j in range(1, 40):
            out[ip + j] = 0
        out[ip + 4] = (seglen >> 8) & 0xFF
        out[ip + 5] = seglen & 0xFF
        out[ip + 6] = l4p
        out[ip + 7] = 64
        for j in range(2):  # 0: source, 1: destination
            a = ip + 8 + 16 * j
            srv_here = src_is_srv if j == 0 else (not src_is_srv)
            out[a] = 0xFD
            if srv_here:  # fd00:30::<cell>:<host>
                out[a + 3] = 0x30
                out[a + 13] = cell & 0xFF
                out[a + 15] = host & 0xFF
            else:  # fd00:11::2:<10+client>
                out[a + 3] = 0x11
                out[a + 13] = 2
                out[a + 15] = (10 + cl) & 0xFF
        t = ip + 40
    else:
        out[q] = 0x08
        out[q + 1] = 0x00
        ip = q + 2
        for j in range(20):
            out[ip + j] = seed[p + 14 + j]
        out[ip] = 0x45
        for j in range(4):  # client 10.11.2.(10+cl), server 10.30.<cell>.<host>
            cb = 10 if j == 0 else (11 if j == 1 else (2 if j == 2 else 10 + cl))
            sb = 10 if j == 0 else (30 if j == 1 else (cell if j == 2 else host))
            out[ip + 12 + j] = sb if src_is_srv else cb
            out[ip + 16 + j] = cb if src_is_srv else sb
        tot4 = 20 + seglen
        out[ip + 2] = (tot4 >> 8) & 0xFF
        out[ip + 3] = tot4 & 0xFF
        out[ip + 10] = 0
        out[ip + 11] = 0
        cs = _fold(_csum_add(out, ip, 20, 0))
        out[ip + 10] = (cs >> 8) & 0xFF
        out[ip + 11] = cs & 0xFF
        t = ip + 20
    for j in range(l4):
        out[t + j] = seed[p + 14 + ihl + j]
    if d_is_srv:
        out[t] = (cport >> 8) & 0xFF
        out[t + 1] = cport & 0xFF
    else:
        out[t + 2] = (cport >> 8) & 0xFF
        out[t + 3] = cport & 0xFF
    ck = t + (16 if l4p == 6 else 6)
    out[ck] = 0
    out[ck + 1] = 0
    acc = _csum_add(out, ip + 8, 32, 0) if v6 else _csum_add(out, ip + 12, 8, 0)
    acc += l4p + seglen
    cs = _fold(_csum_add(out, t, min(seglen, l4), acc))
    if l4p == 17 and cs == 0:
        cs = 0xFFFF
    out[ck] = (cs >> 8) & 0xFF
    out[ck + 1] = cs & 0xFF
    return t + l4


if __name__ == "__main__":
    main()
