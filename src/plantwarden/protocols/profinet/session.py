"""PROFINET DCP sessions (ethertype 0x8892, FrameIDs 0xFEFC-0xFEFF): proto ``pn_dcp``.

Codes are ``<ServiceID>:req`` / ``<ServiceID>:rsp`` (3 Get, 4 Set, 5 Identify, 6 Hello), e.g.
``5:req`` for an Identify request. Identify/Hello are diagnostics, Get is a read, Set is a
write and is flagged ``risky`` in its details (it renames a station, moves its IP address
or resets it). Identify responses, Get responses and Hello announcements become Identity
records. Other FrameIDs on 0x8892 (cyclic RT data, alarms) are not DCP and are skipped.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, Operation, PduContext, Session
from plantwarden.protocols.profinet import codes, wire

ETHERTYPE = 0x8892
_CLASSES = {3: OpClass.READ, 4: OpClass.WRITE, 5: OpClass.DIAGNOSTICS, 6: OpClass.DIAGNOSTICS}
_RISK = {
    (1, 2): "changes the IP address",
    (1, 3): "changes the IP suite",
    (2, 2): "renames the station (breaks its IO-controller relation)",
    (5, 3): "makes the device signal (flash LEDs)",
    (5, 5): "resets the device to factory settings",
    (5, 6): "resets the device to factory settings",
}


def _anomaly(out: Emitter, ctx: PduContext, what: str, detail: str) -> None:
    out.anomaly(Anomaly(f"pn_dcp.{what}", ctx, detail))


def _block_fields(block: wire.Block, offset: int) -> dict[str, str]:
    """Fields of one block; ``offset`` is 2 when BlockInfo/BlockQualifier precedes the data."""
    key, data = (block.option, block.suboption), block.data
    body = data[offset:]
    if key == (2, 2):
        return {"name_of_station": body.decode("latin-1")}
    if key == (2, 1):
        return {"type_of_station": body.decode("latin-1")}
    if key == (2, 6):
        return {"alias_name": body.decode("latin-1")}
    if key in ((1, 2), (1, 3)):
        return wire.ip_parameter(b"\0\0" + body) or {}
    if key == (2, 3):
        ids = wire.device_id(b"\0\0" + body)
        return {"vendor_id": f"0x{ids[0]:04x}", "device_id": f"0x{ids[1]:04x}"} if ids else {}
    if key == (2, 4) and body:
        return {"device_role": codes.DEVICE_ROLES.get(body[0], f"unknown-{body[0]}")}
    return {}


_IDENTITY_KEYS = ("vendor_id", "device_id", "ip", "netmask", "gateway", "device_role", "alias_name")


def _identity_fields(fields: dict[str, object]) -> dict[str, str]:
    out = {k: str(v) for k, v in fields.items() if k in _IDENTITY_KEYS}
    if "name_of_station" in fields:
        out["name"] = str(fields["name_of_station"])
    if "type_of_station" in fields:
        out["vendor"] = out["product"] = str(fields["type_of_station"])
    return out


class DcpSession:
    """DCP decoder of one L2 flow (stateless: every DCP PDU stands on its own)."""

    __slots__ = ()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        head = wire.header(pdu)
        if head is None:
            _anomaly(out, ctx, "invalid_length", f"{len(pdu)} bytes, shorter than the DCP header")
            return
        if not wire.FIRST_DCP_FRAME_ID <= head.frame_id <= wire.LAST_DCP_FRAME_ID:
            return
        service = codes.SERVICES.get(head.service_id)
        if service is None:
            service = f"unknown-{head.service_id}"
            _anomaly(out, ctx, "unknown_function", f"ServiceID {head.service_id}")
        blocks = wire.blocks(pdu, head)
        if blocks is None:
            _anomaly(out, ctx, "invalid_length", f"DCPDataLength {head.data_length} runs past the frame")
            blocks = []
        request = head.service_type == 0
        details = self._details(head, blocks, request)
        kind = "req" if request else "rsp"
        op_class = _CLASSES.get(head.service_id, OpClass.OTHER)
        name = f"{service} {'request' if request else 'response'}"
        out.operation(Operation("pn_dcp", f"{head.service_id}:{kind}", name, op_class, ctx, request, details))
        announces = not request or head.service_id == 6
        if announces and head.service_id in (3, 5, 6):
            ident = _identity_fields(details)
            if ident:
                out.identity(Identity("pn_dcp", ctx, ctx.src, ident))

    @staticmethod
    def _details(head: wire.Header, blocks: list[wire.Block], request: bool) -> dict[str, object]:
        details: dict[str, object] = {"xid": head.xid, "frame_id": f"0x{head.frame_id:04x}"}
        if head.service_type & 0x04:
            details["status"] = "request not supported"
        details["blocks"] = [codes.suboption_name(b.option, b.suboption) for b in blocks]
        # Identify request filters carry bare values; Set requests and responses a 2-byte prefix
        offset = 0 if request and head.service_id == 5 else 2
        for block in blocks:
            details.update(_block_fields(block, offset))
            risk = _RISK.get((block.option, block.suboption))
            if head.service_id == 4 and request and risk is not None:
                details["risky"] = True
                details.setdefault("risk", risk)
            if (block.option, block.suboption) == (5, 4) and not request:
                reply = wire.control_response(block.data)
                if reply is not None and reply[2]:
                    details["error"] = codes.BLOCK_ERRORS.get(reply[2], f"unknown-{reply[2]}")
        return details


class DcpSpec:
    """PROFINET DCP for the engine (L2 only)."""

    name = "pn_dcp"
    tcp_ports: frozenset[int] = frozenset()
    udp_ports: frozenset[int] = frozenset()
    ethertypes = frozenset({ETHERTYPE})

    def probe(self, payload: bytes, transport: str) -> bool:
        head = wire.header(payload)
        return transport == "eth" and head is not None and head.frame_id >= wire.FIRST_DCP_FRAME_ID

    def pdu_length(self, buf: bytes) -> int:
        return len(buf)  # L2: one frame is one PDU; not used by the engine

    def new_session(self) -> Session:
        return DcpSession()


SPEC = DcpSpec()
