"""DNP3 session: link frames, transport reassembly, application operations (IEEE 1815-2012).

Operation codes follow ../shared/tools/groundtruth.py: the application function code in
decimal when an application fragment completes in the link frame, else
``link:pri/<fc>`` or ``link:sec/<fc>`` from the link control octet.

What counts as what, as tshark (packet-dnp.c) does, so counts agree frame for frame:

- every link function except Reset Link / ACK (0), Request Link Status (9) and Link Status
  (11) may carry transport segments, whatever PRM says (Test Link States with user data,
  or a reserved function, still carries an application fragment);
- a link frame whose header CRC fails is discarded (9.2.6): an anomaly, no operation;
- a link frame carrying a transport segment of a fragment that completes later in the
  same captured frame (TCP segment or UDP datagram) is part of that fragment's operation,
  not a link operation of its own; its link operation is held until the fragment
  completes (dropped when that happens in the same captured frame, emitted otherwise).
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, OpClass, Operation, PduContext
from plantwarden.protocols.dnp3 import codes, wire
from plantwarden.protocols.dnp3.application import Application

PORT = 20000
MAX_FRAGMENT = 65536  # 8.2: larger fragments are dropped (dnp3.fragment_too_large)
# 9.2.4.1.3: link functions that never carry user data (Reset Link / ACK, Request Link
# Status, Link Status); every other function's user data is a transport segment.
NO_USER_DATA = frozenset({0, 9, 11})


class Dnp3Spec:
    """How the engine finds and frames DNP3 (TCP/UDP 20000, link frames of 9.2.2)."""

    name = "dnp3"
    tcp_ports = frozenset({PORT})
    udp_ports = frozenset({PORT})
    ethertypes: frozenset[int] = frozenset()

    def probe(self, payload: bytes, transport: str) -> bool:
        return transport in ("tcp", "udp") and wire.frame_length(payload) > 0 and wire.header_crc_ok(payload)

    def pdu_length(self, buf: bytes) -> int:
        return wire.frame_length(buf)

    def new_session(self) -> Dnp3Session:
        return Dnp3Session()


SPEC = Dnp3Spec()


class _Fragment:
    """Transport segments of one application fragment being collected (8.2.1)."""

    __slots__ = ("data", "seq")

    def __init__(self, seq: int, data: bytes) -> None:
        self.seq = seq
        self.data = bytearray(data)


class Dnp3Session:
    """Per-flow state: fragments in reassembly per (source, destination) link address pair."""

    __slots__ = ("_app", "_fragments", "_held")

    def __init__(self) -> None:
        self._fragments: dict[tuple[int, int], _Fragment] = {}
        self._app = Application()
        self._held: list[Operation] = []  # link operations of segments of a fragment in progress

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        """One link frame (TCP), or every link frame of a datagram (UDP)."""
        if self._held and self._held[0].ctx.frame != ctx.frame:
            self.flush(out)
        pos = 0
        while pos < len(pdu):
            size = wire.frame_length(pdu[pos : pos + 3])
            if size <= 0:
                out.anomaly(
                    Anomaly("dnp3.invalid_length", ctx, f"{len(pdu) - pos} bytes do not start a link frame")
                )
                return
            self._frame(pdu[pos : pos + size], ctx, out)
            pos += size

    def _frame(self, frame: bytes, ctx: PduContext, out: Emitter) -> None:
        head = wire.link_header(frame)
        if head is None:
            out.anomaly(Anomaly("dnp3.invalid_length", ctx, f"link frame of {len(frame)} bytes"))
            return
        length, control, destination, source = head
        if len(frame) < wire.frame_size(length):
            out.anomaly(Anomaly("dnp3.invalid_length", ctx, f"link length {length}, {len(frame)} bytes"))
        if not wire.header_crc_ok(frame):
            out.anomaly(Anomaly("dnp3.crc_error", ctx, f"link header {source}->{destination}"))
            return
        function = control & 0x0F
        link = _link_operation(control, source, destination, ctx)
        if function not in NO_USER_DATA and length > wire.MIN_LENGTH:
            fragment = self._transport(frame, length, source, destination, ctx, out)
            if fragment is not None and self._app.fragment(fragment, source, destination, ctx, out):
                self._held.clear()  # segments of this fragment in this captured frame
                return
            if (source, destination) in self._fragments:
                self._held.append(link)
                return
            self.flush(out)  # the fragment its segments belonged to was dropped
        out.operation(link)

    def flush(self, out: Emitter) -> None:
        """Emit the held link operations (the flow moved on to another captured frame, or ended)."""
        for op in self._held:
            out.operation(op)
        self._held.clear()

    def _transport(
        self, frame: bytes, length: int, source: int, destination: int, ctx: PduContext, out: Emitter
    ) -> bytes | None:
        """Add one transport segment; the whole fragment when this segment completes it."""
        data, bad_blocks = wire.user_data(frame, length)
        if bad_blocks:
            out.anomaly(Anomaly("dnp3.crc_error", ctx, f"{bad_blocks} user data block(s)"))
        if not data:
            return None
        fin, fir, seq = wire.transport_header(data[0])
        key = (source, destination)
        if fir:
            current = self._fragments[key] = _Fragment(seq, data[1:])
        else:
            found = self._fragments.get(key)
            if found is None or seq != (found.seq + 1) & 0x3F:
                out.anomaly(Anomaly("dnp3.transport_sequence", ctx, f"segment {seq} out of order"))
                self._fragments.pop(key, None)
                return None
            current = found
            current.seq = seq
            current.data += data[1:]
        if len(current.data) > MAX_FRAGMENT:
            out.anomaly(Anomaly("dnp3.fragment_too_large", ctx, f"{len(current.data)} bytes"))
            del self._fragments[key]
            return None
        if not fin:
            return None
        del self._fragments[key]
        return bytes(current.data)


def _link_operation(control: int, source: int, destination: int, ctx: PduContext) -> Operation:
    direction, primary, fcb, fcv, function = wire.control_fields(control)
    code = f"link:{'pri' if primary else 'sec'}/{function}"
    details: dict[str, object] = {"source": source, "destination": destination, "dir": direction}
    details["fcb" if primary else "dfc"] = fcb if primary else fcv
    if primary:
        details["fcv"] = fcv
    name = codes.link_name(primary, function)
    return Operation("dnp3", code, name, OpClass.SESSION, ctx, primary, details)
