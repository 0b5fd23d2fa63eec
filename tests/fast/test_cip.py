"""The kernel's EtherNet/IP + CIP counting (fast.cip) against the Python decoder's labels."""

from __future__ import annotations

import numpy as np

from plantwarden.fast import layout as L
from plantwarden.fast.cip import (
    CIP_SEND_REQ,
    CIP_TAG_REQ,
    CIP_TAG_RSP,
    ENIP_RR,
    READ_TAG,
    WRITE_TAG,
    enip_pdu,
)
from plantwarden.fast.labels import describe

# SendRRData, sender context 0x30: Unconnected Send (20 06 24 01) embedding Read Tag "Temp"[0] x10
READ = bytes.fromhex("6f002a0039e122c200000000300000000000000000000000000000000800020000000000"
                     "b2001a00520220062401059d0c004c04910454656d7028000a0001000100")
# its reply: Read Tag reply (0xCC), status 0, type 0xC3 (INT) and values
REPLY = bytes.fromhex("6f001e0039e122c200000000300000000000000000000000000000000800020000000000"
                      "b2000e00cc000000c3000000070000000000")
WRITE = bytes.fromhex("6f002e0039e122c200000000380000000000000000000000000000000800020000000000"
                      "b2001e00520220062401059d10004d049104466c61672801c3000100070001000100")


def _run(pdu: bytes, tmp: np.ndarray, g: np.ndarray) -> tuple[int, int, int, int]:
    b = np.frombuffer(pdu, np.uint8).copy()
    act, a, c, d = enip_pdu(b, 0, len(b), tmp, g)
    return int(act), int(a), int(c), int(d)


def _state() -> tuple[np.ndarray, np.ndarray]:
    g = np.zeros(L.NG, np.int64)
    g[L.G_SAMPLE0 + 6] = 1  # past the first read, which is always a sample
    return np.full(8, -1, np.int64), g


def test_read_request_and_reply_are_counted_with_the_python_names() -> None:
    tmp, g = _state()
    assert _run(READ, tmp, g) == (L.A_COUNT, ENIP_RR, CIP_SEND_REQ, CIP_TAG_REQ | READ_TAG)
    assert _run(REPLY, tmp, g) == (L.A_COUNT, ENIP_RR, CIP_TAG_RSP | READ_TAG, 0)
    assert describe(CIP_SEND_REQ)[:3] == ("cip", "0x52:req", "Unconnected_Send")
    assert describe(CIP_TAG_REQ | READ_TAG)[:3] == ("cip", "0x4c:req", "Read_Tag")
    assert describe(CIP_TAG_RSP | READ_TAG)[:3] == ("cip", "0x4c:rsp", "Read_Tag")
    assert describe(CIP_TAG_REQ | WRITE_TAG)[:3] == ("cip", "0x4d:req", "Write_Tag")
    assert describe(ENIP_RR)[:2] == ("enip", "0x006f")


def test_first_read_is_sampled_to_python() -> None:
    tmp, g = np.full(8, -1, np.int64), np.zeros(L.NG, np.int64)
    assert _run(READ, tmp, g)[0] == L.A_ROUTE
    assert tmp[0] == -1  # nothing pending in the kernel: the reply goes to Python too
    assert _run(REPLY, tmp, g)[0] == L.A_ROUTE


def test_write_reply_pairs_with_the_write() -> None:
    tmp, g = _state()
    g[L.G_SAMPLE0 + 7] = 1  # past the first write
    assert _run(WRITE, tmp, g) == (L.A_COUNT, ENIP_RR, CIP_SEND_REQ, CIP_TAG_REQ | WRITE_TAG)
    reply = bytes.fromhex("6f00140039e122c200000000380000000000000000000000000000000800020000000000"
                          "b2000400cd000000")
    assert _run(reply, tmp, g) == (L.A_COUNT, ENIP_RR, CIP_TAG_RSP | WRITE_TAG, 0)
    assert _run(REPLY.replace(b"\x30", b"\x38", 1), tmp, g)[0] == L.A_ROUTE  # nothing pending now


def test_pipelined_requests_go_to_python() -> None:
    tmp, g = _state()
    assert _run(READ, tmp, g)[0] == L.A_COUNT
    assert _run(READ.replace(b"\x30\x00\x00\x00\x00", b"\x31\x00\x00\x00\x00", 1), tmp, g)[0] == L.A_ROUTE


def test_reply_the_kernel_cannot_count_primes_the_session() -> None:
    tmp, g = _state()
    _run(READ, tmp, g)
    error = bytearray(REPLY)
    error[8] = 1  # encapsulation status: the session notes an anomaly, so Python decodes it
    assert _run(bytes(error), tmp, g)[0] == L.A_PRIME_ROUTE
    assert tmp[0] == -1
