# mypy: disable-error-code="no-untyped-call"
"""Make tests/data/captures/segmentation-scan.pcap: a kernel connect() scan of 1,000 ports.

Run from the project root as root (dumpcap needs it):

    .venv/bin/python tests/data/generate/segmentation_scan.py

In the zones of tests/continuity/data/zones.yaml: office-01 (127.0.6.17, enterprise) connects
to ports 1-1000 of plc-01 (127.0.6.9, control), where a real pymodbus server listens on 502 (the
one port that accepts; the scanner closes it without a request), then reads two holding
registers from it on 502 (one decoded Modbus flow). Every other port answers with a RST.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import time
from pathlib import Path

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.server import ModbusTcpServer

OUT = Path(__file__).resolve().parents[1] / "captures" / "segmentation-scan.pcap"
PLC, OFFICE = "127.0.6.9", "127.0.6.17"
PORTS = range(1, 1001)


def scan() -> None:
    for port in PORTS:
        with contextlib.suppress(OSError), socket.create_connection((PLC, port), 1, (OFFICE, 0)):
            pass


async def scenario() -> None:
    device = ModbusDeviceContext(hr=ModbusSequentialDataBlock(1, [7, 8, 9]))
    server = ModbusTcpServer(ModbusServerContext(devices={1: device}), address=(PLC, 502))
    task = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0.5)
    await asyncio.to_thread(scan)
    client = AsyncModbusTcpClient(PLC, port=502, source_address=(OFFICE, 0), retries=0)
    await client.connect()
    await client.read_holding_registers(0, count=2, device_id=1)
    client.close()
    await asyncio.sleep(0.3)
    await server.shutdown()
    task.cancel()


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dump = subprocess.Popen(["dumpcap", "-q", "-P", "-i", "lo", "-f", "net 127.0.6.0/24", "-w", str(OUT)])
    time.sleep(2.0)
    try:
        asyncio.run(scenario())
        time.sleep(0.5)
    finally:
        dump.terminate()
        dump.wait()


if __name__ == "__main__":
    main()
