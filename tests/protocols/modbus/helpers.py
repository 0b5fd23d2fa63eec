"""Shared pieces of the Modbus tests: a recording emitter and a pymodbus server in memory.

``Exchange`` runs a real pymodbus request through pymodbus' own datastore handling (the
code its TCP server runs) and frames both sides with its socket framer, so the tests read
ADUs made by the real stack, without a network.
"""

from __future__ import annotations

import asyncio
import logging

from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.framer import FramerSocket
from pymodbus.pdu import DecodePDU, ModbusPDU
from pymodbus.pdu.device import ModbusControlBlock, ModbusDeviceIdentification
from pymodbus.simulator.simcore import SimCore

from plantwarden.protocols.base import Direction, PduContext

logging.getLogger("pymodbus").setLevel(logging.ERROR)

CLIENT, SERVER = "127.0.1.2", "127.0.1.1"
IDENTITY = {
    "VendorName": "Plantwarden Test Works",
    "ProductCode": "PW-MB-100",
    "MajorMinorRevision": "3.16.1",
    "VendorUrl": "https://example.invalid/pw",
    "ProductName": "Loopback Modbus Server",
    "ModelName": "PW100",
    "UserApplicationName": "line-2 pump skid",
}


def ctx(request: bool, frame: int = 1, sport: int = 40000, dport: int = 502) -> PduContext:
    """Context of a PDU between CLIENT:sport and SERVER:dport, in the given direction."""
    if request:
        return PduContext("t.pcap", frame, 0, "f1", Direction.TO_SERVER, CLIENT, SERVER, sport, dport, "tcp")
    return PduContext("t.pcap", frame, 0, "f1", Direction.TO_CLIENT, SERVER, CLIENT, dport, sport, "tcp")


def _server_context() -> SimCore:
    device = ModbusDeviceContext(
        di=ModbusSequentialDataBlock(1, [i % 2 == 0 for i in range(100)]),
        co=ModbusSequentialDataBlock(1, [i % 3 == 0 for i in range(100)]),
        hr=ModbusSequentialDataBlock(1, [1000 + i for i in range(100)]),
        ir=ModbusSequentialDataBlock(1, [2000 + i for i in range(100)]),
    )
    return SimCore(ModbusServerContext(devices={1: device}).simdevices)  # as ModbusTcpServer does


class Exchange:
    """A pymodbus server datastore with identity; ``run`` gives (request ADU, response ADU)."""

    def __init__(self) -> None:
        self.context = _server_context()
        self.framer = FramerSocket(DecodePDU(False))
        ident = ModbusDeviceIdentification(info_name=IDENTITY)
        ModbusControlBlock().Identity.update(ident)

    def frame(self, pdu: ModbusPDU) -> bytes:
        return bytes(self.framer.buildFrame(pdu))

    def run(self, request: ModbusPDU) -> tuple[bytes, bytes]:
        response = asyncio.run(request.datastore_update(self.context, request.dev_id))  # type: ignore[arg-type]
        response.transaction_id = request.transaction_id
        response.dev_id = request.dev_id
        return self.frame(request), self.frame(response)
