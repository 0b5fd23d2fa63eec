"""The contract between the flow engine and every protocol decoder.

The engine (``plantwarden.net``) finds the protocol of a flow (server port first, then
payload), reassembles TCP, cuts the byte stream into PDUs with ``ProtocolSpec.pdu_length``
and hands each PDU to the flow's ``Session.on_pdu`` together with a :class:`PduContext`
(the join keys). The session reports what it saw through an :class:`Emitter`:
operations (one per PDU, or one per nested service), named anomalies, identity answers
and point values. Sessions never raise on bad bytes: they emit an anomaly instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class OpClass(StrEnum):
    """Operation classes shared by every protocol; inventory and detection work on these."""

    READ = "read"
    WRITE = "write"
    PROGRAM_DOWNLOAD = "program_download"
    PROGRAM_UPLOAD = "program_upload"
    MODE_CHANGE = "mode_change"  # run/stop
    FIRMWARE_UPDATE = "firmware_update"
    DIAGNOSTICS = "diagnostics"  # includes identity requests and answers
    TIME_SYNC = "time_sync"
    RESTART = "restart"
    FILE_TRANSFER = "file_transfer"
    SESSION = "session"  # connect, setup, auth, keep-alive
    IO_DATA = "io_data"  # cyclic I/O, monitoring data pushed by the device
    OTHER = "other"


class Direction(StrEnum):
    TO_SERVER = "to_server"  # from the flow's initiator (the SYN side, or first sender)
    TO_CLIENT = "to_client"


@dataclass(frozen=True, slots=True)
class PduContext:
    """Join keys of one PDU."""

    capture: str  # capture file name (or "-" for stdin)
    frame: int  # frame that completes the PDU (1-based, Wireshark's numbering)
    ts_ns: int
    flow_id: str
    direction: Direction
    src: str  # outer IP address, or MAC when the frame has no IP header
    dst: str
    sport: int  # 0 when not TCP/UDP
    dport: int
    transport: str  # "tcp", "udp" or "eth"
    first_frame: int = 0  # first frame holding bytes of this PDU (0 = same as frame)


@dataclass(slots=True)
class Operation:
    """One protocol operation (a PDU, or one service nested in a PDU)."""

    proto: str  # protocol name as in groundtruth.py: modbus, s7comm, enip, cip, dnp3, ...
    code: str  # code in groundtruth.py's format: "3", "3:exc", "1:0x04", "0x4c:req", ...
    name: str  # human name of the code ("Read Holding Registers"); "unknown-65" if unknown
    op_class: OpClass
    ctx: PduContext
    request: bool | None = None  # True request, False response, None neither/unknown
    details: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Anomaly:
    """A malformed or unexpected PDU, named so that rules can match it."""

    name: str  # "<proto>.<what>", e.g. "modbus.invalid_length", "dnp3.crc_error"
    ctx: PduContext
    detail: str = ""


@dataclass(slots=True)
class Identity:
    """What a device says about itself in a protocol's identity answer."""

    proto: str
    ctx: PduContext
    address: str  # the device the answer describes (usually ctx.src of the answer)
    fields: dict[str, str]  # vendor, product, model, order_number, firmware, serial, name, ...


@dataclass(slots=True)
class PointValue:
    """A value read from or written to a register or point."""

    proto: str
    ctx: PduContext
    device: str  # address of the device holding the point
    point: str  # e.g. "unit1/holding/40001", "ca1/ioa100", "analog-value/3/present-value"
    value: float | int | bool | str
    access: str  # "read" or "write"


class Emitter(Protocol):
    """Where sessions report what they decoded."""

    def operation(self, op: Operation) -> None: ...

    def anomaly(self, anomaly: Anomaly) -> None: ...

    def identity(self, identity: Identity) -> None: ...

    def value(self, value: PointValue) -> None: ...


class Session(Protocol):
    """Per-flow decoder state (one per flow, both directions)."""

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        """Decode one PDU (TCP: as cut by ``pdu_length``; UDP/L2: one datagram/frame)."""
        ...


class ProtocolSpec(Protocol):
    """How the engine finds, frames and decodes a protocol."""

    @property
    def name(self) -> str:
        """The flow-level protocol name, e.g. "modbus", "s7comm", "enip", "dnp3"."""
        ...

    @property
    def tcp_ports(self) -> frozenset[int]: ...

    @property
    def udp_ports(self) -> frozenset[int]: ...

    @property
    def ethertypes(self) -> frozenset[int]: ...

    def probe(self, payload: bytes, transport: str) -> bool:
        """True when the first payload of a flow looks like this protocol (any port)."""
        ...

    def pdu_length(self, buf: bytes) -> int:
        """TCP framing: length of the PDU that starts at ``buf[0]``.

        Return 0 when more bytes are needed to tell, -1 when ``buf`` does not start with
        a valid PDU (the engine reports ``<name>.framing_error`` and resynchronises).
        """
        ...

    def new_session(self) -> Session: ...
