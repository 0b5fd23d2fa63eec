"""OPC UA binary byte layouts (OPC 10000-6): UA TCP messages and the built-in types.

Pure functions over bytes. A layout that does not fit raises :class:`WireError`, which
the session turns into a named anomaly.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER = 8  # 7.1.2.2: MessageType (3), chunk type (1), MessageSize (UInt32)
MIN_SIZE = {b"HEL": 32, b"ACK": 28, b"ERR": 16, b"MSG": 24, b"OPN": 24, b"CLO": 24, b"RHE": 16}

_U16, _U32, _I32 = struct.Struct("<H"), struct.Struct("<I"), struct.Struct("<i")
_F32, _F64, _I64 = struct.Struct("<f"), struct.Struct("<d"), struct.Struct("<q")


class WireError(ValueError):
    def __init__(self, what: str, detail: str = "") -> None:
        super().__init__(detail or what)
        self.what = what
        self.detail = detail or what


def message_size(buf: bytes) -> int:
    """7.1.2.2: the MessageSize field (whole message, header included)."""
    return int(_U32.unpack_from(buf, 4)[0])


@dataclass(slots=True)
class SecureHeader:
    """6.7.2: SecureChannelId, the security header, and the sequence header when readable."""

    secure_channel_id: int
    token_id: int | None  # symmetric (MSG, CLO)
    security_policy_uri: str | None  # asymmetric (OPN)
    sender_certificate: bool
    body: int  # offset of the sequence header


class Reader:
    """A cursor over OPC UA binary encoded data (OPC 10000-6 5.2)."""

    __slots__ = ("buf", "pos")

    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf, self.pos = buf, pos

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if n < 0 or end > len(self.buf):
            raise WireError("truncated", f"{n} octets needed at offset {self.pos}")
        raw, self.pos = self.buf[self.pos : end], end
        return raw

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int(_U16.unpack(self.take(2))[0])

    def u32(self) -> int:
        return int(_U32.unpack(self.take(4))[0])

    def i32(self) -> int:
        return int(_I32.unpack(self.take(4))[0])

    def skip(self, n: int) -> None:
        self.take(n)

    def string(self) -> str | None:
        """5.2.2.4 String: Int32 length (-1 = null), UTF-8 octets."""
        n = self.i32()
        return None if n < 0 else self.take(n).decode("utf-8", errors="replace")

    def bytestring(self) -> bytes | None:
        """5.2.2.7 ByteString: Int32 length (-1 = null), octets."""
        n = self.i32()
        return None if n < 0 else self.take(n)

    def count(self) -> int:
        """5.2.5 array length (Int32, -1 = null array -> 0)."""
        return max(self.i32(), 0)

    def nodeid(self) -> str:
        """5.2.2.9 NodeId / 5.2.2.10 ExpandedNodeId, as ``ns=<n>;i=<id>`` text."""
        enc = self.u8()
        form = enc & 0x0F
        if form == 0:
            text = f"i={self.u8()}"
        elif form == 1:
            ns = self.u8()
            text = f"ns={ns};i={self.u16()}" if ns else f"i={self.u16()}"
        else:
            text = self._long_nodeid(form)
        if enc & 0x80:
            text = f"nsu={self.string()};{text}"
        if enc & 0x40:
            self.skip(4)
        return text

    def _long_nodeid(self, form: int) -> str:
        ns = self.u16()
        prefix = f"ns={ns};" if ns else ""
        if form == 2:
            return f"{prefix}i={self.u32()}"
        if form == 3:
            return f"{prefix}s={self.string()}"
        if form == 4:
            return f"{prefix}g={self.take(16).hex()}"
        if form == 5:
            raw = self.bytestring()
            return f"{prefix}b={raw.hex() if raw else ''}"
        raise WireError("invalid_nodeid", f"NodeId encoding {form}")

    def numeric_nodeid(self) -> int | None:
        """The numeric id of a namespace-0 NodeId (service type ids), else None."""
        enc = self.u8() & 0x3F
        if enc == 0:
            return self.u8()
        if enc == 1:
            ns, ident = self.u8(), self.u16()
            return ident if ns == 0 else None
        if enc == 2:
            ns2, ident32 = self.u16(), self.u32()
            return ident32 if ns2 == 0 else None
        return None

    def localized_text(self) -> str | None:
        """5.2.2.14 LocalizedText: mask (1 locale, 2 text), then the present fields."""
        mask = self.u8()
        if mask & 0x01:
            self.string()
        return self.string() if mask & 0x02 else None

    def extension_object_header(self) -> tuple[str, int]:
        """5.2.2.15 ExtensionObject: TypeId, encoding (0 none, 1 binary, 2 XML); returns
        (type id, body length) with the cursor at the body."""
        type_id, enc = self.nodeid(), self.u8()
        return type_id, (self.i32() if enc in (1, 2) else 0)

    def request_header(self) -> None:
        """OPC 10000-4 7.28 RequestHeader."""
        self.nodeid()
        self.skip(16)  # Timestamp, RequestHandle, ReturnDiagnostics
        self.string()
        self.skip(4)  # TimeoutHint
        self.skip(max(self.extension_object_header()[1], 0))

    def response_header(self) -> int:
        """OPC 10000-4 7.29 ResponseHeader; returns ServiceResult."""
        self.skip(12)  # Timestamp, RequestHandle
        result = self.u32()
        self.diagnostic_info()
        for _ in range(self.count()):
            self.string()
        self.skip(max(self.extension_object_header()[1], 0))
        return result

    def diagnostic_info(self) -> None:
        """5.2.2.12 DiagnosticInfo: mask, then the fields it flags."""
        mask = self.u8()
        self.skip(4 * bin(mask & 0x0F).count("1"))
        if mask & 0x10:
            self.string()
        if mask & 0x20:
            self.skip(4)
        if mask & 0x40:
            self.diagnostic_info()

    def variant(self) -> object:
        """5.2.2.16 Variant: scalar values of simple types; arrays and others -> None (skipped
        only when they end the structure; the caller stops reading after a complex one)."""
        enc = self.u8()
        if enc & 0xC0:
            raise WireError("complex_variant", f"variant encoding 0x{enc:02x}")
        return self._scalar(enc & 0x3F)

    def _scalar(self, vtype: int) -> object:
        if vtype == 0:
            return None
        if vtype == 1:
            return bool(self.u8())
        fmt = _SCALARS.get(vtype)
        if fmt is not None:
            return fmt.unpack(self.take(fmt.size))[0]
        if vtype == 12:
            return self.string()
        if vtype == 13:
            return _I64.unpack(self.take(8))[0]  # DateTime, 100 ns since 1601
        raise WireError("complex_variant", f"variant type {vtype}")


_SCALARS: dict[int, struct.Struct] = {
    2: struct.Struct("<b"), 3: struct.Struct("<B"), 4: struct.Struct("<h"), 5: _U16, 6: _I32, 7: _U32,
    8: _I64, 9: struct.Struct("<Q"), 10: _F32, 11: _F64,
}


def secure_header(buf: bytes, mtype: bytes) -> SecureHeader:
    """6.7.2.3 asymmetric (OPN: policy URI, sender certificate, receiver thumbprint) or
    6.7.2.4 symmetric (MSG, CLO: TokenId) security header after the SecureChannelId."""
    r = Reader(buf, HEADER)
    channel = r.u32()
    if mtype == b"OPN":
        policy = r.string()
        cert = r.bytestring()
        r.bytestring()
        return SecureHeader(channel, None, policy, bool(cert), r.pos)
    return SecureHeader(channel, r.u32(), None, False, r.pos)

