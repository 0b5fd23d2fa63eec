"""SMB transport and headers.

NetBIOS session service (RFC 1002 4.3.1) and direct TCP (MS-SMB2 2.1): TYPE(1) and a
length in the next 3 bytes (17 bits on port 139, 24 bits on 445). Session request
(RFC 1002 4.3.2): CALLED_NAME(34) CALLING_NAME(34), first-level encoded.
SMB1 header (MS-CIFS 2.2.3.1, 32 bytes): Protocol "\\xffSMB", Command(1), Status(4),
Flags(1) (0x80 reply), Flags2(2) (0x8000 Unicode), ..., then WordCount(1), Words,
ByteCount(2), Bytes. SMB2 header (MS-SMB2 2.2.1, 64 bytes): "\\xfeSMB", StructureSize(2),
CreditCharge(2), Status(4), Command(2), Credits(2), Flags(4) (0x1 response),
NextCommand(4), MessageId(8), ...
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import unpack_from

SMB1 = b"\xffSMB"
SMB2 = b"\xfeSMB"
SMB3_TRANSFORM = b"\xfdSMB"
MAX_CHAIN = 16


class SmbError(ValueError):
    """The bytes are not a well-formed SMB message."""


@dataclass(frozen=True, slots=True)
class Smb1:
    command: int
    status: int
    reply: bool
    unicode: bool
    words: bytes
    data: bytes
    data_offset: int  # offset of ``data`` from the start of the SMB header


def nbss_length(buf: bytes) -> int:
    """Length of the NBSS message (header included) starting at ``buf[0]``."""
    if len(buf) < 4:
        return 0
    if buf[0] not in (0x00, 0x81, 0x82, 0x83, 0x84, 0x85):
        return -1
    return 4 + (buf[1] << 16 | buf[2] << 8 | buf[3])


def calling_name(body: bytes) -> str:
    """The CALLING_NAME of a session request (RFC 1002 4.3.2), decoded (RFC 1001 14.1)."""
    if len(body) < 68 or body[34] != 0x20:
        raise SmbError("short session request")
    enc = body[35:67]
    if not all(0x41 <= c <= 0x50 for c in enc):
        raise SmbError("calling name is not first-level encoded")
    raw = bytes(((enc[i] - 65) << 4) | (enc[i + 1] - 65) for i in range(0, 32, 2))
    return raw[:15].decode("latin-1").rstrip(" \x00")


def smb1(msg: bytes) -> Smb1:
    if len(msg) < 35 or msg[:4] != SMB1:
        raise SmbError("short SMB1 message")
    command, status, flags, flags2 = unpack_from("<BIBH", msg, 4)
    wc = msg[32]
    end_words = 33 + 2 * wc
    if end_words + 2 > len(msg):
        raise SmbError("SMB1 words run past the message")
    bc = unpack_from("<H", msg, end_words)[0]
    data = msg[end_words + 2 : end_words + 2 + bc]
    return Smb1(
        command, status, bool(flags & 0x80), bool(flags2 & 0x8000), msg[33:end_words], data, end_words + 2
    )


def strings(data: bytes, start: int, unicode: bool, base: int, count: int) -> list[str]:
    """``count`` NUL-terminated strings from ``data[start:]``; Unicode ones are 2-aligned
    relative to the SMB header (MS-CIFS 2.2.1.1), ``base`` being data's offset in it."""
    out: list[str] = []
    i = start
    if unicode and (base + i) % 2:
        i += 1
    for _ in range(count):
        if i >= len(data):
            break
        if unicode:
            end = i
            while end + 1 < len(data) and data[end : end + 2] != b"\x00\x00":
                end += 2
            out.append(data[i:end].decode("utf-16-le", "replace"))
            i = end + 2
        else:
            end = data.find(b"\x00", i)
            end = len(data) if end < 0 else end
            out.append(data[i:end].decode("latin-1"))
            i = end + 1
    return out


def dialects(data: bytes) -> list[str]:
    """Dialect strings of an SMB1 negotiate request (MS-CIFS 2.2.4.52.1): 0x02 + NUL string."""
    return [part[1:].decode("latin-1") for part in data.split(b"\x00") if part[:1] == b"\x02"]


def smb2_chain(msg: bytes) -> list[tuple[int, int, bool, int]]:
    """(offset, command, response, status) of each SMB2 header in a compound (MS-SMB2 3.2.4.1.4)."""
    out: list[tuple[int, int, bool, int]] = []
    off = 0
    for _ in range(MAX_CHAIN):
        if off + 64 > len(msg) or msg[off : off + 4] != SMB2:
            raise SmbError("short or bad SMB2 header")
        status, command, _credits, flags, nxt = unpack_from("<IHHII", msg, off + 8)
        out.append((off, command, bool(flags & 1), status))
        if nxt == 0 or nxt % 8:
            break
        off += nxt
    return out


def smb2_buffer(msg: bytes, hdr: int, at: int) -> bytes:
    """A security buffer given by an (offset, length) pair at ``hdr + 64 + at``."""
    if hdr + 64 + at + 4 > len(msg):
        raise SmbError("short SMB2 body")
    offset, length = unpack_from("<HH", msg, hdr + 64 + at)
    return msg[hdr + offset : hdr + offset + length]


DIALECT_REVISIONS: dict[int, str] = {
    0x0202: "2.0.2",
    0x0210: "2.1",
    0x0300: "3.0",
    0x0302: "3.0.2",
    0x0311: "3.1.1",
    0x02FF: "2.???",
}


def smb2_dialect(msg: bytes, hdr: int) -> str:
    """DialectRevision of a NEGOTIATE response (MS-SMB2 2.2.4)."""
    if hdr + 64 + 6 > len(msg):
        raise SmbError("short NEGOTIATE response")
    rev = unpack_from("<H", msg, hdr + 68)[0]
    return DIALECT_REVISIONS.get(rev, f"{rev:#06x}")
