"""Less noise per new thing: one ``new-asset`` per new host (not one per MAC and one per IP),
one ``new-conversation`` per pair however often and however late it recurs (in a run and
across runs in the store), and no conversation with loopback or link-local multicast."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from plantwarden.detect.alerts import AlertBook
from plantwarden.detect.baseline import Baseline
from plantwarden.detect.engine import Detector
from plantwarden.detect.model import MERGE_WINDOW_S, Alert, Finding
from plantwarden.detect.rules.inventory import NEW_CONVERSATION
from plantwarden.detect.sitectx import SiteContext
from plantwarden.detect.store_alerts import list_alerts, record_alerts
from plantwarden.detect.stream import detect_captures
from plantwarden.net.packet import IPPROTO_UDP, Packet

from .helpers import SHARED, detect
from .lab import OPS, ZONES, run

MIXED = SHARED / "mixed-emre-104deneme2.pcap"


def new_assets(alerts: list[Alert]) -> list[tuple[str, str]]:
    return sorted((a.src, a.details[0]) for a in alerts if a.rule == "new-asset")


def test_a_new_host_is_one_new_asset_with_its_mac_in_the_detail() -> None:
    """detect-ops: three hosts join after learning, each with an ARP first, then IP."""
    alerts, _ = run(OPS)
    assert new_assets(alerts) == [
        ("10.77.1.14", "10.77.1.14 (MAC 02:77:00:00:00:05) first sent a packet"),
        ("10.77.2.20", "10.77.2.20 (MAC 02:77:00:00:00:08) first sent a packet"),
        ("10.77.9.66", "10.77.9.66 (MAC 02:77:00:00:00:09) first sent a packet"),
    ]
    zones, _ = run(ZONES)
    assert [src for src, _ in new_assets(zones)] == ["10.77.1.30", "10.77.2.30"]


def test_public_capture_mac_and_link_local_address_fold_into_the_host() -> None:
    """mixed-emre-104deneme2 against an empty baseline: 192.168.1.75 also sends LLDP and ARP
    from its MAC; 192.168.1.200 also DHCPv6 from fe80::55dc:485d:44b6:bd4d (the same MAC)."""
    alerts = detect(MIXED, baseline=Baseline())
    assert [src for src, _ in new_assets(alerts)] == ["192.168.1.200", "192.168.1.75"]


def _pkt(frame: int, eth: str, src: str | None, dst: str, version: int = 4) -> Packet:
    """A decoded frame: without ``src`` an L2 frame (the MAC is its source), else UDP."""
    if src is None:
        return Packet(frame, frame * 1_000_000_000, 60, eth_src=eth, eth_dst="ff:ff:ff:ff:ff:ff")
    return Packet(
        frame, frame * 1_000_000_000, 60, eth_src=eth, ip_version=version, ip_src=src, ip_dst=dst,
        ip_proto=IPPROTO_UDP, sport=40000, dport=9,
    )  # fmt: skip


def test_a_host_known_only_by_mac_or_link_local_is_one_alert_and_a_known_mac_none() -> None:
    known = Baseline(talkers=[{"address": "10.0.0.1", "macs": ["02:00:00:00:00:01"]}])
    detector = Detector(known)
    detector.begin_capture("x.pcap")
    for pkt in (
        _pkt(1, "02:00:00:00:00:07", None, ""),  # an L2 frame of a device that never speaks IP
        _pkt(2, "02:00:00:00:00:07", "fe80::7", "ff02::1", 6),  # then its link-local address
        _pkt(3, "02:00:00:00:00:01", "fe80::1", "ff02::1", 6),  # the known host's link-local address
    ):
        detector.observe_packet(pkt)
    alerts = detector.finish()
    assert [(a.rule, a.src, a.evidence[0].frames) for a in alerts if a.rule == "new-asset"] == [
        ("new-asset", "02:00:00:00:00:07", [1])
    ]


def test_new_conversation_merges_whatever_the_gap() -> None:
    book = AlertBook(SiteContext(None), window_s=60.0)
    for i, ts in enumerate((1.7e9, 1.7e9 + 600, 1.7e9 + 86_400)):
        detail = "10.0.0.5 -> 10.0.0.1 tcp/502"
        book.add(Finding(NEW_CONVERSATION, "10.0.0.5", "10.0.0.1", "a.pcap", 10 + i, ts, detail))
    (alert,) = book.alerts
    assert alert.count == 3 and alert.evidence[0].frames == [10, 11, 12]
    assert alert.evidence[0].bursts == [11, 12] and alert.evidence[0].burst_count == 2


def test_a_later_run_merges_into_the_stored_new_conversation(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    alerts, _ = run(OPS)
    conv = next(a for a in alerts if a.rule == "new-conversation")
    later = dataclasses.replace(
        conv,
        id=conv.id[:-4] + "zzzz",
        first_ts=conv.last_ts + 3 * MERGE_WINDOW_S,
        last_ts=conv.last_ts + 3 * MERGE_WINDOW_S + 1,
        evidence=[dataclasses.replace(e, frames=list(e.frames)) for e in conv.evidence],
        details=list(conv.details),
        learn=list(conv.learn),
    )
    record_alerts(db, [conv])
    record_alerts(db, [later])
    stored = [a for a in list_alerts(db) if a.rule == "new-conversation"]
    assert [(a.id, a.count) for a in stored] == [(conv.id, conv.count + later.count)]
    assert stored[0].last_ts == later.last_ts


@pytest.mark.parametrize("path", [MIXED])
def test_loopback_and_link_local_multicast_are_no_conversation(path: Path) -> None:
    alerts = detect_captures([str(path)], Detector(Baseline())).alerts
    ends = {(a.src, a.dst) for a in alerts if a.rule == "new-conversation"}
    assert not [e for e in ends if {"224.0.0.251", "ff02::1:2"} & set(e)]
    assert ("192.168.1.75", "239.255.255.250") in ends  # other multicast (SSDP) is still one
