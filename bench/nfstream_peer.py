"""Peer for the benchmark: nfstream (C, nDPI) flows with application labels."""

from __future__ import annotations

import sys

from nfstream import NFStreamer


def main(path: str) -> None:
    flows = packets = 0
    for flow in NFStreamer(source=path, statistical_analysis=False, n_dissections=20):
        flows += 1
        packets += flow.bidirectional_packets
    print(packets, flows)


if __name__ == "__main__":
    main(sys.argv[1])
