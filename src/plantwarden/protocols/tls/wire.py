"""TLS record and handshake layouts (RFC 5246 sections 6.2, 7.4; RFC 8446 4, 5.1).

Record: ContentType(1) ProtocolVersion(2) length(2) fragment. Handshake: msg_type(1)
length(3) body. ClientHello (7.4.1.2): client_version(2) random(32) session_id<0..32>
cipher_suites<2..2^16-2> compression_methods<1..2^8-1> extensions<0..2^16-1>.
ServerHello (7.4.1.3): server_version(2) random(32) session_id cipher_suite(2)
compression_method(1) extensions. Extension: type(2) length(2) data; server_name
(RFC 6066 3), ALPN (RFC 7301 3.1), supported_versions (RFC 8446 4.2.1).
Certificate (7.4.2): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
"""

from __future__ import annotations

from struct import unpack_from

CONTENT_TYPES = {
    20: "change_cipher_spec",
    21: "alert",
    22: "handshake",
    23: "application_data",
    24: "heartbeat",
}
VERSIONS = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}
MAX_RECORD = 18432 + 5  # 2^14 + 2048 (RFC 5246 6.2.3) + header


class TlsError(ValueError):
    """The bytes are not a well-formed TLS message."""


def version_name(v: int) -> str:
    return VERSIONS.get(v, f"{v:#06x}")


def record_length(buf: bytes) -> int:
    """Framer: one record (5-byte header + fragment)."""
    if len(buf) < 5:
        return 0
    if buf[0] not in CONTENT_TYPES or buf[1] != 3:
        return -1
    return 5 + (buf[3] << 8 | buf[4])


def handshakes(data: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """Complete handshake messages in ``data`` and the incomplete remainder."""
    out: list[tuple[int, bytes]] = []
    i = 0
    while i + 4 <= len(data):
        length = int.from_bytes(data[i + 1 : i + 4], "big")
        if i + 4 + length > len(data):
            break
        out.append((data[i], data[i + 4 : i + 4 + length]))
        i += 4 + length
    return out, data[i:]


def _vector(body: bytes, at: int, size: int) -> tuple[bytes, int]:
    if at + size > len(body):
        raise TlsError("truncated vector length")
    n = int.from_bytes(body[at : at + size], "big")
    if at + size + n > len(body):
        raise TlsError("vector runs past the message")
    return body[at + size : at + size + n], at + size + n


def extensions(body: bytes, at: int) -> dict[int, bytes]:
    if at >= len(body):
        return {}
    raw, _ = _vector(body, at, 2)
    out: dict[int, bytes] = {}
    i = 0
    while i + 4 <= len(raw):
        etype, elen = unpack_from("!HH", raw, i)
        out.setdefault(etype, raw[i + 4 : i + 4 + elen])
        i += 4 + elen
    return out


def client_hello(body: bytes) -> tuple[int, dict[int, bytes]]:
    """client_version and extensions of a ClientHello."""
    if len(body) < 35:
        raise TlsError("short ClientHello")
    at = 34
    for size in (1, 2, 1):  # session_id, cipher_suites, compression_methods
        _, at = _vector(body, at, size)
    return unpack_from("!H", body, 0)[0], extensions(body, at)


def server_hello(body: bytes) -> tuple[int, int, dict[int, bytes]]:
    """server_version, cipher_suite and extensions of a ServerHello."""
    if len(body) < 35:
        raise TlsError("short ServerHello")
    _, at = _vector(body, 34, 1)
    if at + 3 > len(body):
        raise TlsError("short ServerHello")
    return unpack_from("!H", body, 0)[0], unpack_from("!H", body, at)[0], extensions(body, at + 3)


def server_name(ext: bytes) -> str:
    """The host_name entry of a server_name extension (RFC 6066 3)."""
    names, _ = _vector(ext, 0, 2)
    i = 0
    while i + 3 <= len(names):
        ntype, n = names[i], int.from_bytes(names[i + 1 : i + 3], "big")
        if ntype == 0:
            return names[i + 3 : i + 3 + n].decode("utf-8", "replace")
        i += 3 + n
    return ""


def alpn(ext: bytes) -> list[str]:
    names, _ = _vector(ext, 0, 2)
    out, i = [], 0
    while i < len(names):
        out.append(names[i + 1 : i + 1 + names[i]].decode("latin-1"))
        i += 1 + names[i]
    return out


def first_certificate(body: bytes) -> bytes:
    """The end-entity certificate (DER) of a TLS <= 1.2 Certificate message."""
    chain, _ = _vector(body, 0, 3)
    cert, _ = _vector(chain, 0, 3)
    return cert
