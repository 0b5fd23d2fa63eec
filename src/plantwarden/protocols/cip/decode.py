"""Walks CIP explicit messages: one operation per service, nested services included.

Multiple Service Packet (Vol 1, A-4.10) and Unconnected Send (Vol 1, 3-5.5.4) carry further
services; each one is an operation of its own (as tshark counts ``cip.sc``). Replies are
paired with their request by a key the transport gives (sender context for unconnected
messages, CIP sequence count for connected ones); a reply to Unconnected Send is the
embedded service's reply.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, Operation, PduContext, PointValue
from plantwarden.protocols.cip import codes, values, wire
from plantwarden.protocols.cip.classify import (
    CM,
    LOGIX,
    UNKNOWN,
    Meaning,
    Pending,
    meaning,
    path_details,
    tag_points,
    unknown_meaning,
)
from plantwarden.protocols.enip.codes import DEVICE_TYPES, VENDORS

MAX_DEPTH = 4  # nesting bound: Unconnected Send inside Multiple Service Packet inside ...
MAX_PENDING = 512


def _anomaly(out: Emitter, ctx: PduContext, what: str, detail: str) -> None:
    out.anomaly(Anomaly(f"cip.{what}", ctx, detail))


class CipDecoder:
    """CIP decoding state of one flow: requests waiting for their replies."""

    __slots__ = ("pending", "unknown")

    def __init__(self) -> None:
        self.pending: dict[object, Pending] = {}
        self.unknown: set[int] = set()  # services this flow's requests sent to objects of unknown meaning

    def message(
        self, msg: bytes, key: object, ctx: PduContext, out: Emitter, extra: dict[str, object]
    ) -> None:
        """Decode one message router request or response (the 0x80 service bit tells)."""
        if not msg:
            _anomaly(out, ctx, "invalid_length", "empty CIP message")
        elif msg[0] & 0x80:
            self._response(msg, self.pending.pop(key, None), ctx, out, 0, extra)
        else:
            info = self._request(msg, ctx, out, 0, extra)
            if info is not None:
                if len(self.pending) >= MAX_PENDING:
                    self.pending.pop(next(iter(self.pending)))
                self.pending[key] = info

    def _request(
        self, msg: bytes, ctx: PduContext, out: Emitter, depth: int, extra: dict[str, object]
    ) -> Pending | None:
        req = wire.request(msg)
        if req is None:
            _anomaly(out, ctx, "invalid_length", f"request path runs past the message ({len(msg)} bytes)")
            return None
        path = wire.epath(req.path)
        if path is None:
            _anomaly(out, ctx, "bad_path", f"undecodable request path {req.path.hex()}")
        mean = meaning(req.service, path)
        if mean.family == UNKNOWN:
            self.unknown.add(req.service)
        info = Pending(req.service, mean, path)
        details: dict[str, object] = dict(extra)
        if path is not None:
            details.update(path_details(path))
        if depth:
            details["nested"] = depth
        code = f"0x{req.service:02x}:req"
        out.operation(Operation("cip", code, mean.name, mean.op_class, ctx, True, details))
        if depth < MAX_DEPTH:
            self._request_body(req, info, details, ctx, out, depth)
        return info

    def _request_body(
        self,
        req: wire.Request,
        info: Pending,
        details: dict[str, object],
        ctx: PduContext,
        out: Emitter,
        depth: int,
    ) -> None:
        family, service = info.meaning.family, req.service
        if service == 0x0A:
            messages = wire.msp_services(req.data)
            if messages is None:
                _anomaly(out, ctx, "invalid_length", "Multiple Service Packet offsets out of range")
                return
            info.children = [self._request(m, ctx, out, depth + 1, {}) for m in messages]
        elif family == CM and service == 0x52:
            send = wire.unconnected_send(req.data)
            if send is None:
                _anomaly(out, ctx, "invalid_length", "Unconnected Send message runs past the data")
                return
            route = wire.epath(send.route)
            if route is not None and route.ports:
                details["route"] = path_details(route)["route"]
            info.embedded = self._request(send.message, ctx, out, depth + 1, {})
        elif family == CM and service in (0x54, 0x5B):
            details.update(wire.forward_open(req.data, service == 0x5B) or {})
        elif family == CM and service == 0x4E:
            details.update(wire.forward_close(req.data) or {})
        elif family == LOGIX:
            self._logix_request(req, info, details, ctx, out)

    def _logix_request(
        self, req: wire.Request, info: Pending, details: dict[str, object], ctx: PduContext, out: Emitter
    ) -> None:
        tag = info.path.tag if info.path is not None else None
        if req.service in (0x4C, 0x52):
            info.elements = values.element_count(req.data)
            if req.service == 0x52 and len(req.data) >= 6:
                info.offset = int.from_bytes(req.data[2:6], "little")
            details["elements"] = info.elements
        elif req.service in (0x4D, 0x53):
            written = values.write_request(req.data, req.service == 0x53)
            if written is None:
                return
            details["data_type"], details["values"] = codes.DATA_TYPES[written[0]][0], written[1][:8]
            offset = req.data[4:8] if req.service == 0x53 else b""
            if tag is not None and not offset.strip(b"\0"):  # fragments after the first: no points
                for point, value in zip(tag_points(tag, len(written[1])), written[1], strict=False):
                    out.value(PointValue("cip", ctx, ctx.dst, point, value, "write"))

    def _response(
        self,
        msg: bytes,
        info: Pending | None,
        ctx: PduContext,
        out: Emitter,
        depth: int,
        extra: dict[str, object],
    ) -> None:
        rsp = wire.response(msg)
        if rsp is None:
            _anomaly(out, ctx, "invalid_length", f"reply shorter than its status ({len(msg)} bytes)")
            return
        if info is not None and info.embedded is not None and info.embedded.service == rsp.service:
            info = info.embedded  # a reply to Unconnected Send is the embedded service's reply
        elif info is not None and info.service != rsp.service:
            info = None
        if info is None and depth == 0:
            _anomaly(out, ctx, "response_without_request", f"reply 0x{rsp.service:02x} without its request")
        mean = info.meaning if info is not None else self._unpaired(rsp)
        details: dict[str, object] = dict(extra)
        details["status"] = codes.status_name(rsp.general_status)
        if rsp.extended_status:
            details["extended_status"] = [f"0x{x:04x}" for x in rsp.extended_status]
        if info is not None and info.path is not None:
            details.update(path_details(info.path))
        if depth:
            details["nested"] = depth
        code = f"0x{rsp.service:02x}:rsp"
        out.operation(Operation("cip", code, mean.name, mean.op_class, ctx, False, details))
        if depth < MAX_DEPTH and rsp.general_status in (0x00, 0x06, 0x1E):
            self._response_body(rsp, info, details, ctx, out, depth)

    def _unpaired(self, rsp: wire.Response) -> Meaning:
        """The meaning of a reply without its request (sent before the capture began): what the
        flow's requests of that service meant when they went to an unknown object, and a
        Logix tag read only when the reply's data is tag data (1756-PM020); otherwise the
        object-specific code (Vol 1, 4-4) stays unknown, as tshark names it."""
        found = meaning(rsp.service, None)
        if rsp.service in self.unknown:
            return unknown_meaning(rsp.service)
        tag_read = (
            found.family == LOGIX and rsp.service in (0x4C, 0x52) and rsp.general_status in (0x00, 0x06)
        )
        if tag_read and values.read_reply(rsp.data) is None:
            return unknown_meaning(rsp.service)
        return found

    def _response_body(
        self,
        rsp: wire.Response,
        info: Pending | None,
        details: dict[str, object],
        ctx: PduContext,
        out: Emitter,
        depth: int,
    ) -> None:
        if rsp.service == 0x0A:
            messages = wire.msp_services(rsp.data)
            if messages is None:
                _anomaly(out, ctx, "invalid_length", "Multiple Service Packet reply offsets out of range")
                return
            children = info.children if info is not None else []
            for i, message in enumerate(messages):
                child = children[i] if i < len(children) else None
                self._response(message, child, ctx, out, depth + 1, {})
        elif info is None or rsp.general_status != 0:
            return
        elif info.meaning.family == LOGIX and rsp.service in (0x4C, 0x52):
            self._read_values(rsp, info, details, ctx, out)
        elif info.meaning.family == CM and rsp.service in (0x54, 0x5B):
            details.update(wire.forward_open_reply(rsp.data) or {})
        elif rsp.service == 0x01 and info.path is not None and info.path.class_id == codes.CLASS_IDENTITY:
            self._identity(rsp.data, ctx, out)

    def _read_values(
        self, rsp: wire.Response, info: Pending, details: dict[str, object], ctx: PduContext, out: Emitter
    ) -> None:
        read = values.read_reply(rsp.data)
        tag = info.path.tag if info.path is not None else None
        if read is None or tag is None:
            return
        details["data_type"], details["values"] = codes.DATA_TYPES[read[0]][0], read[1][:8]
        size = codes.DATA_TYPES[read[0]][1]
        for point, value in zip(tag_points(tag, len(read[1]), info.offset // size), read[1], strict=False):
            out.value(PointValue("cip", ctx, ctx.src, point, value, "read"))

    @staticmethod
    def _identity(data: bytes, ctx: PduContext, out: Emitter) -> None:
        attrs = values.identity_attributes(data)
        if attrs is None:
            return
        fields = identity_fields(attrs)
        out.identity(Identity("cip", ctx, ctx.src, fields))


def identity_fields(attrs: dict[str, int | str]) -> dict[str, str]:
    """Identity record fields from Identity object attributes (shared with ListIdentity)."""
    vendor_id, device_type = int(attrs["vendor_id"]), int(attrs["device_type"])
    return {
        "vendor": VENDORS.get(vendor_id, f"unknown-{vendor_id}"),
        "vendor_id": str(vendor_id),
        "device_type": DEVICE_TYPES.get(device_type, f"unknown-0x{device_type:02x}"),
        "product_code": str(attrs["product_code"]),
        "product": str(attrs["product_name"]),
        "firmware": str(attrs["revision"]),
        "serial": f"0x{int(attrs['serial']):08x}",
        "status": f"0x{int(attrs['status']):04x}",
    }
