"""Run the L2-L4 engine over a capture and keep what it saw (for the net tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from plantwarden.analyze.collect import Collector
from plantwarden.capture.source import open_capture
from plantwarden.net.decode import Decoder
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.flows import Flow, FlowEngine
from plantwarden.net.packet import Packet


@dataclass
class Seen:
    packets: list[Packet] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    collector: Collector = field(default_factory=Collector)


def run_engine(path: Path) -> Seen:
    seen = Seen()
    decoder = Decoder()
    engine = FlowEngine(path.name, ProtocolIndex([]), seen.collector, on_end=seen.flows.append)
    with open_capture(str(path)) as source:
        for frame in source.frames():
            pkt = decoder.decode(frame)
            seen.packets.append(pkt)
            seen.collector.packet(pkt)
            engine.packet(pkt)
    engine.finish()
    return seen
