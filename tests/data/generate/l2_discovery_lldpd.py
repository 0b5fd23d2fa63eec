#!/usr/bin/env python3
"""Make tests/data/captures/l2-lldp-cdp-arp.pcap with lldpd (LLDP and CDPv2) and the kernel (ARP).

lldpd runs in a network namespace on one end of a veth pair and announces itself with
LLDP and CDPv2 (forced with -ccc); a UDP datagram across the pair makes the kernels ARP.
tcpdump on the other end writes the capture. Needs root, iproute2, lldpd, tcpdump.

    sudo .venv/bin/python tests/data/generate/l2_discovery_lldpd.py
    python3 ../shared/tools/groundtruth.py tests/data/captures/l2-lldp-cdp-arp.pcap \
        --out tests/data/captures/truth
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "captures" / "l2-lldp-cdp-arp.pcap"
A, B = "pwl2A", "pwl2B"


def sh(*args: str, check: bool = True) -> None:
    subprocess.run(args, check=check)


def main() -> None:
    for ns in (A, B):
        sh("ip", "netns", "del", ns, check=False)
        sh("ip", "netns", "add", ns)
    run = Path(tempfile.mkdtemp())
    run.chmod(0o755)  # lldpd drops privileges and must reach its control socket
    try:
        sh("ip", "link", "add", "lsw1", "netns", A, "type", "veth", "peer", "name", "lhost", "netns", B)
        sh("ip", "-n", A, "link", "set", "lsw1", "up")
        sh("ip", "-n", B, "link", "set", "lhost", "up")
        sh("ip", "-n", A, "addr", "add", "10.98.0.1/24", "dev", "lsw1")
        sh("ip", "-n", B, "addr", "add", "10.98.0.2/24", "dev", "lhost")
        dump = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                B,
                "tcpdump",
                "-i",
                "lhost",
                "-U",
                "-w",
                str(OUT),
                "ether proto 0x88cc or llc or arp",
            ]
        )
        time.sleep(1.0)
        lldpd = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                A,
                "lldpd",
                "-d",
                "-ccc",
                "-l",
                "-I",
                "lsw1",
                "-S",
                "plantwarden test switch",
                "-u",
                str(run / "lldpd.sock"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=(run / "log").open("w"),
        )
        time.sleep(3.0)
        sh(
            "ip",
            "netns",
            "exec",
            B,
            sys.executable,
            "-c",
            "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('10.98.0.1', 9))",
        )
        time.sleep(1.0)
        lldpd.terminate()
        lldpd.wait(timeout=10)
        time.sleep(0.5)
        dump.terminate()
        dump.wait(timeout=10)
    finally:
        for ns in (A, B):
            sh("ip", "netns", "del", ns, check=False)
    print((run / "log").read_text()[-800:])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
