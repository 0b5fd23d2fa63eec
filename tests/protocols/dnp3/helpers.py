"""DNP3 test material: link frames cut out of the shared real captures by the project's reader.

No DNP3 stack installs in Python here, so the tests read the ITI captures
(``dnp3-iti-*.pcap``) and, where a test needs a shape those captures lack (a fragment
split over two transport segments, a link-only frame), re-frame their real bytes with the
decoder's own CRC (IEEE 1815-2012, 9.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conftest import SHARED_CAPTURES
from plantwarden.capture.source import open_capture
from plantwarden.net.decode import Decoder
from plantwarden.protocols.base import Direction, PduContext
from plantwarden.protocols.dnp3 import wire

SELECT_OPERATE = SHARED_CAPTURES / "dnp3-iti-select_operate_and_responses.pcap"
TEST_DATA = SHARED_CAPTURES / "dnp3-iti-dnp3_test_data_part1.pcap"


@dataclass(frozen=True)
class Segment:
    frame: int
    src: str
    dst: str
    sport: int
    dport: int
    payload: bytes

    def ctx(self) -> PduContext:
        direction = Direction.TO_SERVER if self.dport == 20000 else Direction.TO_CLIENT
        return PduContext(
            "t.pcap", self.frame, 0, "f1", direction, self.src, self.dst, self.sport, self.dport, "tcp"
        )


def segments(path: Path) -> dict[int, Segment]:
    """TCP payloads of a capture by frame number (frames without payload left out)."""
    out: dict[int, Segment] = {}
    decoder = Decoder()
    with open_capture(str(path)) as source:
        for raw in source.frames():
            pkt = decoder.decode(raw)
            if pkt.payload and pkt.sport is not None and pkt.dport is not None:
                out[raw.number] = Segment(
                    raw.number, str(pkt.src), str(pkt.dst), pkt.sport, pkt.dport, bytes(pkt.payload)
                )
    return out


def link_frame(control: int, destination: int, source: int, data: bytes) -> bytes:
    """A link frame around ``data`` (9.2.2), with header and block CRCs."""
    head = wire.START + bytes([5 + len(data), control]) + destination.to_bytes(2, "little")
    head += source.to_bytes(2, "little")
    parts = [head, wire.crc(head).to_bytes(2, "little")]
    for pos in range(0, len(data), 16):
        block = data[pos : pos + 16]
        parts += [block, wire.crc(block).to_bytes(2, "little")]
    return b"".join(parts)
