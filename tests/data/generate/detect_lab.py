"""A small switched lab for the detection scenarios: one Linux network namespace per host.

Every host (namespace ``pwdet<name>``) has one veth ``eth0`` plugged into the bridge ``br0`` of
the namespace ``pwdetbr``, its zone address(es) and on-link routes to the whole lab
(10.77.0.0/16, and the documentation range 198.51.100.0/24 used as a "public" address), so
hosts in different zones reach each other at layer 2 as on a flat network without a firewall.
Nothing is routed outside these namespaces. tcpdump on ``br0`` sees every frame.

Phase markers: the director host (10.77.0.250/16) broadcasts ``pw-phase:<name>`` to UDP port 9
(discard, RFC 863) at 10.77.255.255 before each scenario, so the tests find each scenario's
frames in the capture itself. Needs root and iproute2.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BRIDGE_NS = "pwdetbr"
LAB_ROUTES = ("10.77.0.0/16", "198.51.100.0/24")
DIRECTOR = "10.77.0.250/16"
MARK_PORT = 9
MARK_PREFIX = b"pw-phase:"
PYTHON = sys.executable


@dataclass(frozen=True)
class Host:
    name: str  # namespace pwdet<name>
    addrs: tuple[str, ...]  # CIDR notation; the first is the host's main address

    @property
    def ns(self) -> str:
        return f"pwdet{self.name}"

    @property
    def ip(self) -> str:
        return self.addrs[0].split("/")[0]


def sh(*args: str, check: bool = True) -> None:
    subprocess.run(args, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def inns(ns: str, *args: str) -> list[str]:
    return ["ip", "netns", "exec", ns, *args]


def setup(hosts: list[Host]) -> None:
    teardown(hosts)
    sh("ip", "netns", "add", BRIDGE_NS)
    sh(*inns(BRIDGE_NS, "ip", "link", "add", "br0", "type", "bridge"))
    sh(*inns(BRIDGE_NS, "ip", "link", "set", "br0", "up"))
    sh(*inns(BRIDGE_NS, "ip", "link", "set", "lo", "up"))
    for index, host in enumerate([*hosts, director()], start=1):
        _plug(host, index)


def director() -> Host:
    return Host("dir", (DIRECTOR,))


def _plug(host: Host, index: int) -> None:
    port = f"pwdp{index}"
    sh("ip", "netns", "add", host.ns)
    sh(
        "ip",
        "link",
        "add",
        port,
        "netns",
        BRIDGE_NS,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        host.ns,
    )
    sh(*inns(BRIDGE_NS, "ip", "link", "set", port, "master", "br0", "up"))
    sh(*inns(host.ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"))
    sh(*inns(host.ns, "ip", "link", "set", "eth0", "address", f"02:77:00:00:00:{index:02x}"))
    sh(*inns(host.ns, "ip", "link", "set", "lo", "up"))
    sh(*inns(host.ns, "ip", "link", "set", "eth0", "up"))
    for addr in host.addrs:
        sh(*inns(host.ns, "ip", "addr", "add", addr, "brd", "+", "dev", "eth0"))
    for route in LAB_ROUTES:
        sh(*inns(host.ns, "ip", "route", "add", route, "dev", "eth0"), check=False)


def teardown(hosts: list[Host]) -> None:
    for host in [*hosts, director()]:
        sh("ip", "netns", "del", host.ns, check=False)
    sh("ip", "netns", "del", BRIDGE_NS, check=False)


def capture(out: Path) -> subprocess.Popen[bytes]:
    """tcpdump on the bridge; returns once it is listening."""
    dump = subprocess.Popen(
        inns(BRIDGE_NS, "tcpdump", "-i", "br0", "-U", "-s", "0", "-w", str(out), "ip or arp"),
        stderr=subprocess.PIPE,
    )
    assert dump.stderr is not None
    dump.stderr.readline()  # "listening on br0 ..."
    time.sleep(0.5)
    return dump


def stop_capture(dump: subprocess.Popen[bytes]) -> None:
    time.sleep(0.5)
    dump.terminate()
    dump.wait(10)


def spawn(host: Host, script: Path, *args: str) -> subprocess.Popen[bytes]:
    """``script role ARGS`` run in the host's namespace (a server or a background client)."""
    return subprocess.Popen(inns(host.ns, PYTHON, str(script), *args), start_new_session=True)


def run(host: Host, script: Path, *args: str, timeout: float = 60) -> None:
    """``script role ARGS`` run in the host's namespace, to its end (failures are captured too)."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(inns(host.ns, PYTHON, str(script), *args), timeout=timeout, check=False)


def mark(name: str) -> None:
    """Broadcast a phase marker from the director."""
    code = (
        "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1); "
        f"s.sendto({MARK_PREFIX + name.encode()!r}, ('10.77.255.255', {MARK_PORT}))"
    )
    subprocess.run(inns(director().ns, PYTHON, "-c", code), check=True)
    time.sleep(0.3)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Terminate each spawned role with the processes it started (its own session)."""
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_port(addr: str, port: int, ns_host: Host, timeout_s: float = 15) -> None:
    """Wait until ``addr:port`` accepts TCP connections, asked from inside ``ns_host``."""
    code = (
        "import socket, sys, time\n"
        f"end = time.time() + {timeout_s}\n"
        "while time.time() < end:\n"
        "    try:\n"
        f"        socket.create_connection(({addr!r}, {port}), 0.3).close(); sys.exit(0)\n"
        "    except OSError:\n"
        "        time.sleep(0.2)\n"
        "sys.exit(1)\n"
    )
    subprocess.run(inns(ns_host.ns, PYTHON, "-c", code), check=True)


def udp(src: str, dst: str, port: int = MARK_PORT, payload: bytes = b"hello") -> None:
    """One datagram from ``src`` (bound) to ``dst`` (used inside a role)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((src, 0))
        s.sendto(payload, (dst, port))
