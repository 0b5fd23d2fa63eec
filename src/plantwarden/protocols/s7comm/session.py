"""ISO-on-TCP (TPKT + COTP) on TCP 102 and the S7 protocols it carries.

The session cuts TPKT packets (RFC 1006), reassembles COTP DT fragments up to the one with
the EOT bit (ISO 8073 §13.7), and hands each complete user data unit to the S7comm
(protocol id 0x32) or S7comm-plus (0x72) decoder. Connection TPDUs (CR/CC/DR...) become
``cotp`` operations that carry the TSAPs, i.e. the rack and slot being addressed.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Direction, Emitter, OpClass, Operation, PduContext, Session
from plantwarden.protocols.s7comm import codes, plus, wire
from plantwarden.protocols.s7comm.s7 import S7State, on_s7

PROTO = "s7comm"
_MAX_FRAGMENTS = 1 << 16  # COTP reassembly bound per direction
_COTP_REQUEST = {wire.COTP_CR: True, 0x80: True, wire.COTP_CC: False, 0xC0: False}  # CR, DR / CC, DC


class S7Spec:
    """S7comm / S7comm-plus over ISO-on-TCP, TCP 102."""

    name = PROTO
    tcp_ports = frozenset({102})
    udp_ports: frozenset[int] = frozenset()
    ethertypes: frozenset[int] = frozenset()

    def probe(self, payload: bytes, transport: str) -> bool:
        """A TPKT whose COTP TPDU is a CR, or a DT carrying S7comm / S7comm-plus."""
        if transport != "tcp" or wire.tpkt_length(payload) < 7 or len(payload) < 7:
            return False
        code = payload[5] & 0xF0
        if code == wire.COTP_CR:
            return payload[4] >= 6
        return code == wire.COTP_DT and payload[4] == 2 and len(payload) > 7 and payload[7] in (0x32, 0x72)

    def pdu_length(self, buf: bytes) -> int:
        return wire.tpkt_length(buf)

    def new_session(self) -> Session:
        return S7Session()


SPEC = S7Spec()


class S7Session:
    """Per-flow state: COTP fragments per direction, S7 requests awaiting their answers."""

    __slots__ = ("_fragments", "_state")

    def __init__(self) -> None:
        self._fragments: dict[Direction, bytearray] = {}
        self._state = S7State()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        cotp = wire.parse_cotp(pdu[4:])
        if cotp is None:
            out.anomaly(Anomaly("s7comm.invalid_length", ctx, f"COTP length indicator in {len(pdu)} octets"))
            return
        if cotp.code != wire.COTP_DT:
            _on_connection(cotp, ctx, out)
            return
        pending = self._fragments.get(ctx.direction)
        if not cotp.eot:
            if pending is None:
                pending = self._fragments[ctx.direction] = bytearray()
            if len(pending) + len(cotp.payload) > _MAX_FRAGMENTS:
                out.anomaly(Anomaly("s7comm.invalid_length", ctx, "COTP fragments exceed 64 KiB"))
                pending.clear()
                return
            pending += cotp.payload
            return
        payload = cotp.payload
        if pending:
            payload = bytes(pending) + payload
            pending.clear()
        self._on_payload(payload, ctx, out)

    def _on_payload(self, payload: bytes, ctx: PduContext, out: Emitter) -> None:
        if not payload:
            return
        if payload[0] == wire.S7_ID:
            on_s7(self._state, payload, ctx, out)
        elif payload[0] == wire.S7PLUS_ID:
            plus.on_plus(payload, ctx, out)
        else:
            _opaque(payload, ctx, out)


def _on_connection(cotp: wire.Cotp, ctx: PduContext, out: Emitter) -> None:
    """CR/CC/DR/DC/ER TPDUs (ISO 8073 §13.3-13.6, §13.12)."""
    name = codes.COTP_TYPES.get(cotp.code) or codes.unknown(cotp.code)
    details: dict[str, object] = {}
    if cotp.code in (wire.COTP_CR, wire.COTP_CC) and len(cotp.header) >= 6:
        params = wire.cotp_params(cotp.header)
        for key, label in ((0xC1, "calling_tsap"), (0xC2, "called_tsap")):
            if key in params:
                details[label] = params[key].hex()
        called = wire.tsap_rack_slot(params.get(0xC2, b""))
        if called is not None:
            details.update(connection_type=called[0], rack=called[1], slot=called[2])
        if params.get(0xC0):
            details["tpdu_size"] = 1 << params[0xC0][0]
    elif cotp.code not in codes.COTP_TYPES:
        out.anomaly(Anomaly("s7comm.unknown_cotp_type", ctx, f"TPDU code 0x{cotp.code:02x}"))
    request = _COTP_REQUEST.get(cotp.code)
    out.operation(Operation("cotp", name, f"COTP {name}", OpClass.SESSION, ctx, request, details))


def _opaque(payload: bytes, ctx: PduContext, out: Emitter) -> None:
    """User data that is neither S7comm nor S7comm-plus (e.g. TLS records): counted."""
    tls = len(payload) >= 3 and 0x14 <= payload[0] <= 0x17 and payload[1] == 0x03
    code = "DT:tls" if tls else "DT:opaque"
    details: dict[str, object] = {"length": len(payload), "encrypted": tls}
    out.operation(Operation("cotp", code, "TLS record" if tls else "unknown user data", OpClass.OTHER, ctx,
                            None, details))
    if not tls:
        out.anomaly(Anomaly("s7comm.unknown_protocol", ctx, f"COTP user data starts with 0x{payload[0]:02x}"))
