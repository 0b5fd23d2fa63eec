"""BACnet sessions: one ``bvlc`` operation per BACnet/IP datagram, one ``bacapp`` per APDU (also
on ISO 8802-2 and MS/TP links, whose NPDU comes without a BVLL: no ``bvlc`` operation there).

Codes follow ../shared/tools/groundtruth.py: ``bvlc`` = BVLC function as ``0x0a``;
``bacapp`` = ``<apdu type>:<service choice>`` (``-`` for Segment-ACK, Reject, Abort).
Network layer messages (clause 6.4) have no APDU: they are named in the ``bvlc``
operation's details and class. Confirmed requests are paired with their answers by
(requester, invoke id), so Reject and Abort carry the service they refuse.
"""

from __future__ import annotations

from plantwarden.net.l2 import ETH_BACNET
from plantwarden.protocols.bacnet import codes, services
from plantwarden.protocols.bacnet.codes import name
from plantwarden.protocols.bacnet.tables import VENDOR
from plantwarden.protocols.bacnet.wire import (
    BVLC_TYPE_BIP,
    NPDU_OFFSET,
    Apdu,
    Npdu,
    WireError,
    forwarded_address,
    parse_apdu,
    parse_bvlc,
    parse_npdu,
)
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

BACNET_PORT = 47808
MAX_PENDING = 1024
_BVLC_CODES = [f"0x{i:02x}" for i in range(256)]


class BacnetSession:
    """Per-flow state: outstanding confirmed requests by (requester, invoke id)."""

    def __init__(self) -> None:
        self.pending: dict[tuple[str, int], int] = {}
        self.seen_request = False
        self.requests: dict[tuple[str, int], int] = {}  # confirmed requests sent, by (address, port)

    def requester(self) -> tuple[str, int] | None:
        """The flow's client: the side that sent the most confirmed requests (clause 5.1: the
        requesting BACnet-user), whatever the ports and whoever spoke first; None without any."""
        if not self.requests:
            return None
        ranked = sorted(self.requests.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        try:
            if ctx.transport == "eth":
                self._link_npdu(pdu, ctx, out)
            else:
                self._datagram(pdu, ctx, out)
        except WireError as err:
            proto = "bvlc" if err.what == "invalid_length" else "bacapp"
            out.anomaly(Anomaly(f"{proto}.{err.what}", ctx, err.detail))
        except (ValueError, IndexError, OverflowError) as err:  # defensive: never a traceback
            out.anomaly(Anomaly("bacapp.malformed", ctx, str(err)))

    def _datagram(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        """Annex J.2 BVLL, then clause 6 NPDU, then clause 20 APDU."""
        bvlc = parse_bvlc(pdu)
        if bvlc.bvlc_type != BVLC_TYPE_BIP:
            out.anomaly(Anomaly("bvlc.unknown_type", ctx, f"BVLC type 0x{bvlc.bvlc_type:02x}"))
            return
        func = bvlc.bvlc_function
        op = Operation(
            "bvlc",
            _BVLC_CODES[func],
            name(codes.BVLC_FUNCTION, func),
            codes.BVLC_CLASS.get(func, OpClass.OTHER),
            ctx,
        )
        if func not in codes.BVLC_FUNCTION:
            out.anomaly(Anomaly("bvlc.unknown_function", ctx, f"BVLC function 0x{func:02x}"))
        if bvlc.bvlc_length != len(pdu):
            out.anomaly(
                Anomaly(
                    "bvlc.invalid_length", ctx, f"BVLC length {bvlc.bvlc_length}, datagram {len(pdu)} octets"
                )
            )
        try:
            npdu = self._npdu(func, pdu, op, ctx, out)
        finally:
            out.operation(op)
        if npdu is not None and npdu.message_type is None and npdu.apdu < len(pdu):
            self._apdu(pdu, parse_apdu(pdu, npdu.apdu), ctx, out)

    def _link_npdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        """Clause 7 (ISO 8802-2 LLC) and clause 9 (MS/TP data frames): the NPDU is the link's
        whole payload, without a BVLL, so there is no ``bvlc`` operation (as in tshark).
        A network layer message has no APDU and gives no operation."""
        npdu = parse_npdu(pdu, 0)
        if npdu.version != 1:
            out.anomaly(Anomaly("bacnet.invalid_version", ctx, f"NPDU version {npdu.version}"))
        if npdu.message_type is None and npdu.apdu < len(pdu):
            self._apdu(pdu, parse_apdu(pdu, npdu.apdu), ctx, out)

    def _npdu(self, func: int, pdu: bytes, op: Operation, ctx: PduContext, out: Emitter) -> Npdu | None:
        """Clause 6.2 NPCI of the BVLL functions that carry an NPDU (Annex J.2)."""
        start = NPDU_OFFSET.get(func)
        if start is None:
            op.details.update(_bvlc_details(func, pdu))
            return None
        if func == 0x04:
            op.details["originating_address"] = forwarded_address(pdu)
        npdu = parse_npdu(pdu, start)
        if npdu.version != 1:
            out.anomaly(Anomaly("bacnet.invalid_version", ctx, f"NPDU version {npdu.version}"))
        _routing(npdu, op)
        if npdu.message_type is not None:
            self._network_message(npdu, op)
        return npdu

    def _network_message(self, npdu: Npdu, op: Operation) -> None:
        """Clause 6.4: a network layer message instead of an APDU."""
        mtype = npdu.message_type if npdu.message_type is not None else 0
        op.details["network_message"] = name(codes.NETWORK_MESSAGE, mtype)
        if npdu.vendor_id is not None:
            op.details["vendor_id"] = npdu.vendor_id
        op.op_class = codes.NETWORK_CLASS.get(mtype, OpClass.DIAGNOSTICS)

    def _apdu(self, pdu: bytes, apdu: Apdu, ctx: PduContext, out: Emitter) -> None:
        ptype, svc = apdu.pdu_type, apdu.service
        code = f"{ptype}:{svc if svc is not None else '-'}"
        service = self._pair(apdu, ctx, out)
        confirmed = ptype != 1
        table = codes.CONFIRMED_SERVICE if confirmed else codes.UNCONFIRMED_SERVICE
        classes = codes.CONFIRMED_CLASS if confirmed else codes.UNCONFIRMED_CLASS
        op_class = classes.get(service, OpClass.OTHER) if service is not None else OpClass.SESSION
        sname = name(table, service) if service is not None else ""
        label = f"{codes.APDU_TYPE[ptype]} {sname}".strip()
        op = Operation("bacapp", code, label, op_class, ctx, _is_request(ptype, svc), {})
        if apdu.invoke_id is not None:
            op.details["invoke_id"] = apdu.invoke_id
        if apdu.segmented:
            op.details["segmented"] = True
            op.details["sequence_number"] = apdu.sequence_number
        if apdu.reason is not None:
            reasons = codes.REJECT_REASON if ptype == 6 else codes.ABORT_REASON
            op.details["reason"] = name(reasons, apdu.reason)
        if svc is None or (apdu.segmented and apdu.sequence_number):
            out.operation(op)
            return
        try:
            decoded = services.decode(ptype, svc, pdu, apdu.body)
        finally:
            out.operation(op)
        op.details.update(decoded.details)
        self._report(decoded, op, ctx, out)

    def _pair(self, apdu: Apdu, ctx: PduContext, out: Emitter) -> int | None:
        """The confirmed service an answer belongs to; remembers confirmed requests."""
        ptype, invoke = apdu.pdu_type, apdu.invoke_id
        if ptype == 1 or invoke is None:
            return apdu.service
        if ptype == 0:
            if len(self.pending) >= MAX_PENDING:
                self.pending.clear()
            self.pending[(ctx.src, invoke)] = apdu.service if apdu.service is not None else -1
            self.seen_request = True
            side = (ctx.src, ctx.sport)
            self.requests[side] = self.requests.get(side, 0) + 1
            return apdu.service
        found = self.pending.get((ctx.dst, invoke))
        if found is None and ptype == 7:  # an Abort may come from either side
            found = self.pending.get((ctx.src, invoke))
        if ptype in (2, 5, 6, 7) or (ptype == 3 and not apdu.flags & 0x04):
            self.pending.pop((ctx.dst, invoke), None)
        if found is None and ptype != 4 and self.seen_request:
            out.anomaly(Anomaly("bacapp.response_without_request", ctx, f"invoke id {invoke}"))
        return apdu.service if apdu.service is not None else found

    def _report(self, decoded: services.Decoded, op: Operation, ctx: PduContext, out: Emitter) -> None:
        """Identity answers and present-value points of a decoded service."""
        if decoded.identity:
            vid = decoded.identity.get("vendor_id", "")
            if "vendor" not in decoded.identity and vid.isdigit() and int(vid) in VENDOR:
                decoded.identity["vendor"] = VENDOR[int(vid)]
            out.identity(Identity("bacnet", ctx, ctx.src, decoded.identity))
        access = "write" if op.request and op.op_class == OpClass.WRITE else "read"
        device = ctx.dst if access == "write" else ctx.src
        for point, value in decoded.points:
            if value is not None:
                out.value(PointValue("bacnet", ctx, device, point, value, access))


def _is_request(ptype: int, svc: int | None) -> bool | None:
    if ptype == 0:
        return True
    if ptype == 1:
        return svc not in (0, 1)  # I-Am and I-Have answer Who-Is / Who-Has
    return None if ptype == 4 else False


def _routing(npdu: Npdu, op: Operation) -> None:
    """Clause 6.2.2 routing fields, when present."""
    if npdu.dnet is not None:
        op.details.update(dnet=npdu.dnet, dadr=npdu.dadr.hex(), hop_count=npdu.hop_count)
    if npdu.snet is not None:
        op.details.update(snet=npdu.snet, sadr=npdu.sadr.hex())


def _bvlc_details(func: int, pdu: bytes) -> dict[str, object]:
    """Annex J.2.1 BVLC-Result code, J.2.6 Register-Foreign-Device time-to-live."""
    if func == 0x00 and len(pdu) >= 6:
        return {"result": name(codes.BVLC_RESULT, int.from_bytes(pdu[4:6], "big"))}
    if func == 0x05 and len(pdu) >= 6:
        return {"time_to_live": int.from_bytes(pdu[4:6], "big")}
    return {}


class BacnetSpec:
    """BACnet/IP on UDP 47808 (Annex J); BACnet on ISO 8802-2 LLC (clause 7) and MS/TP data
    frames (clause 9), which the link layer hands over as ``ETH_BACNET``."""

    name = "bacnet"
    tcp_ports: frozenset[int] = frozenset()
    udp_ports = frozenset({BACNET_PORT})
    ethertypes: frozenset[int] = frozenset({ETH_BACNET})

    def probe(self, payload: bytes, transport: str) -> bool:
        """A BVLL header of type 0x81, a known function and a length equal to the datagram."""
        return (
            transport == "udp"
            and len(payload) >= 4
            and payload[0] == BVLC_TYPE_BIP
            and payload[1] <= 0x0C
            and int.from_bytes(payload[2:4], "big") == len(payload)
        )

    def pdu_length(self, buf: bytes) -> int:
        """BVLL length field (Annex J.2); BACnet/IP is UDP, this serves a TCP tunnel at most."""
        if len(buf) < 4:
            return 0
        if buf[0] != BVLC_TYPE_BIP:
            return -1
        length = int.from_bytes(buf[2:4], "big")
        return length if length >= 4 else -1

    def new_session(self) -> Session:
        return BacnetSession()


SPEC = BacnetSpec()
