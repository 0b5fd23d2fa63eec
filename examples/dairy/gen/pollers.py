"""Client roles of normal operation: each polls its servers on a fixed period until SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

from gen.erp import exchange
from gen.servers import WORK

TICK = Callable[[int], None]


def every(period: float, tick: TICK) -> None:
    """Call ``tick(step)`` every ``period`` seconds (drift-free); a failed tick is logged, not fatal."""
    start = time.monotonic()
    step = 0
    while True:
        try:
            tick(step)
        except Exception as exc:  # a poller outlives one failed poll, like a real SCADA
            print(f"poll {step}: {type(exc).__name__}: {exc}", flush=True)
        step += 1
        time.sleep(max(0.0, start + step * period - time.monotonic()))


@contextlib.contextmanager
def _s7_clients(targets: list[str]) -> Iterator[dict[str, Any]]:
    import snap7

    clients = {t: snap7.client.Client() for t in targets}
    try:
        yield clients
    finally:
        for client in clients.values():
            with contextlib.suppress(Exception):
                client.disconnect()


def s7(ip: str, period: str, *targets: str) -> None:
    """S7comm reads (order code at connect, DB1, DB2, CPU mode every 10th poll), python-snap7 client."""
    with _s7_clients(list(targets)) as clients:
        def tick(step: int) -> None:
            for target, client in clients.items():
                if not client.get_connected():
                    client.connect(target, 0, 2, 102)
                    client.get_order_code()
                client.db_read(1, 0, 32)
                client.db_read(2, 0, 16)
                if step % 10 == 0:
                    client.read_szl(0x0424, 0)  # SZL 0x0424: CPU operating mode
        every(float(period), tick)


def modbus(ip: str, period: str, *targets: str) -> None:
    """Modbus/TCP reads (holding registers, coils, input registers) with pymodbus' client."""
    from pymodbus.client import ModbusTcpClient

    clients = {t: ModbusTcpClient(t, port=502, timeout=3) for t in targets}

    def tick(step: int) -> None:
        for client in clients.values():
            if not client.connected:
                client.connect()  # type: ignore[no-untyped-call]
                client.read_device_information(device_id=1)
            client.read_holding_registers(0, count=10, device_id=1)
            if step % 2 == 0:
                client.read_coils(0, count=16, device_id=1)
                client.read_input_registers(0, count=4, device_id=1)
    try:
        every(float(period), tick)
    finally:
        for client in clients.values():
            client.close()  # type: ignore[no-untyped-call]


def enip(ip: str, period: str, *targets: str) -> None:
    """EtherNet/IP tag reads (CIP Read Tag Fragmented) with cpppo's client connector."""
    from cpppo.server.enip import client as enip_client  # type: ignore[import-untyped]

    conns: dict[str, Any] = {}

    def tick(step: int) -> None:
        for target in targets:
            if target not in conns:
                conns[target] = enip_client.connector(host=target, port=44818, timeout=3)
            ops = enip_client.parse_operations(["FillSpeed[0-3]", "CartonCount[0-7]", "ValveState[0-3]"])
            with conns[target]:
                for _ in conns[target].pipeline(operations=ops, depth=2):
                    pass
    try:
        every(float(period), tick)
    finally:
        for conn in conns.values():
            conn.close()


async def _opcua(server: str, period: float, subscribe: bool) -> None:
    from asyncua.client.client import Client

    async with Client(url=f"opc.tcp://{server}:4840/", timeout=5) as client:
        idx = await client.get_namespace_index("urn:talblick:dairy")
        obj = await client.nodes.objects.get_child([f"{idx}:Pasteuriser"])
        tags = await obj.get_children()
        if subscribe:
            sub = await client.create_subscription(period * 1000, None)
            await sub.subscribe_data_change(tags)
            while True:
                await asyncio.sleep(60)
        while True:
            await client.read_values(tags)
            await asyncio.sleep(period)


def opcua(ip: str, period: str, server: str, mode: str) -> None:
    """asyncua client: ``read`` polls the pasteuriser tags, ``subscribe`` makes a subscription."""
    asyncio.run(_opcua(server, float(period), mode == "subscribe"))


async def _bacnet(ip: str, period: float, targets: list[str]) -> None:
    from bacpypes3.app import Application  # type: ignore[import-untyped]
    from bacpypes3.argparse import SimpleArgumentParser  # type: ignore[import-untyped]
    from bacpypes3.pdu import Address  # type: ignore[import-untyped]

    args = SimpleArgumentParser().parse_args(["--name", "novaPro", "--instance", "600010",
                                              "--address", f"{ip}/16"])
    app = Application.from_args(args)
    await app.who_is()
    await asyncio.sleep(2)
    while True:
        for target in targets:
            for obj in ("analog-value,1", "analog-value,2"):
                await app.read_property(Address(target), obj, "present-value")
        await asyncio.sleep(period)


def bacnet(ip: str, period: str, *targets: str) -> None:
    """bacpypes3 client: Who-Is once, then ReadProperty of the cold-store temperatures."""
    asyncio.run(_bacnet(ip, float(period), list(targets)))


def iec104(ip: str, period: str, target: str) -> None:
    """c104 client: STARTDT, general interrogation every ``period`` s, spontaneous data in between."""
    import c104

    client = c104.Client()
    conn = client.add_connection(ip=target, port=2404, init=c104.Init.ALL)
    assert conn is not None
    conn.add_station(common_address=1)
    client.start()

    def tick(step: int) -> None:
        if conn.is_muted:  # STARTDT act (c104 leaves some connections muted after connecting)
            conn.unmute()
        conn.interrogation(common_address=1)
    try:
        for _ in range(50):
            if conn.is_connected:
                break
            time.sleep(0.1)
        every(float(period), tick)
    finally:
        client.stop()


def _lookup(name: str) -> None:
    socket.getaddrinfo(name, None, socket.AF_INET, socket.SOCK_STREAM)


def mes(ip: str, period: str) -> None:
    """MES: a case label every period (IPP Print-Job via ipptool), the ERP order exchange every 3rd."""
    label = WORK / "label.zpl"

    def tick(step: int) -> None:
        if step % 3 == 0:
            _lookup("erp-01.talblick.local")
            exchange("erp-01.talblick.local", step)
        _lookup("prt-srv-01.talblick.local")
        subprocess.run(["ipptool", "-q", "-L", "-f", str(label), "ipp://prt-srv-01.talblick.local:631/ipp/print",
                        "print-job.test"], check=False, timeout=30)
    every(float(period), tick)


def office(ip: str, period: str) -> None:
    """QA workstation: DHCP exchange at boot (busybox udhcpc), then name lookups and ERP queries."""
    subprocess.run(["busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "3", "-s", "/bin/true"],
                   check=False, timeout=30)

    def tick(step: int) -> None:
        for name in ("fs-01.talblick.local", "erp-01.talblick.local", "hist-mirror.talblick.local"):
            _lookup(name)
        exchange("erp-01.talblick.local", step)
    every(float(period), tick)
