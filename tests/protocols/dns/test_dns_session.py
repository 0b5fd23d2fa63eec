"""DNS wire decoding on real dig/dnsmasq messages: compression, TCP framing, bad input."""

from __future__ import annotations

from plantwarden.protocols.dns import SPEC, wire
from protocols.itkit.it_helpers import DNSMASQ, ctx, payloads
from tests.recorder import Recorder

UDP = list(payloads(DNSMASQ, 53, "udp"))
TCP = [p for _, p in payloads(DNSMASQ, 53, "tcp")]


def test_tcp_messages_are_framed_by_their_length_prefix() -> None:
    assert TCP and all(SPEC.pdu_length(p) == len(p) for p in TCP)
    assert SPEC.pdu_length(TCP[0][:1]) == 0


def test_compressed_answer_names_resolve() -> None:
    resp = next(p for d, p in UDP if d == "to_client" and wire.header(p).ancount)
    hdr = wire.header(resp)
    questions, records = wire.sections(resp, hdr)
    assert records[0].name == questions[0][0]


def test_compression_loop_is_an_anomaly_not_a_hang() -> None:
    query = next(p for d, p in UDP if d == "to_server")
    looped = query[:12] + b"\xc0\x0c" + b"\x00\x01\x00\x01"
    out = Recorder()
    SPEC.new_session().on_pdu(looped, ctx(transport="udp", dport=53), out)
    assert [a.name for a in out.anomalies] == ["dns.malformed"]
    assert "loop" in out.anomalies[0].detail


def test_probe_rejects_non_dns_datagrams() -> None:
    assert SPEC.probe(UDP[0][1], "udp")
    assert not SPEC.probe(b"\x00" * 40, "udp")
    assert not SPEC.probe(b"hello world, this is not dns", "udp")
