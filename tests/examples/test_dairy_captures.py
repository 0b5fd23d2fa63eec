"""The committed captures of the dairy demo plant (examples/dairy), read by the project's engine.

They were made by examples/dairy/generate.py (real protocol stacks in network namespaces);
these tests never regenerate them. tshark's view of them is in examples/dairy/captures/truth.
"""

from __future__ import annotations

import json
import socket
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import dpkt
import pytest
import yaml

from plantwarden.analyze.pipeline import CaptureResult, analyze_capture

DAIRY = Path(__file__).resolve().parents[2] / "examples" / "dairy"
CAPTURES = DAIRY / "captures"
NORMAL = CAPTURES / "normal.pcap"
INCIDENTS = CAPTURES / "incidents.pcap"
INDUSTRIAL = {"modbus", "s7comm", "enip", "cip", "opcua", "bvlc", "bacapp", "iec104"}
# PLCs the generator runs a server for (examples/dairy/gen/schedule.py SERVERS).
SERVED_PLCS = {"plc-recv", "plc-proc", "plc-fill-a", "plc-fill-b", "plc-pack"}


@cache
def analysed(path: Path) -> CaptureResult:
    return analyze_capture(path)


def truth_for(capture: Path) -> dict[str, Any]:
    """tshark's ground truth of a committed capture (captures/truth/<name>.json)."""
    doc: dict[str, Any] = json.loads((CAPTURES / "truth" / f"{capture.stem}.json").read_text())
    return doc


@cache
def site() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((DAIRY / "site.yaml").read_text())
    return doc


def ip_of(asset: str) -> str:
    return next(str(a["ips"][0]) for a in site()["assets"] if a["name"] == asset)


@cache
def incidents() -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load((DAIRY / "incidents.yaml").read_text())
    return {str(i["id"]): i for i in doc["incidents"]}


def convs(path: Path, src: str, dst: str, proto: str) -> dict[str, dict[str, Any]]:
    """Conversation rows src -> dst of ``proto``, by code."""
    return {
        c["code"]: c
        for c in analysed(path).conversations
        if c["src"] == src and c["dst"] == dst and c["proto"] == proto
    }


@cache
def segments(path: Path) -> list[tuple[float, str, str, int, int]]:
    """(ts, src, dst, dport, flags) of every IPv4 TCP segment, read with dpkt."""
    out = []
    with open(path, "rb") as f:
        for ts, buf in dpkt.pcap.Reader(f):
            ip = dpkt.ethernet.Ethernet(buf).data
            if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP):
                src, dst = socket.inet_ntoa(ip.src), socket.inet_ntoa(ip.dst)
                out.append((float(ts), src, dst, ip.data.dport, ip.data.flags))
    return out


@cache
def arp_requests(path: Path) -> list[tuple[float, str]]:
    """(ts, target protocol address) of every ARP request."""
    with open(path, "rb") as f:
        arps = [(float(ts), dpkt.ethernet.Ethernet(buf).data) for ts, buf in dpkt.pcap.Reader(f)]
    return [
        (ts, socket.inet_ntoa(a.tpa))
        for ts, a in arps
        if isinstance(a, dpkt.arp.ARP) and a.op == dpkt.arp.ARP_OP_REQUEST
    ]


def syns(path: Path, src: str) -> Counter[tuple[str, int]]:
    """(dst, port) of every bare SYN sent by ``src``."""
    return Counter(
        (d, p)
        for _, s, d, p, fl in segments(path)
        if s == src and fl & dpkt.tcp.TH_SYN and not fl & dpkt.tcp.TH_ACK
    )


@pytest.mark.parametrize("capture", [NORMAL, INCIDENTS], ids=lambda p: p.name)
def test_packets_and_hosts_equal_tshark(capture: Path) -> None:
    doc, truth = analysed(capture).doc, truth_for(capture)
    assert doc["packets"] == truth["packets"]
    assert doc["hosts"]["ipv4"] == sorted(truth["hosts"]["ipv4_all"])
    assert doc["hosts"]["mac"] == sorted(truth["hosts"]["mac_all"])


@pytest.mark.parametrize("capture", [NORMAL, INCIDENTS], ids=lambda p: p.name)
def test_every_served_plc_talks_its_protocol(capture: Path) -> None:
    rows = analysed(capture).conversations
    for plc in SERVED_PLCS:
        protos = {c["proto"] for c in rows if ip_of(plc) in (c["src"], c["dst"])}
        assert protos & INDUSTRIAL, plc


@pytest.mark.parametrize("capture", [NORMAL, INCIDENTS], ids=lambda p: p.name)
def test_industrial_protocols_present(capture: Path) -> None:
    protos = {c["proto"] for c in analysed(capture).conversations}
    assert protos >= INDUSTRIAL


@pytest.mark.parametrize("capture", [NORMAL, INCIDENTS], ids=lambda p: p.name)
def test_industrial_conversations_equal_tshark(capture: Path) -> None:
    def table(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str, str], int]:
        keep = [r for r in rows if r["proto"] in INDUSTRIAL]
        return {(r["src"], r["dst"], r["proto"], r["code"]): r["count"] for r in keep}

    assert table(analysed(capture).conversations) == table(truth_for(capture)["tuples"])


def test_hosts_carry_the_site_macs() -> None:
    macs = set(analysed(NORMAL).doc["hosts"]["mac"])
    declared = {str(a["macs"][0]).lower() for a in site()["assets"] if a.get("macs")}
    assert len(macs & declared) >= 20
    assert macs <= declared | {"ff:ff:ff:ff:ff:ff"}


def test_incidents_file_matches_the_capture() -> None:
    first, last = analysed(INCIDENTS).doc["first_ts"], analysed(INCIDENTS).doc["last_ts"]
    assert len(incidents()) == 6
    for inc in incidents().values():
        assert first <= inc["start_epoch"] <= inc["end_epoch"] <= last + 1
        assert inc["start"] == pytest.approx(inc["start_epoch"] - first, abs=0.01)
        assert inc["src"]["ip"] == (
            ip_of(inc["src"]["asset"]) if inc["src"]["asset"] != "rogue-laptop" else "10.10.40.99"
        )


def test_program_download_from_the_office_pc() -> None:
    inc = incidents()["b-program-download"]
    it, plc = ip_of("qa-ws-01"), ip_of("plc-recv")
    assert {"1:0x1a"} <= convs(INCIDENTS, it, plc, "s7comm").keys()  # Request Download (job)
    assert {"1:0x1b", "1:0x1c"} <= convs(INCIDENTS, plc, it, "s7comm").keys()  # PLC pulls the block
    row = convs(INCIDENTS, it, plc, "s7comm")["1:0x1a"]
    assert inc["start_epoch"] <= row["first_ts"] <= inc["end_epoch"]
    assert not any(c["code"] in ("1:0x1a", "1:0x1b", "1:0x1c") for c in analysed(NORMAL).conversations)


def test_plc_stop_from_the_engineering_workstation() -> None:
    inc = incidents()["f-plc-stop"]
    row = convs(INCIDENTS, ip_of("ews-01"), ip_of("plc-proc"), "s7comm")["1:0x29"]
    assert row["count"] == 1
    assert inc["start_epoch"] <= row["first_ts"] <= inc["end_epoch"]
    assert not any(c["code"] == "1:0x29" for c in analysed(NORMAL).conversations)


def test_modbus_write_from_a_new_host() -> None:
    rogue, plc = "10.10.40.99", ip_of("plc-pack")
    assert {"5", "6", "16"} <= convs(INCIDENTS, rogue, plc, "modbus").keys()
    assert rogue not in analysed(NORMAL).doc["hosts"]["ipv4"]
    assert all(rogue not in a["ips"] for a in site()["assets"])
    normal_writers = {
        c["src"]
        for c in analysed(NORMAL).conversations
        if c["proto"] == "modbus" and c["code"] in ("5", "6", "15", "16")
    }
    assert normal_writers == set()


def test_scan_from_the_office_pc() -> None:
    probes = syns(INCIDENTS, ip_of("qa-ws-01"))
    control = {(d, p) for d, p in probes if d.startswith("10.10.40.")}
    assert len(control) >= 250
    assert len({d for d, _ in control}) >= 8
    assert not syns(NORMAL, ip_of("qa-ws-01")).keys() & control - {(ip_of("plc-recv"), 102)}


def test_remote_access_session() -> None:
    inc = incidents()["a-remote-access"]
    rag, ews = ip_of("rag-01"), ip_of("ews-01")
    assert syns(INCIDENTS, rag)[(ews, 22)] == 1
    assert not syns(NORMAL, rag)
    times = [ts for ts, s, d, _, _ in segments(INCIDENTS) if {s, d} == {rag, ews}]
    assert len(times) > 20
    assert inc["start_epoch"] <= min(times) and max(times) <= inc["end_epoch"] + 1


def test_label_printer_goes_silent() -> None:
    inc = incidents()["e-label-printer-silent"]
    printer, server, start = ip_of("lblprt-1"), ip_of("prt-srv-01"), inc["start_epoch"]
    sent = [ts for ts, s, _, _, _ in segments(INCIDENTS) if s == printer]
    assert sent and max(sent) < start + 1  # printed before, silent after
    jobs = [
        ts
        for ts, s, d, p, fl in segments(INCIDENTS)
        if (s, d, p) == (server, printer, 9100) and fl & dpkt.tcp.TH_SYN
    ]
    assert len([ts for ts in jobs if ts < start]) >= 5  # jobs went through before
    asked = [ts for ts, target in arp_requests(INCIDENTS) if target == printer and ts > start + 1]
    assert asked  # afterwards the print server only asks, unanswered, who has the printer's address
