# mypy: disable-error-code="no-untyped-call"
"""Make tests/data/captures/detect-modbus.pcap (+ .labels.csv): polling, a rogue write, a scan.

Run from the project root as root (tcpdump needs it):

    .venv/bin/python tests/data/generate/detect_modbus.py

A real pymodbus server (127.0.7.1:502) is polled by an HMI (127.0.7.2) in a fixed cycle
(holding registers 0-9, coils 0-7, input registers 0-3, every 0.2 s) for 60 cycles. After
cycle 45 a host never seen before (127.0.7.3) writes holding register 5, then connects to 16
ports of the server and to port 502 of ten other addresses (a scan). The labels file marks
every frame to or from 127.0.7.3 as attack (1), everything else 0.
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

SERVER, HMI, ROGUE = "127.0.7.1", "127.0.7.2", "127.0.7.3"
OUT = Path(__file__).resolve().parents[1] / "captures" / "detect-modbus.pcap"
CYCLES, ATTACK_AT, PERIOD_S = 60, 45, 0.2


def context() -> ModbusServerContext:
    device = ModbusDeviceContext(
        di=ModbusSequentialDataBlock(1, [False] * 50),
        co=ModbusSequentialDataBlock(1, [True] * 50),
        hr=ModbusSequentialDataBlock(1, list(range(50))),
        ir=ModbusSequentialDataBlock(1, list(range(50))),
    )
    return ModbusServerContext(devices={1: device})


async def poll(attack: asyncio.Event) -> None:
    client = AsyncModbusTcpClient(SERVER, port=502, source_address=(HMI, 0), retries=0)
    await client.connect()
    for cycle in range(CYCLES):
        start = time.monotonic()
        await client.read_holding_registers(0, count=10, device_id=1)
        await client.read_coils(0, count=8, device_id=1)
        await client.read_input_registers(0, count=4, device_id=1)
        if cycle == ATTACK_AT:
            attack.set()
        await asyncio.sleep(max(0.0, PERIOD_S - (time.monotonic() - start)))
    client.close()


async def rogue(attack: asyncio.Event) -> None:
    await attack.wait()
    client = AsyncModbusTcpClient(SERVER, port=502, source_address=(ROGUE, 0), retries=0)
    await client.connect()
    await client.write_register(5, 999, device_id=1)
    client.close()
    await asyncio.to_thread(scan)


def scan() -> None:
    targets = [(SERVER, port) for port in range(20, 36)] + [(f"127.0.7.{h}", 502) for h in range(10, 20)]
    for host, port in targets:
        with contextlib.suppress(OSError), socket.create_connection((host, port), 1, (ROGUE, 0)):
            pass


async def scenario() -> None:
    server = ModbusTcpServer(context(), address=(SERVER, 502))
    task = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0.5)
    attack = asyncio.Event()
    await asyncio.gather(poll(attack), rogue(attack))
    await asyncio.sleep(0.3)
    await server.shutdown()
    task.cancel()


def write_labels() -> None:
    out = subprocess.run(
        ["tshark", "-r", str(OUT), "-T", "fields", "-e", "frame.number", "-e", "ip.src", "-e", "ip.dst"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = []
    for row in out.splitlines():
        number, *addrs = row.split("\t")
        lines.append(f"{number};{1 if ROGUE in addrs else 0}")
    OUT.with_name(OUT.name + ".labels.csv").write_text("\n".join(lines) + "\n")


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", str(OUT), "net", "127.0.7.0/24"])
    time.sleep(1.0)
    try:
        asyncio.run(scenario())
    finally:
        time.sleep(0.5)
        dump.terminate()
        dump.wait()
    write_labels()


if __name__ == "__main__":
    main()
