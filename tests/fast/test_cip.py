"""The kernel's EtherNet/IP + CIP counting (fast.cip) against the Python decoder's labels.

The PDUs are cpppo's (tests/data/generate/enip_pipelined_cpppo.py): one connection with two
requests in flight, one with three, one with four, and one whose second request names a
tag that does not exist (answered with encapsulation status 0x08).
"""

from __future__ import annotations

import numpy as np
import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.fast import layout as L
from plantwarden.fast.bridge import Bridge
from plantwarden.fast.cip import (
    CIP_SEND_REQ,
    CIP_TAG_REQ,
    CIP_TAG_RSP,
    ENIP_RR,
    READ_TAG,
    WRITE_TAG,
    enip_front,
    enip_pdu,
)
from plantwarden.fast.labels import describe
from plantwarden.fast.protos import T_AUX, T_AUX2, T_KEY, T_KEY2
from plantwarden.protocols.enip.session import SPEC
from tests.protocols.stack_pdus import DATA, capture_pdus

CAPTURE = DATA / "enip-pipelined-cpppo.pcap"


def _flows() -> list[list[tuple[str, bytes]]]:
    """Each connection's PDUs in capture order: ("req" | "rsp", bytes)."""
    flows: dict[int, list[tuple[str, bytes]]] = {}
    for ctx, pdu in capture_pdus(CAPTURE, SPEC, 44818):
        client_port = ctx.sport if ctx.direction == "to_server" else ctx.dport
        flows.setdefault(client_port, []).append(("req" if ctx.direction == "to_server" else "rsp", pdu))
    return list(flows.values())


FLOWS = _flows()
TWO, THREE, FOUR, ERROR = FLOWS


def _context(pdu: bytes) -> int:
    return int.from_bytes(pdu[12:20], "little")


def _run(pdu: bytes, tmp: np.ndarray, g: np.ndarray) -> tuple[int, int, int, int]:
    b = np.frombuffer(pdu, np.uint8).copy()
    enip_front(b, 0, len(b), tmp)
    act, a, c, d = enip_pdu(b, 0, len(b), tmp, g)
    return int(act), int(a), int(c), int(d)


def _state() -> tuple[np.ndarray, np.ndarray]:
    g = np.zeros(L.NG, np.int64)
    g[L.G_SAMPLE0 + 6] = g[L.G_SAMPLE0 + 7] = 1  # past the first read and write, always samples
    return np.full(8, -1, np.int64), g


def _sendrr(flow: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return [(d, p) for d, p in flow if p[:2] == b"\x6f\x00"]


def test_the_capture_has_the_four_connections() -> None:
    assert len(FLOWS) == 4
    first = _sendrr(TWO)
    assert [d for d, _ in first[:4]] == ["req", "req", "rsp", "rsp"]  # two requests in flight


def test_read_request_and_reply_are_counted_with_the_python_names() -> None:
    tmp, g = _state()
    (_, request), (_, second), (_, reply) = _sendrr(TWO)[:3]
    assert request[40] == 0x52 and reply[40] == 0x80 | READ_TAG
    assert _run(request, tmp, g) == (L.A_COUNT, ENIP_RR, CIP_SEND_REQ, CIP_TAG_REQ | READ_TAG)
    assert _run(second, tmp, g)[0] == L.A_COUNT  # waits in the second slot
    assert _run(reply, tmp, g) == (L.A_COUNT, ENIP_RR, CIP_TAG_RSP | READ_TAG, 0)
    assert describe(CIP_SEND_REQ)[:3] == ("cip", "0x52:req", "Unconnected_Send")
    assert describe(CIP_TAG_REQ | READ_TAG)[:3] == ("cip", "0x4c:req", "Read_Tag")
    assert describe(CIP_TAG_RSP | READ_TAG)[:3] == ("cip", "0x4c:rsp", "Read_Tag")
    assert describe(CIP_TAG_REQ | WRITE_TAG)[:3] == ("cip", "0x4d:req", "Write_Tag")
    assert describe(ENIP_RR)[:2] == ("enip", "0x006f")


def test_first_read_is_sampled_to_python() -> None:
    tmp, g = np.full(8, -1, np.int64), np.zeros(L.NG, np.int64)
    (_, request), _, (_, reply) = _sendrr(TWO)[:3]
    assert _run(request, tmp, g)[0] == L.A_ROUTE
    assert tmp[T_KEY] == -1  # nothing pending in the kernel: the reply goes to Python too
    assert _run(reply, tmp, g)[0] == L.A_ROUTE


def test_two_requests_in_flight_are_counted_and_paired() -> None:
    """Every Read/Write Tag pair of the connection with two requests in flight is counted."""
    tmp, g = _state()
    results = [(d, _run(p, tmp, g)) for d, p in _sendrr(TWO)]
    assert {act for _, (act, *_) in results} == {L.A_COUNT}
    writes = [r for d, r in results if d == "rsp" and r[2] == CIP_TAG_RSP | WRITE_TAG]
    assert writes  # write replies paired with their writes
    assert tmp[T_KEY] == tmp[T_KEY2] == -1  # nothing left waiting


def test_a_third_request_in_flight_goes_to_python_and_the_slots_stay_in_order() -> None:
    tmp, g = _state()
    seen_third = False
    for direction, pdu in _sendrr(THREE):
        act = _run(pdu, tmp, g)[0]
        if tmp[T_KEY2] >= 0:
            assert tmp[T_KEY] >= 0  # the second slot is only used with the first
        if direction == "req" and act == L.A_ROUTE:
            seen_third = True
            assert _context(pdu) not in (tmp[T_AUX], tmp[T_AUX2])  # both slots were taken
        if direction == "rsp" and _context(pdu) not in (tmp[T_AUX], tmp[T_AUX2]):
            assert act in (L.A_COUNT, L.A_ROUTE)
    assert seen_third


def test_an_error_reply_goes_to_the_session_and_its_request_stays_pending() -> None:
    """cpppo answers the unknown tag with status 0x08 and no CPF: the session notes the status
    (enip.error_status) and, like the Python engine, still waits for a reply to the request."""
    tmp, g = _state()
    (_, first), (_, bad), (_, first_reply), (_, bad_reply) = _sendrr(ERROR)
    assert int.from_bytes(bad_reply[8:12], "little") == 0x08 and len(bad_reply) == 24
    assert _run(first, tmp, g)[0] == L.A_COUNT
    assert _run(bad, tmp, g)[0] == L.A_COUNT
    assert _run(first_reply, tmp, g)[0] == L.A_COUNT
    assert tmp[T_AUX] == _context(bad) and tmp[T_KEY2] == -1  # the other request moved up
    assert _run(bad_reply, tmp, g)[0] == L.A_ROUTE
    assert tmp[T_AUX] == _context(bad)


def test_a_reply_the_kernel_cannot_count_primes_the_session_with_the_matching_slot() -> None:
    """A reply to the second request in flight whose shape the kernel does not count (here:
    the Write Tag reply of a Read Tag request, made by swapping two real replies) primes the
    session with that request, and the older one keeps waiting in the first slot."""
    tmp, g = _state()
    sendrr = _sendrr(TWO)
    read, read_reply = sendrr[0][1], next(p for d, p in sendrr if d == "rsp")
    write_reply = next(p for d, p in sendrr if d == "rsp" and p[40] == 0x80 | WRITE_TAG)
    second = next(p for d, p in sendrr[1:] if d == "req" and p[40 + 10] == READ_TAG)
    wrong = write_reply[:12] + second[12:20] + write_reply[20:]  # the second read's context
    assert _run(read, tmp, g)[0] == L.A_COUNT
    assert _run(second, tmp, g)[0] == L.A_COUNT
    assert tmp[T_AUX2] == _context(second)
    assert _run(wrong, tmp, g)[0] == L.A_PRIME_ROUTE
    assert tmp[T_AUX] == _context(read) and tmp[T_KEY2] == -1
    assert _run(read_reply, tmp, g)[0] == L.A_COUNT


def test_the_engine_hands_python_only_what_the_kernel_cannot_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    routed: list[int] = []
    original = Bridge.events

    def events(self: Bridge, buf: np.ndarray, ev: np.ndarray, *rest: object) -> None:
        rows = ev.tolist()
        routed.extend(e[L.E_SERIAL] for e in rows if e[L.E_KIND] == L.K_PDU and e[L.E_PROTO] == L.P_ENIP)
        original(self, buf, ev, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(Bridge, "events", events)
    fast = analyze_capture(CAPTURE, engine="fast").doc
    python = analyze_capture(CAPTURE, engine="python").doc
    assert fast["conversations"] == python["conversations"]
    assert fast["anomaly_counts"] == python["anomaly_counts"]
    pairs = fast["protocols"]["enip"]["codes"]["0x006f"]["count"]
    # the first read and write of the capture are samples, four requests in flight are one too
    # many, and the error reply primes its session: a few PDUs in all, not one per request
    assert 0 < len(routed) < pairs // 4
