"""BACnet/IP byte layouts (ANSI/ASHRAE 135-2020): BVLC, NPDU and APDU headers.

Pure functions over bytes. Truncated or impossible layouts raise :class:`WireError`,
which the session turns into a named anomaly. Tags and values are in ``tags.py``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

BVLC_TYPE_BIP = 0x81
BVLC_HEADER = 4
# Annex J.2: functions whose payload is an NPDU, and where it starts
NPDU_OFFSET: dict[int, int] = {0x04: 10, 0x09: 4, 0x0A: 4, 0x0B: 4}

_H = struct.Struct(">H")


class WireError(ValueError):
    """A layout that does not fit the bytes; ``what`` names the anomaly."""

    def __init__(self, what: str, detail: str = "") -> None:
        super().__init__(detail or what)
        self.what = what
        self.detail = detail or what


@dataclass(slots=True)
class Bvlc:
    """Annex J.2 BVLL header: bvlc_type, bvlc_function, bvlc_length (whole BVLL, octets)."""

    bvlc_type: int
    bvlc_function: int
    bvlc_length: int


def parse_bvlc(buf: bytes) -> Bvlc:
    """Annex J.2: type (0x81 for BACnet/IP), function, 2-octet length of the whole datagram."""
    if len(buf) < BVLC_HEADER:
        raise WireError("invalid_length", f"{len(buf)} octets, a BVLL header needs 4")
    return Bvlc(buf[0], buf[1], _H.unpack_from(buf, 2)[0])


def forwarded_address(buf: bytes) -> str:
    """Annex J.2.9: Forwarded-NPDU carries the originating B/IP address (4 octets IP + 2 port)."""
    if len(buf) < 10:
        raise WireError("invalid_length", "Forwarded-NPDU without its originating address")
    return f"{buf[4]}.{buf[5]}.{buf[6]}.{buf[7]}:{_H.unpack_from(buf, 8)[0]}"


@dataclass(slots=True)
class Npdu:
    """Clause 6.2: NPCI fields; ``apdu`` is the offset of the APDU or network message."""

    version: int
    control: int
    dnet: int | None
    dadr: bytes
    snet: int | None
    sadr: bytes
    hop_count: int | None
    message_type: int | None  # network layer message (control bit 7), else None
    vendor_id: int | None
    apdu: int

    @property
    def expecting_reply(self) -> bool:
        return bool(self.control & 0x04)

    @property
    def priority(self) -> int:
        return self.control & 0x03


def _need(buf: bytes, end: int, what: str) -> None:
    if end > len(buf):
        raise WireError("truncated", f"NPDU ends inside {what}")


def _address(buf: bytes, pos: int, what: str) -> tuple[int, bytes, int]:
    """Clause 6.2.2: 2-octet network number, 1-octet MAC length, MAC address."""
    _need(buf, pos + 3, what)
    net, mlen = _H.unpack_from(buf, pos)[0], buf[pos + 2]
    _need(buf, pos + 3 + mlen, what)
    return net, bytes(buf[pos + 3 : pos + 3 + mlen]), pos + 3 + mlen


def parse_npdu(buf: bytes, pos: int) -> Npdu:
    """Clause 6.2: version (1), control, [DNET DLEN DADR], [SNET SLEN SADR], [hop count],
    [message type [vendor id]] (control bits: 7 network message, 5 DNET, 3 SNET)."""
    _need(buf, pos + 2, "the NPCI")
    version, control = buf[pos], buf[pos + 1]
    pos += 2
    dnet = snet = hop = mtype = vendor = None
    dadr = sadr = b""
    if control & 0x20:
        dnet, dadr, pos = _address(buf, pos, "DNET/DADR")
    if control & 0x08:
        snet, sadr, pos = _address(buf, pos, "SNET/SADR")
    if control & 0x20:
        _need(buf, pos + 1, "the hop count")
        hop, pos = buf[pos], pos + 1
    if control & 0x80:
        _need(buf, pos + 1, "the message type")
        mtype, pos = buf[pos], pos + 1
        if mtype >= 0x80:
            _need(buf, pos + 2, "the vendor id")
            vendor, pos = _H.unpack_from(buf, pos)[0], pos + 2
    return Npdu(version, control, dnet, dadr, snet, sadr, hop, mtype, vendor, pos)


@dataclass(slots=True)
class Apdu:
    """Clause 20.1: the fixed part of each BACnet-PDU; ``body`` is the service data offset."""

    pdu_type: int
    flags: int  # low nibble of the first octet (SEG, MOR, SA / SRV / NAK)
    invoke_id: int | None
    service: int | None  # service choice; None for Segment-ACK, Reject, Abort
    reason: int | None  # reject / abort reason
    sequence_number: int | None
    body: int

    @property
    def segmented(self) -> bool:
        return self.pdu_type in (0, 3) and bool(self.flags & 0x08)


def _octets(buf: bytes, pos: int, n: int) -> bytes:
    if pos + n > len(buf):
        raise WireError("truncated", "APDU header ends early")
    return buf[pos : pos + n]


def parse_apdu(buf: bytes, pos: int) -> Apdu:
    """Clause 20.1.2-20.1.9: the header of each of the eight BACnet-PDU types."""
    first = _octets(buf, pos, 1)[0]
    ptype, flags = first >> 4, first & 0x0F
    if ptype == 0:  # 20.1.2 Confirmed-Request: flags, max segs/APDU, invoke id, [seq, window], service
        seg = 2 if flags & 0x08 else 0
        h = _octets(buf, pos, 4 + seg)
        return Apdu(0, flags, h[2], h[3 + seg], None, h[3] if seg else None, pos + 4 + seg)
    if ptype == 1:  # 20.1.3 Unconfirmed-Request: service choice
        return Apdu(1, flags, None, _octets(buf, pos, 2)[1], None, None, pos + 2)
    if ptype == 2:  # 20.1.4 SimpleACK: invoke id, service ack choice
        h = _octets(buf, pos, 3)
        return Apdu(2, flags, h[1], h[2], None, None, pos + 3)
    if ptype == 3:  # 20.1.5 ComplexACK: invoke id, [seq, window], service ack choice
        seg = 2 if flags & 0x08 else 0
        h = _octets(buf, pos, 3 + seg)
        return Apdu(3, flags, h[1], h[2 + seg], None, h[2] if seg else None, pos + 3 + seg)
    if ptype == 4:  # 20.1.6 SegmentACK: invoke id, sequence number, actual window size
        h = _octets(buf, pos, 4)
        return Apdu(4, flags, h[1], None, None, h[2], pos + 4)
    if ptype == 5:  # 20.1.7 Error: invoke id, error choice (the service), then the error
        h = _octets(buf, pos, 3)
        return Apdu(5, flags, h[1], h[2], None, None, pos + 3)
    if ptype in (6, 7):  # 20.1.8 Reject / 20.1.9 Abort: invoke id, reason
        h = _octets(buf, pos, 3)
        return Apdu(ptype, flags, h[1], None, h[2], None, pos + 3)
    raise WireError("unknown_pdu_type", f"BACnet-PDU type {ptype}")
