"""TDS packets (MS-TDS 2.2.3.1), PRELOGIN (2.2.6.5) and LOGIN7 (2.2.6.4).

Packet header (8 bytes): Type(1) Status(1) Length(2, big-endian, header included)
SPID(2) PacketID(1) Window(1). PRELOGIN: option tokens PL_OPTION_TOKEN(1)
PL_OFFSET(2, big-endian, from the message start) PL_OPTION_LENGTH(2), ended by 0xFF;
VERSION (token 0) is UL_VERSION(4: major, minor, build big-endian) US_SUBBUILD(2);
ENCRYPTION (token 1) is one byte. LOGIN7: Length(4) TDSVersion(4) PacketSize(4)
ClientProgVer(4) ClientPID(4) ConnectionID(4) OptionFlags1-3, TypeFlags (4) ClientTimeZone(4)
ClientLCID(4), then offset/length pairs (2+2, little-endian, in UCS-2 characters):
HostName, UserName, Password, AppName, ServerName, Extension, CltIntName, ...
"""

from __future__ import annotations

from struct import unpack_from

HEADER = 8
ENCRYPTION = {0: "off", 1: "on", 2: "not_supported", 3: "required"}
LOGIN7_NAMES = {36: "hostname", 40: "user", 48: "app", 52: "server_name", 60: "library"}


class TdsError(ValueError):
    """The bytes are not a well-formed TDS message."""


def packet_length(buf: bytes) -> int:
    if len(buf) < HEADER:
        return 0
    if buf[0] not in (1, 2, 3, 4, 6, 7, 14, 15, 16, 17, 18, 0x17):
        return -1
    n = buf[2] << 8 | buf[3]
    return n if n >= HEADER else -1


def prelogin(msg: bytes) -> dict[int, bytes]:
    """PRELOGIN options by token (``msg`` starts after the packet header)."""
    out: dict[int, bytes] = {}
    i = 0
    while i < len(msg) and msg[i] != 0xFF and len(out) < 16:
        if i + 5 > len(msg):
            raise TdsError("truncated PRELOGIN option")
        token, offset, length = msg[i], *unpack_from("!HH", msg, i + 1)
        if offset + length > len(msg):
            raise TdsError(f"PRELOGIN option {token} runs past the message")
        out[token] = msg[offset : offset + length]
        i += 5
    return out


def version(raw: bytes) -> str:
    if len(raw) < 4:
        raise TdsError("short VERSION option")
    major, minor, build = raw[0], raw[1], int.from_bytes(raw[2:4], "big")
    return f"{major}.{minor}.{build}"


def login7(msg: bytes) -> dict[str, str]:
    """Client names of a clear-text LOGIN7 (``msg`` starts after the packet header)."""
    if len(msg) < 64:
        raise TdsError("short LOGIN7")
    out: dict[str, str] = {}
    for at, key in LOGIN7_NAMES.items():
        offset, chars = unpack_from("<HH", msg, at)
        raw = msg[offset : offset + 2 * chars]
        if raw:
            out[key] = raw.decode("utf-16-le", "replace")
    return out
