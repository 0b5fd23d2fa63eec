"""VLAN/QinQ, fragments and ICMP errors on captures of the real Linux stack.

net-frag-tcp-udp.pcap comes from tests/data/generate/net_netns.py (two network
namespaces); tagged variants are made from it with tcpreplay's tcprewrite.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA, truth_for
from tests.net.helpers import run_engine

NETCAP = DATA / "captures" / "net-frag-tcp-udp.pcap"


def tag(src: Path, dst: Path, vid: int, proto: str) -> None:
    subprocess.run(
        [
            "tcprewrite",
            "--enet-vlan=add",
            f"--enet-vlan-tag={vid}",
            "--enet-vlan-cfi=0",
            "--enet-vlan-pri=0",
            f"--enet-vlan-proto={proto}",
            "-i",
            str(src),
            "-o",
            str(dst),
        ],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def qinq(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("tcprewrite") is None:
        pytest.skip("tcprewrite (Debian package tcpreplay) is not installed")
    d = tmp_path_factory.mktemp("vlan")
    tag(NETCAP, d / "q.pcap", 10, "802.1q")
    tag(d / "q.pcap", d / "qinq.pcap", 100, "802.1ad")
    return d / "qinq.pcap"


def test_qinq_tags_are_read_outermost_first_and_hosts_unchanged(qinq: Path) -> None:
    seen = run_engine(qinq)
    truth = truth_for(NETCAP)
    assert {p.vlans for p in seen.packets} == {(100, 10)}
    assert seen.collector.packets == truth["packets"]
    assert sorted(seen.collector.ipv4) == sorted(truth["hosts"]["ipv4_all"])
    assert sorted(seen.collector.ipv6) == sorted(truth["hosts"]["ipv6_all"])


def test_fragmented_datagrams_are_reassembled_once() -> None:
    # the generator sent UDP datagrams of 2816 and 4352 bytes to port 5557 over IPv4 and IPv6;
    # tshark shows exactly these four reassembled datagrams (frames 8, 12, 17, 22).
    seen = run_engine(NETCAP)
    whole = [(p.frame, p.ip_version, len(p.payload)) for p in seen.packets if p.dport == 5557]
    assert whole == [(8, 4, 2816), (12, 4, 4352), (17, 6, 2816), (22, 6, 4352)]
    assert sum(p.fragment for p in seen.packets) == 1 + 2 + 1 + 3


def test_icmp_errors_do_not_leak_inner_addresses_into_flows() -> None:
    seen = run_engine(NETCAP)
    errors = [p for p in seen.packets if p.ip_proto in (1, 58) and p.sport in (1, 3)]
    assert errors, "the capture holds ICMP port-unreachable errors"
    assert all(p.dport is not None for p in errors)


def test_non_ip_industrial_ethertypes_are_named_and_counted() -> None:
    from plantwarden.analyze.pipeline import analyze_capture

    dcp = analyze_capture(DATA / "captures" / "profinet-scapy.pcap").doc
    l2 = analyze_capture(DATA / "captures" / "l2-lldp-cdp-arp.pcap").doc
    assert dcp["ethertypes"] == {"profinet": truth_for(DATA / "captures" / "profinet-scapy.pcap")["packets"]}
    assert l2["ethertypes"] == {"arp": 2, "lldp": 1, "llc": 1}
