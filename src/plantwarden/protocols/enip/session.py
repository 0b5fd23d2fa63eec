"""EtherNet/IP sessions: encapsulation framing, commands, CPF items, and the CIP they carry.

TCP and UDP 44818 carry encapsulated PDUs (Vol 2, 2-3); UDP 2222 carries class 0/1 implicit
I/O as bare CPF items (Vol 2, 2-6.2.3 and 3-2.2), reported as proto ``cipio``, code ``io``.
"""

from __future__ import annotations

from plantwarden.protocols.base import (
    Anomaly,
    Direction,
    Emitter,
    Identity,
    OpClass,
    Operation,
    PduContext,
    Session,
)
from plantwarden.protocols.cip.decode import CipDecoder, identity_fields
from plantwarden.protocols.enip import codes, wire

IO_PORT = 2222
ENIP_PORT = 44818
FIRST_RESERVED_COMMAND = 0x00C8  # Vol 2, 2-3.2: 0x00C8-0xFFFF reserved for future use

_COMMAND_CLASS: dict[int, OpClass] = {
    0x0000: OpClass.SESSION,
    0x0004: OpClass.DIAGNOSTICS,
    0x0063: OpClass.DIAGNOSTICS,
    0x0064: OpClass.DIAGNOSTICS,
    0x0065: OpClass.SESSION,
    0x0066: OpClass.SESSION,
}
SEND_RR_DATA = 0x006F
SEND_UNIT_DATA = 0x0070
LIST_IDENTITY = 0x0063


def _anomaly(out: Emitter, ctx: PduContext, what: str, detail: str) -> None:
    out.anomaly(Anomaly(f"enip.{what}", ctx, detail))


def _find(items: list[wire.Item], type_id: int) -> wire.Item | None:
    for item in items:
        if item.type_id == type_id:
            return item
    return None


class EnipSession:
    """Decoder state of one EtherNet/IP flow (TCP, UDP 44818 or UDP 2222)."""

    __slots__ = ("cip",)

    def __init__(self) -> None:
        self.cip = CipDecoder()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        if ctx.transport == "udp" and IO_PORT in (ctx.sport, ctx.dport):
            self._io(pdu, ctx, out)
        else:
            self._encapsulated(pdu, ctx, out)

    @staticmethod
    def _io(pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        """Implicit I/O datagram: sequenced address item 0x8002 and connected data 0xB1."""
        items = wire.cpf_items(pdu, 0)
        address = _find(items, 0x8002) if items is not None else None
        seq = wire.sequenced_address(address) if address is not None else None
        if items is None or seq is None:
            _anomaly(out, ctx, "invalid_length", f"I/O datagram without sequenced address ({len(pdu)} B)")
            return
        data = _find(items, 0x00B1)
        details: dict[str, object] = {"connection_id": seq[0], "encap_sequence": seq[1],
                                      "data_length": len(data.data) if data is not None else 0}
        out.operation(Operation("cipio", "io", "Class 1 I/O", OpClass.IO_DATA, ctx, None, details))

    def _encapsulated(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        head = wire.header(pdu)
        if head is None:
            _anomaly(out, ctx, "invalid_length", f"{len(pdu)} bytes, shorter than the 24-byte header")
            return
        if wire.HEADER_LEN + head.length != len(pdu):
            _anomaly(out, ctx, "invalid_length", f"header says {head.length} data bytes, has {len(pdu) - 24}")
        name = codes.COMMANDS.get(head.command)
        if name is None:
            name = f"unknown-0x{head.command:04x}"
            _anomaly(out, ctx, "unknown_command", name)
        details: dict[str, object] = {"session_handle": head.session_handle}
        if head.status:
            details["status"] = codes.name_of(codes.STATUS, head.status)
            _anomaly(out, ctx, "error_status", f"{name}: {details['status']}")
        op_class = _COMMAND_CLASS.get(head.command, OpClass.OTHER)
        request = ctx.direction is Direction.TO_SERVER
        out.operation(Operation("enip", f"0x{head.command:04x}", name, op_class, ctx, request, details))
        if head.command in (SEND_RR_DATA, SEND_UNIT_DATA) and head.length:
            self._carried_cip(pdu, head, ctx, out)
        elif head.command == LIST_IDENTITY and head.length:
            self._list_identity(pdu, ctx, out)

    def _carried_cip(self, pdu: bytes, head: wire.Header, ctx: PduContext, out: Emitter) -> None:
        """SendRRData (Vol 2, 2-4.7) / SendUnitData (2-4.8): CPF address and data items."""
        items = wire.rr_items(pdu)
        if items is None:
            _anomaly(out, ctx, "invalid_length", "CPF items run past the encapsulated data")
            return
        if head.command == SEND_RR_DATA:
            data = _find(items, 0x00B2)
            if data is not None:
                self.cip.message(data.data, ("u", head.sender_context), ctx, out, {})
            return
        address, data = _find(items, 0x00A1), _find(items, 0x00B1)
        connected = wire.connected_data(data) if data is not None else None
        if connected is None:
            _anomaly(out, ctx, "invalid_length", "Send Unit Data without connected data")
            return
        extra: dict[str, object] = {"sequence_count": connected[0]}
        if address is not None:
            extra["connection_id"] = wire.connected_address(address)
        self.cip.message(connected[1], ("c", connected[0]), ctx, out, extra)

    @staticmethod
    def _list_identity(pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        """ListIdentity reply (Vol 2, 2-4.3.2): one CIP Identity item per device."""
        items = wire.cpf_items(pdu, wire.HEADER_LEN) or []
        for item in items:
            ident = wire.identity_item(item.data) if item.type_id == 0x000C else None
            if item.type_id == 0x000C and ident is None:
                _anomaly(out, ctx, "invalid_length", "truncated CIP Identity item")
            if ident is None:
                continue
            fields = identity_fields({"vendor_id": ident.vendor_id, "device_type": ident.device_type,
                                      "product_code": ident.product_code, "product_name": ident.product_name,
                                      "revision": f"{ident.revision[0]}.{ident.revision[1]}",
                                      "serial": ident.serial_number, "status": ident.status})
            if ident.state is not None:
                fields["state"] = str(ident.state)
            address = ident.socket_ip if ident.socket_ip not in ("0.0.0.0", "") else ctx.src
            out.identity(Identity("enip", ctx, address, fields))


class EnipSpec:
    """The EtherNet/IP protocol for the engine."""

    name = "enip"
    tcp_ports = frozenset({ENIP_PORT})
    udp_ports = frozenset({ENIP_PORT, IO_PORT})
    ethertypes: frozenset[int] = frozenset()

    def probe(self, payload: bytes, transport: str) -> bool:
        """Payload evidence for a non-standard port: whole encapsulation PDUs with known,
        non-NOP commands and zero options (a NOP of zero bytes is too weak a sign)."""
        head = wire.header(payload)
        if head is not None and head.command in codes.COMMANDS and head.command != 0 and head.options == 0:
            return _whole_pdus(payload)
        return transport == "udp" and _looks_like_io(payload)

    def pdu_length(self, buf: bytes) -> int:
        if len(buf) >= 2 and int.from_bytes(buf[:2], "little") >= FIRST_RESERVED_COMMAND:
            return -1
        return wire.pdu_length(buf)

    def new_session(self) -> Session:
        return EnipSession()


def _whole_pdus(payload: bytes) -> bool:
    off = 0
    while off < len(payload):
        head = wire.header(payload[off:])
        if head is None or head.command not in codes.COMMANDS or head.options != 0:
            return False
        off += wire.HEADER_LEN + head.length
    return off == len(payload)


def _looks_like_io(payload: bytes) -> bool:
    items = wire.cpf_items(payload, 0)
    return items is not None and len(items) == 2 and items[0].type_id == 0x8002 and items[1].type_id == 0x00B1


SPEC = EnipSpec()
