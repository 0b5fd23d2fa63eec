"""DNP3 application fragments (IEEE 1815-2012, 4.2.2): operations, pairing, point values.

Responses are paired with requests by application sequence number per (master,
outstation) link address pair; a response takes the operation class of its request.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, OpClass, Operation, PduContext, PointValue
from plantwarden.protocols.dnp3 import codes, objects, wire
from plantwarden.protocols.dnp3.objects import ObjectHeader

# 4.2.2.5: requests whose object headers carry no object data.
HEADERS_ONLY = frozenset({1, 7, 8, 9, 10, 13, 14, 20, 21, 22, 23, 24})
# Requests that get no response, and confirms: nothing to pair.
NO_RESPONSE = frozenset({0, 6, 8, 10, 12, 33})
# Requests whose objects are values written to the outstation.
WRITES = frozenset({2, 4, 5, 6})
COMMAND_GROUPS = frozenset({12, 41})
MAX_PENDING = 256
MAX_DESCRIBED = 32  # object headers listed in an operation's details


def _refine(function: int, headers: list[ObjectHeader]) -> OpClass:
    op_class = codes.function_class(function)
    if function == 2 and any(h.group == 50 for h in headers):
        return OpClass.TIME_SYNC
    return op_class


def _crob_text(value: object) -> object:
    """12.3 CROB: "<trip/close>/<operation>" from the control code, e.g. "nul/latch_on"."""
    if not isinstance(value, dict):
        return value
    code = int(value["control_code"])
    op = codes.CROB_OPERATIONS.get(code & 0x0F, f"op{code & 0x0F}")
    return f"{codes.CROB_TRIP_CLOSE.get(code >> 6, 'tcc3')}/{op}"


class Application:
    """Application-layer state of one flow: requests waiting for their response."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending: dict[tuple[int, int, int], tuple[str, OpClass]] = {}

    def fragment(self, data: bytes, source: int, destination: int, ctx: PduContext, out: Emitter) -> bool:
        """Decode one complete fragment; False when it is too short to have a function code."""
        if len(data) < 2:
            out.anomaly(Anomaly("dnp3.invalid_length", ctx, f"application fragment of {len(data)} bytes"))
            return False
        control, function = data[0], data[1]
        fir, fin, con, uns, seq = wire.app_control(control)
        details: dict[str, object] = {"source": source, "destination": destination, "seq": seq}
        details.update(fir=fir, fin=fin, con=con, uns=uns)
        if wire.is_response(function):
            if len(data) < 4:
                out.anomaly(Anomaly("dnp3.invalid_length", ctx, "response without internal indications"))
            else:
                details["iin"] = codes.iin_names(data[2], data[3])
        headers, stopped = objects.parse(data, wire.app_header_size(function), function not in HEADERS_ONLY)
        self._describe(details, headers, stopped, ctx, out)
        name, op_class = codes.function_name(function), _refine(function, headers)
        if function not in codes.FUNCTIONS:
            out.anomaly(Anomaly("dnp3.unknown_function", ctx, name))
        request: bool | None = None if function == 0 else function < 0x81
        if function == 0x81:
            op_class = self._paired(destination, source, seq, op_class)
        elif request and function not in NO_RESPONSE:
            self._remember((source, destination, seq), name, op_class)
        out.operation(Operation("dnp3", str(function), name, op_class, ctx, request, details))
        self._values(function, headers, source, destination, ctx, out)
        return True

    @staticmethod
    def _describe(
        details: dict[str, object],
        headers: list[ObjectHeader],
        stopped: str | None,
        ctx: PduContext,
        out: Emitter,
    ) -> None:
        described = []
        for h in headers[:MAX_DESCRIBED]:
            item = h.describe()
            item["name"] = codes.group_name(h.group)
            described.append(item)
        details["objects"] = described
        if stopped == "unknown_size":
            details["objects_incomplete"] = True
        elif stopped is not None:
            out.anomaly(Anomaly("dnp3.malformed_objects", ctx, stopped))

    def _remember(self, key: tuple[int, int, int], name: str, op_class: OpClass) -> None:
        if len(self._pending) >= MAX_PENDING:
            del self._pending[next(iter(self._pending))]
        self._pending[key] = (name, op_class)

    def _paired(self, master: int, outstation: int, seq: int, default: OpClass) -> OpClass:
        found = self._pending.pop((master, outstation, seq), None)
        return found[1] if found is not None else default

    @staticmethod
    def _values(
        function: int,
        headers: list[ObjectHeader],
        source: int,
        destination: int,
        ctx: PduContext,
        out: Emitter,
    ) -> None:
        if function in WRITES:
            access, outstation, device = "write", destination, ctx.dst
        elif function in (0x81, 0x82):
            access, outstation, device = "read", source, ctx.src
        else:
            return
        for h in headers:
            if (h.group in COMMAND_GROUPS) != (access == "write"):
                continue
            kind = objects.KINDS.get(h.group, f"g{h.group}")
            for index, value in h.points:
                shown = _crob_text(value)
                if isinstance(shown, bool | int | float | str):
                    point = f"addr{outstation}/{kind}/{index}"
                    out.value(PointValue("dnp3", ctx, device, point, shown, access))
