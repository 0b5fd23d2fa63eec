"""OPC UA binary sessions: one ``opcua`` operation per UA TCP message (OPC 10000-6 7.1).

Codes follow ../shared/tools/groundtruth.py: ``HEL``, ``ACK``, ``ERR``, ``OPN``, ``CLO``,
``MSG:<service encoding id>``, and ``MSG:?`` when the body cannot be read: encrypted
(SignAndEncrypt), an intermediate or aborted chunk. As Wireshark does, a channel whose
OPN names a policy other than None is judged on its first MSG: a known service type id
in clear means Sign, anything else SignAndEncrypt.
"""

from __future__ import annotations

from plantwarden.protocols.base import (
    Anomaly,
    Emitter,
    Identity,
    OpClass,
    Operation,
    PduContext,
    PointValue,
    Session,
)
from plantwarden.protocols.opcua import services
from plantwarden.protocols.opcua.codes import (
    CHUNK_TYPE,
    MESSAGE_CLASS,
    MESSAGE_TYPE,
    POLICY,
    SECURITY_MODE,
    SERVICE_INFO,
    STATUS,
    name,
)
from plantwarden.protocols.opcua.nodeids import SERVICE
from plantwarden.protocols.opcua.wire import HEADER, MIN_SIZE, Reader, WireError, message_size, secure_header

OPCUA_PORT = 4840
MAX_MESSAGE = 1 << 26  # larger MessageSize values are treated as framing errors
MAX_PENDING = 256
PLAIN, ENCRYPTED, UNKNOWN = "plain", "encrypted", "unknown"


class OpcuaSession:
    """Per-connection state: channel security, chunked messages, pending reads."""

    def __init__(self) -> None:
        self.mode = UNKNOWN
        self.chunks: dict[int, int | None] = {}  # request id -> service id of the first chunk
        self.reads: dict[int, list[str | None]] = {}  # request id -> node ids read (Value attr)

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        mtype = bytes(pdu[:3])
        if len(pdu) < HEADER or mtype not in MESSAGE_TYPE:
            out.anomaly(Anomaly("opcua.unknown_message_type", ctx, repr(mtype)))
            return
        op = Operation("opcua", mtype.decode(), MESSAGE_TYPE[mtype], MESSAGE_CLASS.get(mtype, OpClass.OTHER),
                       ctx, ctx.direction == "to_server")
        chunk = pdu[3]
        op.details["chunk"] = CHUNK_TYPE.get(chunk, f"unknown-{chunk}")
        try:
            self._checked(mtype, chunk, pdu, op, out)
        finally:
            out.operation(op)

    def _checked(self, mtype: bytes, chunk: int, pdu: bytes, op: Operation, out: Emitter) -> None:
        ctx = op.ctx
        if chunk not in CHUNK_TYPE:
            out.anomaly(Anomaly("opcua.invalid_chunk_type", ctx, f"chunk type 0x{chunk:02x}"))
        size = message_size(pdu)
        if size != len(pdu) or size < MIN_SIZE[mtype]:
            out.anomaly(Anomaly("opcua.invalid_length", ctx, f"MessageSize {size}, {len(pdu)} octets"))
            if len(pdu) < MIN_SIZE[mtype]:
                return
        try:
            self._message(mtype, chunk, pdu, op, out)
        except WireError as err:
            out.anomaly(Anomaly(f"opcua.{err.what}", ctx, err.detail))
        except (ValueError, IndexError, OverflowError) as err:  # defensive: never a traceback
            out.anomaly(Anomaly("opcua.malformed", ctx, str(err)))

    def _message(self, mtype: bytes, chunk: int, pdu: bytes, op: Operation, out: Emitter) -> None:
        if mtype == b"HEL":
            r = Reader(pdu, HEADER)
            op.details.update(protocol_version=r.u32(), receive_buffer_size=r.u32(),
                              send_buffer_size=r.u32(), max_message_size=r.u32(), max_chunk_count=r.u32(),
                              endpoint_url=r.string())
        elif mtype == b"ACK":
            r = Reader(pdu, HEADER)
            op.details.update(protocol_version=r.u32(), receive_buffer_size=r.u32(),
                              send_buffer_size=r.u32(), max_message_size=r.u32(), max_chunk_count=r.u32())
            op.request = False
        elif mtype == b"ERR":
            r = Reader(pdu, HEADER)
            status = r.u32()
            op.details.update(status=name(STATUS, status), status_code=status, reason=r.string())
            op.request = False
        elif mtype == b"OPN":
            self._open(pdu, op)
        elif mtype == b"MSG":
            self._msg(chunk, pdu, op, out)
        elif mtype == b"CLO":
            op.details["secure_channel_id"] = secure_header(pdu, mtype).secure_channel_id

    def _open(self, pdu: bytes, op: Operation) -> None:
        """6.7.4 OpenSecureChannel: policy from the asymmetric header; the request body (when
        the policy is None) gives the requested security mode (OPC 10000-4 5.5.2)."""
        sh = secure_header(pdu, b"OPN")
        policy = POLICY.get(sh.security_policy_uri or "", sh.security_policy_uri or "")
        op.details.update(secure_channel_id=sh.secure_channel_id, security_policy=policy,
                          sender_certificate=sh.sender_certificate)
        self.mode = PLAIN if policy == "None" else UNKNOWN
        if policy != "None":
            op.details["encrypted"] = True
            return
        r = Reader(pdu, sh.body + 8)
        sid = r.numeric_nodeid()
        op.request = sid == 446
        if sid == 446:
            r.request_header()
            r.skip(8)  # ClientProtocolVersion, RequestType
            op.details["security_mode"] = name(SECURITY_MODE, r.u32())

    def _msg(self, chunk: int, pdu: bytes, op: Operation, out: Emitter) -> None:
        """6.7.2.4 symmetric header, 6.7.2.5 sequence header, then the service body."""
        sh = secure_header(pdu, b"MSG")
        op.details.update(secure_channel_id=sh.secure_channel_id, token_id=sh.token_id)
        r = Reader(pdu, sh.body)
        if self.mode == UNKNOWN:
            peek = Reader(pdu, sh.body + 8)
            self.mode = PLAIN if peek.numeric_nodeid() in SERVICE else ENCRYPTED
        if self.mode == ENCRYPTED:
            op.code, op.details["encrypted"] = "MSG:?", True
            return
        seq, req = r.u32(), r.u32()
        op.details.update(sequence_number=seq, request_id=req)
        if chunk == 0x41:  # 'A': the sender abandons the chunked message (7.1.2.4)
            op.code = "MSG:?"
            self.chunks.pop(req, None)
            out.anomaly(Anomaly("opcua.chunk_abort", op.ctx, f"request id {req}"))
            return
        sid = self.chunks.pop(req) if req in self.chunks and chunk == 0x46 else None
        if chunk == 0x43:
            first = req not in self.chunks
            sid = r.numeric_nodeid() if first else self.chunks[req]
            self._name(op, sid)
            op.code = "MSG:?"
            if first and len(self.chunks) < MAX_PENDING:
                self.chunks[req] = sid
            return
        if sid is not None:  # last chunk of a chunked message: the first chunk named it
            self._name(op, sid)
            return
        sid = r.numeric_nodeid()
        self._name(op, sid)
        if sid is not None:
            self._service(sid, req, r, op, out)

    def _name(self, op: Operation, sid: int | None) -> None:
        if sid is None:
            op.code = "MSG:?"
            return
        op.code = f"MSG:{sid}"
        info = SERVICE_INFO.get(sid)
        if info is not None:
            op.name, op.op_class, op.request = info
        else:
            op.name, op.op_class = f"unknown-{sid}", OpClass.OTHER

    def _service(self, sid: int, req: int, r: Reader, op: Operation, out: Emitter) -> None:
        decoded = services.decode(sid, r)
        op.details.update(decoded.details)
        ctx = op.ctx
        if decoded.identity:
            role = "client" if sid == 461 else "server"
            out.identity(Identity("opcua", ctx, ctx.src, {"role": role, **decoded.identity}))
        if decoded.read_nodes:
            if len(self.reads) >= MAX_PENDING:
                self.reads.clear()
            self.reads[req] = decoded.read_nodes
        if sid == 634:
            self._read_values(self.reads.pop(req, []), decoded.points, ctx, out)
        elif sid == 673:
            for node, value in decoded.points:
                if isinstance(value, int | float | bool | str):
                    out.value(PointValue("opcua", ctx, ctx.dst, node, value, "write"))

    @staticmethod
    def _read_values(
        nodes: list[str | None], results: list[tuple[str, object]], ctx: PduContext, out: Emitter
    ) -> None:
        for node, (_, value) in zip(nodes, results, strict=False):
            if node is not None and isinstance(value, int | float | bool | str):
                out.value(PointValue("opcua", ctx, ctx.src, node, value, "read"))


class OpcuaSpec:
    """OPC UA binary over TCP 4840 (OPC 10000-6 7.1, UA TCP)."""

    name = "opcua"
    tcp_ports = frozenset({OPCUA_PORT})
    udp_ports: frozenset[int] = frozenset()
    ethertypes: frozenset[int] = frozenset()

    def probe(self, payload: bytes, transport: str) -> bool:
        """A known message type, chunk type F/C/A and a plausible MessageSize."""
        return (
            transport == "tcp" and len(payload) >= HEADER and bytes(payload[:3]) in MESSAGE_TYPE
            and payload[3] in (0x46, 0x43, 0x41) and HEADER <= message_size(payload) <= MAX_MESSAGE
        )

    def pdu_length(self, buf: bytes) -> int:
        """7.1.2.2: frames by MessageSize; -1 for an unknown type or impossible size."""
        if len(buf) < HEADER:
            return 0
        if bytes(buf[:3]) not in MESSAGE_TYPE:
            return -1
        size = message_size(buf)
        return size if HEADER <= size <= MAX_MESSAGE else -1

    def new_session(self) -> Session:
        return OpcuaSession()


SPEC = OpcuaSpec()
