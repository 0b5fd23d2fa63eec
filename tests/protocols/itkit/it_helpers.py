"""Shared test material of the IT decoders: tshark fields, engine runs, PDU replay."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.protocols.base import Direction, PduContext

CAPTURES = Path(__file__).resolve().parents[2] / "data" / "captures"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "captures"
DNSMASQ = CAPTURES / "it-dnsmasq.pcap"
PYTHON = CAPTURES / "it-python.pcap"
DAEMONS = CAPTURES / "it-daemons.pcap"
LEMAY = SHARED / "attack-lemay-moving_two_files_modbus_6RTU.pcap"
EMRE = SHARED / "mixed-emre-104deneme2.pcap"
needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")


def tshark_rows(path: Path, display_filter: str, *fields: str) -> list[list[str]]:
    """One row per matching frame; each field's occurrences stay comma-joined."""
    cmd = ["tshark", "-n", "-r", str(path), "-Y", display_filter, "-T", "fields", "-E", "occurrence=a"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


@lru_cache(maxsize=8)
def _doc(path: Path) -> dict[str, Any]:
    return analyze_capture(path).doc


def identities(path: Path, proto: str) -> list[dict[str, Any]]:
    return [i for i in _doc(path)["identities"] if i["proto"] == proto]


def conversations(path: Path, *protos: str) -> list[dict[str, Any]]:
    return [c for c in _doc(path)["conversations"] if c["proto"] in protos]


def anomalies(path: Path, prefix: str) -> dict[str, int]:
    return {k: v for k, v in _doc(path)["anomaly_counts"].items() if k.startswith(prefix)}


def ctx(
    direction: str = "to_server", transport: str = "tcp", sport: int = 50000, dport: int = 0
) -> PduContext:
    d = Direction.TO_SERVER if direction == "to_server" else Direction.TO_CLIENT
    src, dst = ("10.0.0.2", "10.0.0.1") if direction == "to_server" else ("10.0.0.1", "10.0.0.2")
    if direction != "to_server":
        sport, dport = dport, sport
    return PduContext("t", 1, 0, "F", d, src, dst, sport, dport, transport)


def payloads(path: Path, port: int, transport: str = "tcp") -> Iterator[tuple[str, bytes]]:
    """(direction, payload) of every non-empty TCP segment / UDP datagram on ``port``, in order,
    read with dpkt (an independent reader)."""
    import dpkt

    with open(path, "rb") as f:
        for _ts, buf in dpkt.pcap.Reader(f):
            ip = dpkt.ethernet.Ethernet(buf).data
            l4 = getattr(ip, "data", None)
            want = dpkt.tcp.TCP if transport == "tcp" else dpkt.udp.UDP
            if not isinstance(l4, want) or not l4.data or port not in (l4.sport, l4.dport):
                continue
            yield ("to_server" if l4.dport == port else "to_client"), bytes(l4.data)
