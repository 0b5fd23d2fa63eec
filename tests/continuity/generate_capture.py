"""Make tests/data/captures/continuity-zones.pcap: real pymodbus and asyncua stacks on loopback.

Run from the project root as root (tcpdump needs it):

    .venv/bin/python tests/continuity/generate_capture.py

Hosts (zones of tests/continuity/data/zones.yaml, each a /30 in 127.0.6.0/24):
operations .5 (SCADA client) and .6 (Modbus server on 5020); control .9 (Modbus server, 502) and
.10 (OPC UA server, 4840); safety .13 (Modbus server, 502); enterprise .17 (office PC).

Flows: .5->.9 modbus, .5->.13 modbus, .17->.6 modbus/5020, .6->.9 modbus (allowed by conduits);
.5->.10 opcua, .17->.9 modbus, .9->.6 modbus/5020 (violations); .9->.10 opcua, .5->.6 modbus/5020
(inside one zone).
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path
from typing import Any

from asyncua import Client, Server
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.server import ModbusTcpServer

OUT = Path(__file__).resolve().parents[1] / "data" / "captures" / "continuity-zones.pcap"
NET = "127.0.6"


def context() -> ModbusServerContext:
    device = ModbusDeviceContext(hr=ModbusSequentialDataBlock(1, [100 + i for i in range(20)]))
    return ModbusServerContext(devices={1: device})


async def modbus_read(client_ip: str, server_ip: str, port: int) -> None:
    client = AsyncModbusTcpClient(server_ip, port=port, source_address=(client_ip, 0), retries=0)
    await client.connect()
    await client.read_holding_registers(1, count=4, device_id=1)
    client.close()


async def opcua_read(client_ip: str) -> None:
    loop = asyncio.get_running_loop()
    original = loop.create_connection

    async def create_connection(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("local_addr", (client_ip, 0))
        return await original(*args, **kwargs)

    loop.create_connection = create_connection  # type: ignore[method-assign]
    try:
        async with Client(f"opc.tcp://{NET}.10:4840/pw/") as client:
            await client.nodes.server_state.read_value()
    finally:
        loop.create_connection = original  # type: ignore[method-assign]


async def scenario() -> None:
    servers = [
        ModbusTcpServer(context(), address=(f"{NET}.{h}", p)) for h, p in ((9, 502), (13, 502), (6, 5020))
    ]
    tasks = [asyncio.create_task(s.serve_forever()) for s in servers]
    opcua = Server()
    await opcua.init()
    opcua.set_endpoint(f"opc.tcp://{NET}.10:4840/pw/")
    async with opcua:
        await asyncio.sleep(0.5)
        for client, server, port in ((5, 9, 502), (5, 13, 502), (17, 6, 5020), (6, 9, 502)):
            await modbus_read(f"{NET}.{client}", f"{NET}.{server}", port)
        await opcua_read(f"{NET}.5")
        await modbus_read(f"{NET}.17", f"{NET}.9", 502)
        await modbus_read(f"{NET}.9", f"{NET}.6", 5020)
        await opcua_read(f"{NET}.9")
        await modbus_read(f"{NET}.5", f"{NET}.6", 5020)
        await asyncio.sleep(0.3)
    for s in servers:
        await s.shutdown()
    for t in tasks:
        t.cancel()


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", str(OUT), "net", f"{NET}.0/24"])
    time.sleep(1.0)
    try:
        asyncio.run(scenario())
    finally:
        time.sleep(0.5)
        dump.terminate()
        dump.wait()


if __name__ == "__main__":
    main()
