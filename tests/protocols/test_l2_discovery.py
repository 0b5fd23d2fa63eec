"""ARP, LLDP and CDP: identities agree with tshark's own fields on real captures.

l2-lldp-cdp-arp.pcap comes from lldpd and the Linux kernel
(tests/data/generate/l2_discovery_lldpd.py); the shared captures hold real switches' LLDP.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from plantwarden.analyze.pipeline import analyze_capture
from tests.conftest import DATA, SHARED_CAPTURES

L2CAP = DATA / "captures" / "l2-lldp-cdp-arp.pcap"
needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")


def tshark_fields(path: Path, display_filter: str, *fields: str) -> list[list[str]]:
    cmd = ["tshark", "-n", "-r", str(path), "-Y", display_filter, "-T", "fields", "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def identities(path: Path, proto: str) -> list[dict[str, Any]]:
    return [i for i in analyze_capture(path).doc["identities"] if i["proto"] == proto]


@needs_tshark
@pytest.mark.parametrize(
    "path",
    [
        L2CAP,
        SHARED_CAPTURES / "enip-cisa-enip_cip_example.pcap",
        SHARED_CAPTURES / "mixed-emre-104deneme2.pcap",
    ],
    ids=lambda p: p.name,
)
def test_lldp_names_and_ports_equal_tshark(path: Path) -> None:
    rows = tshark_fields(path, "lldp", "eth.src", "lldp.tlv.system.name", "lldp.port.desc")
    theirs = {(r[0], r[1] or None, r[2] or None) for r in rows}
    mine = {
        (i["address"], i["fields"].get("name"), i["fields"].get("port_description"))
        for i in identities(path, "lldp")
    }
    assert theirs and mine == theirs


@needs_tshark
def test_cdp_device_port_platform_equal_tshark() -> None:
    rows = tshark_fields(
        L2CAP, "cdp", "eth.src", "cdp.deviceid", "cdp.portid", "cdp.platform", "cdp.nrgyz.ip_address"
    )
    theirs = {tuple(r) for r in rows}
    mine = {
        (
            i["address"],
            i["fields"]["name"],
            i["fields"]["port_id"],
            i["fields"]["platform"],
            i["fields"]["management_address"],
        )
        for i in identities(L2CAP, "cdp")
    }
    assert theirs and mine == theirs


@needs_tshark
@pytest.mark.parametrize(
    "path", [L2CAP, SHARED_CAPTURES / "attack-lemay-moving_two_files_modbus_6RTU.pcap"], ids=lambda p: p.name
)
def test_arp_bindings_equal_tshark(path: Path) -> None:
    rows = tshark_fields(path, "arp", "arp.src.hw_mac", "arp.src.proto_ipv4")
    theirs = {(r[0], r[1]) for r in rows if r[1] != "0.0.0.0"}
    mine = {(i["address"], i["fields"]["ip"]) for i in identities(path, "arp")}
    assert theirs and mine == theirs
    ops = [c for c in analyze_capture(path).conversations if c["proto"] == "arp"]
    assert sum(c["count"] for c in ops) == len(rows)


def test_truncated_lldp_is_an_anomaly_not_a_crash() -> None:
    from plantwarden.protocols.base import Direction, PduContext
    from plantwarden.protocols.lldp.session import decode
    from tests.net.helpers import run_engine

    frame = next(p for p in run_engine(L2CAP).packets if p.ethertype == 0x88CC)
    ctx = PduContext("t", 1, 0, "F0", Direction.TO_SERVER, "a", "b", 0, 0, "eth")
    seen: list[str] = []

    class Sink:
        def operation(self, op: object) -> None: ...
        def identity(self, i: object) -> None: ...
        def value(self, v: object) -> None: ...
        def anomaly(self, a: Any) -> None:
            seen.append(a.name)

    for cut in range(1, len(frame.payload)):
        decode(frame.payload[:cut], ctx, Sink())
    assert "lldp.invalid_length" in seen
