#!/usr/bin/env python3
"""Make tests/data/captures/it-dnsmasq.pcap: DHCP, DNS, "mDNS" and "LLMNR" from real stacks.

Two network namespaces (pwitS, pwitC) joined by a veth pair. In pwitS dnsmasq serves
DHCP and DNS on 10.77.5.1 (with a domain controller SRV record) and two more dnsmasq
instances answer DNS on 5353 and 5355 (tshark decodes those ports as mDNS and LLMNR).
In pwitC busybox udhcpc leases an address with a host name, a vendor class and its
parameter request list; dig then asks A, AAAA, SRV, PTR, TXT (over UDP and TCP).
Needs root, iproute2, tcpdump, dnsmasq, busybox (udhcpc), dig. Regenerate with:

    sudo .venv/bin/python tests/data/generate/it_netns_dnsmasq.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "captures" / "it-dnsmasq.pcap"
S, C = "pwitS", "pwitC"
SERVER = "10.77.5.1"


def sh(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def ns(name: str, *cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return sh("ip", "netns", "exec", name, *cmd, check=check)


def setup() -> None:
    teardown()
    sh("ip", "netns", "add", S)
    sh("ip", "netns", "add", C)
    sh("ip", "link", "add", "pwitS0", "netns", S, "type", "veth", "peer", "name", "pwitC0", "netns", C)
    ns(S, "ip", "addr", "add", f"{SERVER}/24", "dev", "pwitS0")
    for n, dev in ((S, "pwitS0"), (C, "pwitC0")):
        ns(n, "ip", "link", "set", "lo", "up")
        ns(n, "ip", "link", "set", dev, "up")


def teardown() -> None:
    for n in (S, C):
        sh("ip", "netns", "pids", n, check=False)
        pids = sh("ip", "netns", "pids", n, check=False).stdout.split()
        for pid in pids:
            sh("kill", pid, check=False)
        sh("ip", "netns", "del", n, check=False)


def dnsmasq(tmp: Path, port: int, dhcp: bool) -> list[str]:
    conf = tmp / f"dnsmasq-{port}.conf"
    lines = [
        f"port={port}",
        "interface=pwitS0",
        "bind-interfaces",
        "no-resolv",
        "no-hosts",
        "domain=plant.lan",
        "host-record=dc1.plant.lan,10.77.5.10",
        "host-record=historian.plant.lan,10.77.5.20,fd00:77:5::20",
        "srv-host=_ldap._tcp.dc._msdcs.plant.lan,dc1.plant.lan,389,0,100",
        "txt-record=plant.lan,v=spf1 -all",
        "ptr-record=20.5.77.10.in-addr.arpa,historian.plant.lan",
        f"pid-file={tmp}/dnsmasq-{port}.pid",
        f"dhcp-leasefile={tmp}/leases-{port}",
    ]
    if dhcp:
        lines += ["dhcp-range=10.77.5.100,10.77.5.150,255.255.255.0,1h", "dhcp-authoritative"]
    conf.write_text("\n".join(lines) + "\n")
    return ["dnsmasq", f"--conf-file={conf}"]


def main() -> int:
    setup()
    tmp = Path(tempfile.mkdtemp(prefix="pwit-"))
    dump = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            S,
            "tcpdump",
            "-i",
            "pwitS0",
            "-U",
            "-s",
            "0",
            "-w",
            str(OUT),
            "udp or tcp port 53",
        ]
    )
    try:
        time.sleep(1.0)
        for port, dhcp in ((53, True), (5353, False), (5355, False)):
            ns(S, *dnsmasq(tmp, port, dhcp))
        time.sleep(0.5)
        ns(
            C,
            "busybox",
            "udhcpc",
            "-i",
            "pwitC0",
            "-n",
            "-q",
            "-f",
            "-t",
            "5",
            "-x",
            "hostname:eng-ws01",
            "-V",
            "plantwarden-test-vendor",
            "-s",
            "/bin/true",
        )
        ns(C, "ip", "addr", "add", "10.77.5.100/24", "dev", "pwitC0", check=False)
        time.sleep(0.3)
        at = f"@{SERVER}"
        for args in (
            ["historian.plant.lan", "A"],
            ["historian.plant.lan", "AAAA"],
            ["_ldap._tcp.dc._msdcs.plant.lan", "SRV"],
            ["-x", "10.77.5.20"],
            ["plant.lan", "TXT"],
            ["nosuch.plant.lan", "A"],
            ["+tcp", "dc1.plant.lan", "A"],
            ["-p", "5353", "historian.plant.lan", "A"],
            ["-p", "5355", "dc1.plant.lan", "A"],
        ):
            print(ns(C, "dig", "+tries=1", "+time=2", at, *args).stdout.splitlines()[-5:])
        time.sleep(1.0)
    finally:
        dump.terminate()
        dump.wait()
        teardown()
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
