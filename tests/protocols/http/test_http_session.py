"""HTTP framing on real urllib/http.server bytes, IPP bodies, and bad input."""

from __future__ import annotations

from struct import pack

from plantwarden.protocols.http import SPEC, ipp, wire
from protocols.itkit.it_helpers import PYTHON, ctx, payloads
from tests.recorder import Recorder

SEGMENTS = list(payloads(PYTHON, 80))


def test_request_is_framed_at_the_empty_line() -> None:
    request = next(p for d, p in SEGMENTS if d == "to_server")
    assert SPEC.pdu_length(request) == len(request)
    assert SPEC.pdu_length(request[:20]) == 0


def test_response_with_content_length_waits_for_its_body() -> None:
    stream = b"".join(p for d, p in SEGMENTS if d == "to_client")
    first = SPEC.pdu_length(stream)
    assert stream[:first].endswith(b"</html>") and first < len(stream)
    assert SPEC.pdu_length(stream[: first - 3]) == first  # more than given: the engine waits


def test_large_body_is_skipped_as_opaque_data() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n"
    assert SPEC.pdu_length(head + b"x" * 10) == len(head)
    assert SPEC.pdu_length(b"x" * 10) == 10
    out = Recorder()
    SPEC.new_session().on_pdu(b"x" * 10, ctx("to_client", dport=80), out)
    assert not out.ops and not out.anomalies


def _attr(tag: int, name: bytes, value: bytes) -> bytes:
    return bytes([tag]) + pack("!H", len(name)) + name + pack("!H", len(value)) + value


def test_ipp_get_printer_attributes_answer_gives_the_model() -> None:
    # RFC 8010 3.1 encoding of a Get-Printer-Attributes response (no IPP printer runs here)
    body = (
        pack("!BBHI", 2, 0, 0, 7)
        + b"\x04"
        + _attr(0x41, b"printer-make-and-model", b"HP LaserJet 4250")
        + b"\x03"
    )
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    out = Recorder()
    SPEC.new_session().on_pdu(head + body, ctx("to_client", dport=631), out)
    assert [o.proto + " " + o.code for o in out.ops] == ["http 200", "ipp status:0x0000"]
    assert {"printer_model": "HP LaserJet 4250"} in [i.fields for i in out.identities]
    assert ipp.printer_fields(body[:20]) == {}


def test_probe_takes_http_only() -> None:
    assert SPEC.probe(b"GET / HTTP/1.1\r\n", "tcp") and not SPEC.probe(b"\x16\x03\x01", "tcp")
    assert wire.parse(b"\x00junk") is None
