"""BACnet on ISO 8802-2 (Ethernet LLC, ASHRAE 135 clause 7) and on MS/TP (clause 9).

``bacnet-*-bacnetstack.pcap``: the BACnet Stack speaking each link itself (raw Ethernet in
two network namespaces; MS/TP on an emulated RS-485 trunk), see
tests/data/generate/bacnet_{ethernet,mstp}_bacnetstack.py. ``bacnet-*-bacpypes3.pcap``: the
NPDUs the bacpypes3 stack sent over BACnet/IP, re-framed (bacnet_links_bacpypes3.py), so
the same exchange can be compared across the three links. tshark's truth for all of them is
in tests/data/captures/truth (the conversation truth test compares them tuple for tuple).
Before this decoder, neither link gave a single BACnet operation.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import dpkt
import pytest
from bacnet_frames import datagrams

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.capture.records import LINKTYPE_BACNET_MS_TP, LINKTYPE_ETHERNET, RawFrame
from plantwarden.net import l2
from plantwarden.net.decode import Decoder
from tests.conftest import DATA, truth_for

ETHERNET = DATA / "captures" / "bacnet-ethernet-bacpypes3.pcap"
MSTP = DATA / "captures" / "bacnet-mstp-bacpypes3.pcap"
IP = DATA / "captures" / "bacnet-bacpypes3.pcap"
STACK_ETHERNET = DATA / "captures" / "bacnet-ethernet-bacnetstack.pcap"
STACK_MSTP = DATA / "captures" / "bacnet-mstp-bacnetstack.pcap"


def _bacapp(path: Path) -> Counter[tuple[str, str, str]]:
    rows = analyze_capture(path).conversations
    return Counter({(r["src"], r["dst"], r["code"]): r["count"] for r in rows if r["proto"] == "bacapp"})


def test_bacnet_over_llc_gives_the_operations_of_bacnet_ip_between_the_macs() -> None:
    over_ip = _bacapp(IP)
    macs = {"127.0.4.1": "02:00:00:00:04:01", "127.0.4.2": "02:00:00:00:04:02"}
    assert _bacapp(ETHERNET) == Counter({(macs[s], macs[d], code): n for (s, d, code), n in over_ip.items()})
    rows = analyze_capture(ETHERNET).conversations
    assert not [r for r in rows if r["proto"] == "bvlc"]  # no BVLL on Ethernet, as in tshark


def test_a_real_stack_on_raw_ethernet_reads_its_device_between_the_macs() -> None:
    got = _bacapp(STACK_ETHERNET)
    server, client, everyone = "02:00:00:00:0b:01", "02:00:00:00:0b:02", "ff:ff:ff:ff:ff:ff"
    assert got[(client, everyone, "1:8")] == got[(server, client, "1:0")] == 11  # Who-Is, I-Am
    assert got[(client, server, "0:12")] == 7 and got[(server, client, "3:12")] == 5
    assert got[(server, client, "5:12")] == 2  # the missing analog inputs
    doc = analyze_capture(STACK_ETHERNET).doc
    (edge,) = [e for e in doc["edges"] if e["proto"] == "bacnet" and e["server"] == server]
    assert edge["client"] == client and edge["transport"] == "eth"


def _mstp_name(mac: int) -> str:
    return "mstp:broadcast" if mac == 255 else f"mstp:{mac}"


@pytest.mark.parametrize("capture", [MSTP, STACK_MSTP], ids=lambda p: p.stem)
def test_mstp_endpoints_are_the_macs_tshark_reads(capture: Path) -> None:
    truth = json.loads((DATA / "captures" / "truth" / f"{capture.stem}.mstp.json").read_text())
    expected: Counter[tuple[str, str]] = Counter()
    for f in truth["frames"]:
        if f["apdu_type"] is not None:
            expected[(_mstp_name(f["src"]), _mstp_name(f["dst"]))] += 1
    got: Counter[tuple[str, str]] = Counter()
    for (src, dst, _), n in _bacapp(capture).items():
        got[(src, dst)] += n
    assert got == expected
    assert analyze_capture(capture).doc["packets"] == len(truth["frames"])


def test_the_same_exchange_gives_the_same_codes_on_mstp_as_on_bacnet_ip() -> None:
    codes = Counter(code for (_, _, code), n in _bacapp(MSTP).items() for _ in range(n))
    assert codes == Counter(code for (_, _, code), n in _bacapp(IP).items() for _ in range(n))


def test_the_mstp_client_is_the_station_sending_confirmed_requests() -> None:
    doc = analyze_capture(STACK_MSTP).doc
    edges = {(e["client"], e["server"]) for e in doc["edges"] if e["proto"] == "bacnet"}
    assert ("mstp:2", "mstp:1") in edges and ("mstp:1", "mstp:2") not in edges


@pytest.mark.parametrize("capture", [MSTP, STACK_MSTP], ids=lambda p: p.stem)
def test_mstp_frames_without_data_are_packets_without_a_flow(capture: Path) -> None:
    doc = analyze_capture(capture).doc
    assert doc["packets"] == truth_for(capture)["packets"]
    assert not doc["decode_notes"]  # every header and data CRC checks
    flows = sum(e["flows"] for e in doc["edges"])
    assert flows == len({tuple(sorted((e["client"], e["server"]))) for e in doc["edges"]})


def _frame(linktype: int, data: bytes) -> RawFrame:
    return RawFrame(1, 0, linktype, data, len(data))


def test_llc_payload_ends_where_the_802_3_length_says_not_at_the_padding() -> None:
    npdu = datagrams(IP)[0][3][4:]  # the real stack's NPDU of a Who-Is
    frame = (
        bytes.fromhex("020000000401020000000402") + (len(npdu) + 3).to_bytes(2, "big") + l2.LLC_BACNET + npdu
    )
    padded = frame + b"\0" * (60 - len(frame))
    pkt = Decoder().decode(_frame(LINKTYPE_ETHERNET, padded))
    assert (pkt.ethertype, pkt.payload, pkt.src, pkt.dst) == (
        l2.ETH_BACNET,
        npdu,
        "02:00:00:00:04:02",
        "02:00:00:00:04:01",
    )


def test_other_llc_frames_stay_llc() -> None:
    stp = (
        bytes.fromhex("0180c2000000020000000401")
        + (38).to_bytes(2, "big")
        + bytes.fromhex("424203")
        + bytes(35)
    )
    pkt = Decoder().decode(_frame(LINKTYPE_ETHERNET, stp))
    assert pkt.ethertype == l2.ETH_LLC and pkt.payload.startswith(b"\x42\x42\x03")


def _mstp_frames() -> list[bytes]:
    with MSTP.open("rb") as f:
        return [bytes(raw) for _, raw in dpkt.pcap.Reader(f)]


def test_mstp_header_and_data_crc_errors_are_noted() -> None:
    frames = _mstp_frames()
    data = next(f for f in frames if f[2] in (5, 6))
    bad_header = data[:7] + bytes([data[7] ^ 1]) + data[8:]
    bad_data = data[:-1] + bytes([data[-1] ^ 1])
    assert Decoder().decode(_frame(LINKTYPE_BACNET_MS_TP, data)).notes == []
    assert Decoder().decode(_frame(LINKTYPE_BACNET_MS_TP, bad_header)).notes == ["mstp.header_crc"]
    assert Decoder().decode(_frame(LINKTYPE_BACNET_MS_TP, bad_data)).notes == ["mstp.data_crc"]


@pytest.mark.parametrize("cut", [0, 1, 5, 7])
def test_short_mstp_frames_are_noted_not_decoded(cut: int) -> None:
    data = next(f for f in _mstp_frames() if f[2] in (5, 6))
    pkt = Decoder().decode(_frame(LINKTYPE_BACNET_MS_TP, data[:cut]))
    assert pkt.notes == ["mstp.truncated"] and pkt.ethertype is None and pkt.payload == b""


def test_token_frame_has_addresses_but_no_payload() -> None:
    token = next(f for f in _mstp_frames() if f[2] == 0)
    pkt = Decoder().decode(_frame(LINKTYPE_BACNET_MS_TP, token))
    assert (pkt.src, pkt.dst, pkt.payload, pkt.ethertype) == (
        f"mstp:{token[4]}",
        f"mstp:{token[3]}",
        b"",
        None,
    )
    broadcast = token[:3] + b"\xff" + token[4:7]
    header = l2._crc_header(broadcast[2:7])
    pkt = Decoder().decode(_frame(LINKTYPE_BACNET_MS_TP, broadcast + bytes([header])))
    assert pkt.dst == "mstp:broadcast" and pkt.notes == []
