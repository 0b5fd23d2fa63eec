"""Peer for the benchmark: a dpkt loop that counts (src, dst, Modbus function) like a
minimal per-packet Python analyser would."""

from __future__ import annotations

import sys
from collections import Counter

import dpkt


def main(path: str) -> None:
    counts: Counter[tuple[bytes, bytes, int]] = Counter()
    n = 0
    with open(path, "rb") as f:
        for _ts, buf in dpkt.pcap.Reader(f):
            n += 1
            eth = dpkt.ethernet.Ethernet(buf)
            ip = eth.data
            if not isinstance(ip, dpkt.ip.IP | dpkt.ip6.IP6):
                continue
            tcp = ip.data
            if isinstance(tcp, dpkt.tcp.TCP) and 502 in (tcp.sport, tcp.dport) and len(tcp.data) >= 8:
                counts[(ip.src, ip.dst, tcp.data[7])] += 1
    print(n, len(counts))


if __name__ == "__main__":
    main(sys.argv[1])
