#!/usr/bin/env python3
"""Make tests/data/captures/net-frag-tcp-udp.pcap with the real Linux network stack.

Two network namespaces joined by a veth pair carry IPv4 and IPv6 UDP datagrams large enough
to fragment, TCP exchanges split over many segments, UDP, and ARP / neighbour discovery.
(This machine's kernel has no VLAN support; VLAN and QinQ variants are made from this
capture with tcpreplay's tcprewrite in the tests.)
Needs root, iproute2, tcpdump; touches only its own namespaces. Regenerate with:

    sudo .venv/bin/python tests/data/generate/net_netns.py
    python3 ../shared/tools/groundtruth.py tests/data/captures/net-frag-tcp-udp.pcap \
        --out tests/data/captures/truth
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "captures" / "net-frag-tcp-udp.pcap"
A, B = "pwnetA", "pwnetB"

SERVER = """
import socket
s = socket.socket(socket.AF_INET6 if ':' in '{addr}' else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('{addr}', 5555)); s.listen(1)
c, _ = s.accept()
data = b''
while len(data) < 20000:
    chunk = c.recv(65536)
    if not chunk: break
    data += chunk
c.sendall(b'ok' * 10)
c.close()
"""

CLIENT = """
import socket, time
s = socket.create_connection(('{addr}', 5555))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(20):
    s.sendall(bytes([i]) * 1000)
    time.sleep(0.01)
s.recv(100); s.close()
u = socket.socket(socket.AF_INET6 if ':' in '{addr}' else socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b'hello-udp', ('{addr}', 5556))
"""


BIG_UDP = """
import socket
u = socket.socket(socket.AF_INET6 if ':' in '{addr}' else socket.AF_INET, socket.SOCK_DGRAM)
for n in (3000, 4500):
    u.sendto(bytes(range(256)) * (n // 256), ('{addr}', 5557))
"""


def sh(*args: str, check: bool = True) -> None:
    subprocess.run(args, check=check)


def inns(ns: str, *args: str) -> list[str]:
    return ["ip", "netns", "exec", ns, *args]


def setup() -> None:
    for ns in (A, B):
        sh("ip", "netns", "del", ns, check=False)
        sh("ip", "netns", "add", ns)
    sh("ip", "link", "add", "pwvA", "netns", A, "type", "veth", "peer", "name", "pwvB", "netns", B)
    for ns, dev, host in ((A, "pwvA", 1), (B, "pwvB", 2)):
        sh(*inns(ns, "ip", "link", "set", dev, "up"))
        sh(*inns(ns, "ip", "link", "set", "lo", "up"))
        sh(*inns(ns, "ip", "addr", "add", f"10.99.10.{host}/24", "dev", dev))
        sh(*inns(ns, "ip", "addr", "add", f"fd00:99::{host}/64", "dev", dev, "nodad"))


def traffic() -> None:
    for addr in ("10.99.10.2", "fd00:99::2"):  # datagrams larger than the MTU: the kernel fragments them
        sh(*inns(A, sys.executable, "-c", BIG_UDP.format(addr=addr)))
    for addr in ("10.99.10.2", "fd00:99::2"):
        srv = subprocess.Popen(inns(B, sys.executable, "-c", SERVER.format(addr=addr)))
        time.sleep(0.5)
        sh(*inns(A, sys.executable, "-c", CLIENT.format(addr=addr)))
        srv.wait(timeout=10)


def main() -> None:
    setup()
    try:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        dump = subprocess.Popen(inns(A, "tcpdump", "-i", "pwvA", "-w", str(OUT), "-U"))
        time.sleep(1.0)
        traffic()
        time.sleep(0.5)
        dump.terminate()
        dump.wait(timeout=10)
    finally:
        for ns in (A, B):
            sh("ip", "netns", "del", ns, check=False)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
