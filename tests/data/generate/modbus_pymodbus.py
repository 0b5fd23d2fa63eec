"""Make tests/data/captures/modbus-pymodbus.pcap: a real pymodbus server and client on loopback.

Run from the project root as root (tcpdump needs it), then make its tshark truth:

    .venv/bin/python tests/data/generate/modbus_pymodbus.py && \
    python3 ../shared/tools/groundtruth.py tests/data/captures/modbus-pymodbus.pcap \
        --out tests/data/captures/truth

The server (127.0.1.1:502) has a datastore of 100 coils, inputs and registers and a device
identification. Client 127.0.1.2 reads, writes, asks for the identification and the server
id, runs diagnostics and reads beyond the datastore (an Illegal Data Address exception);
127.0.1.3 sends a Schneider UMAS (FC 90) START_PLC that pymodbus does not implement (an
Illegal Function exception); 127.0.1.4 forces the server into listen-only mode.
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
from pymodbus.pdu.device import ModbusDeviceIdentification
from pymodbus.server import ModbusTcpServer

SERVER = "127.0.1.1"
OUT = Path(__file__).resolve().parents[1] / "captures" / "modbus-pymodbus.pcap"


def identity() -> ModbusDeviceIdentification:
    ident = ModbusDeviceIdentification()
    ident.VendorName = "Plantwarden Test Works"
    ident.ProductCode = "PW-MB-100"
    ident.MajorMinorRevision = "3.16.1"
    ident.VendorUrl = "https://example.invalid/pw"
    ident.ProductName = "Loopback Modbus Server"
    ident.ModelName = "PW100"
    ident.UserApplicationName = "line-2 pump skid"
    return ident


def context() -> ModbusServerContext:
    device = ModbusDeviceContext(
        di=ModbusSequentialDataBlock(1, [i % 2 == 0 for i in range(100)]),
        co=ModbusSequentialDataBlock(1, [i % 3 == 0 for i in range(100)]),
        hr=ModbusSequentialDataBlock(1, [1000 + i for i in range(100)]),
        ir=ModbusSequentialDataBlock(1, [2000 + i for i in range(100)]),
    )
    return ModbusServerContext(devices={1: device})


async def client_session() -> None:
    client = AsyncModbusTcpClient(SERVER, port=502, source_address=("127.0.1.2", 0), retries=0)
    await client.connect()
    await client.read_coils(0, count=10, device_id=1)
    await client.read_discrete_inputs(4, count=12, device_id=1)
    await client.read_holding_registers(10, count=5, device_id=1)
    await client.read_input_registers(20, count=3, device_id=1)
    await client.write_coil(7, True, device_id=1)
    await client.write_register(11, 4242, device_id=1)
    await client.write_coils(30, [True, False, True, True], device_id=1)
    await client.write_registers(40, [7, 8, 9], device_id=1)
    await client.mask_write_register(address=12, and_mask=0x00F2, or_mask=0x0025, device_id=1)
    await client.readwrite_registers(
        read_address=40, read_count=3, write_address=50, values=[55, 56], device_id=1
    )
    await client.read_device_information(read_code=1, device_id=1)
    await client.read_device_information(read_code=2, device_id=1)
    await client.report_device_id(device_id=1)
    await client.diag_query_data(b"\x12\x34", device_id=1)
    await client.diag_restart_communication(False, device_id=1)
    await client.read_holding_registers(95, count=20, device_id=1)  # beyond the datastore
    client.close()


def umas_start_plc() -> None:
    """FC 90 / UMAS 0x40 START_PLC, session key 0, as an engineering tool sends it."""
    with socket.create_connection((SERVER, 502), source_address=("127.0.1.3", 0), timeout=3) as sock:
        sock.sendall(bytes.fromhex("0007 0000 0004 01 5a 00 40"))
        with contextlib.suppress(TimeoutError):
            sock.recv(300)


async def listen_only() -> None:
    client = AsyncModbusTcpClient(SERVER, port=502, source_address=("127.0.1.4", 0), retries=0, timeout=1)
    await client.connect()
    with contextlib.suppress(Exception):
        await client.diag_force_listen_only(device_id=1)
    client.close()


async def scenario() -> None:
    server = ModbusTcpServer(context(), identity=identity(), address=(SERVER, 502))
    task = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0.5)
    await client_session()
    await asyncio.to_thread(umas_start_plc)
    await listen_only()
    await asyncio.sleep(0.3)
    await server.shutdown()
    task.cancel()


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", str(OUT), "host", SERVER])
    time.sleep(1.0)
    try:
        asyncio.run(scenario())
    finally:
        time.sleep(0.5)
        dump.terminate()
        dump.wait()


if __name__ == "__main__":
    main()
