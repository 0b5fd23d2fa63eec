"""device-silent (a known device that stops answering its clients), alert impact from the
continuity engine, the burst-aware polling period, and the site-less baseline fallback."""

from __future__ import annotations

from pathlib import Path

from plantwarden.detect.baseline import Baseline, Conversation, Talker
from plantwarden.detect.engine import Detector
from plantwarden.detect.impact import impact_fn
from plantwarden.detect.learn import window_medians
from plantwarden.detect.model import Alert
from plantwarden.detect.service import DetectOptions, run_detect
from plantwarden.detect.store_baselines import store_baseline
from plantwarden.net.packet import TCP_ACK, TCP_SYN, Packet
from plantwarden.site.use import read_site

CLIENT, SERVER = "10.0.0.1", "10.0.0.2"
SITE = read_site(Path(__file__).resolve().parents[2] / "examples" / "dairy" / "site.yaml")[0]
NS = 1_000_000_000


def baseline() -> Baseline:
    return Baseline(
        talkers=[Talker(address=CLIENT, macs=[], packets=1), Talker(address=SERVER, macs=[], packets=1)],
        conversations=[
            Conversation(client=CLIENT, server=SERVER, transport="tcp", port=9100, proto="jetdirect")
        ],
    )


def syn(frame: int, t: float, src: str = CLIENT, dst: str = SERVER, flags: int = TCP_SYN) -> Packet:
    sport, dport = (40000, 9100) if src == CLIENT else (9100, 40000)
    return Packet(
        frame=frame,
        ts_ns=int(t * NS),
        wire_len=60,
        ethertype=0x0800,
        ip_version=4,
        ip_src=src,
        ip_dst=dst,
        ip_proto=6,
        ttl=64,
        sport=sport,
        dport=dport,
        tcp_flags=flags,
    )


def run(packets: list[Packet]) -> list[Alert]:
    detector = Detector(baseline())
    for p in packets:
        detector.observe_packet(p)
    return [a for a in detector.finish() if a.rule == "device-silent"]


def test_unanswered_connection_attempts_to_a_known_server_raise_one_alert() -> None:
    alerts = run([syn(1, 0.0), syn(2, 1.0), syn(3, 2.0), syn(4, 3.5), syn(5, 8.0)])
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.src, alert.dst) == (CLIENT, SERVER)
    assert alert.evidence[0].frames == [1]
    assert "4 unanswered attempts" in alert.details[0]


def test_a_server_that_answers_is_not_silent() -> None:
    answer = syn(2, 0.001, SERVER, CLIENT, TCP_SYN | TCP_ACK)
    assert run([syn(1, 0.0), answer, syn(3, 5.0), syn(4, 5.001, SERVER, CLIENT, TCP_SYN | TCP_ACK)]) == []


def test_attempts_to_an_unknown_port_are_not_loss_of_view() -> None:
    odd = [syn(i, float(i)) for i in range(1, 6)]
    for p in odd:
        p.dport = 9101
    assert run(odd) == []


def test_alert_impact_of_a_redundant_printer_names_the_line_its_group_protects() -> None:
    fn = impact_fn(SITE)
    one = fn(["lblprt-1"])
    assert one is not None and one["stops"] is False
    assert [x["line"] for x in one["lines"]] == ["packaging"]
    assert one["covered"][0]["group"] == "label-printers" and one["covered"][0]["spare"] == 0
    plc = fn(["plc-pack"])
    assert plc is not None and plc["stops"] is True and plc["lines"][0]["buffer_minutes"] == 0
    assert fn(["not-an-asset"]) is None


def test_window_medians_are_stable_for_requests_in_bursts() -> None:
    alternating = [0.005, 0.995] * 10
    assert set(window_medians(alternating)) == {0.5}


def test_detect_with_a_site_uses_the_baseline_of_the_stores_only_site(tmp_path: Path) -> None:
    """A baseline learned before any site model is the store's only site's (``default``)."""
    url = f"sqlite:///{tmp_path / 'b.db'}"
    version = store_baseline(url, baseline(), "test")
    report = run_detect(DetectOptions(captures=[], db_url=url, site=SITE))
    assert report.baseline_version == version
    assert not any("no baseline" in n for n in report.notes)
