"""Server roles: each runs one real protocol stack bound to its host's address, until killed."""

from __future__ import annotations

import asyncio
import math
import os
import socket
import sys
import threading
import time
from pathlib import Path

WORK = Path(os.environ.get("DAIRY_WORK", "/tmp/dairy-work"))


def modbus(ip: str, vendor: str, product: str, model: str) -> None:
    """pymodbus TCP server (port 502), unit 1, with a device identification (FC 43/14)."""
    from pymodbus import ModbusDeviceIdentification
    from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
    from pymodbus.server import StartTcpServer

    def block(values: list[int]) -> ModbusSequentialDataBlock:
        return ModbusSequentialDataBlock(1, values)  # type: ignore[no-untyped-call]

    dev = ModbusDeviceContext(di=block([0, 1] * 100), co=block([0] * 200),
                              hr=block([(i * 37) % 1000 for i in range(400)]), ir=block([215] * 200))
    ident = ModbusDeviceIdentification(  # type: ignore[no-untyped-call]
        info_name={"VendorName": vendor, "ProductCode": model,
                                                  "ProductName": product, "MajorMinorRevision": "3.10"})
    StartTcpServer(context=ModbusServerContext(devices={1: dev}, single=False),
                   identity=ident, address=(ip, 502))


def s7(ip: str) -> None:
    """python-snap7 S7comm server (ISO-TSAP, port 102) with data blocks 1, 2, 3, 5 and I/Q/M areas."""
    import snap7
    from snap7.type import SrvArea

    srv = snap7.server.Server(log=False)
    for db in (1, 2, 3, 5):
        srv.register_area(SrvArea.DB, db, bytearray(512))
    for area in (SrvArea.PE, SrvArea.PA, SrvArea.MK):
        srv.register_area(area, 0, bytearray(128))
    srv.start_to(ip, 102)
    while True:
        time.sleep(1)


def enip(ip: str) -> None:
    """cpppo's EtherNet/IP (CIP) Logix simulator on port 44818 with the filler's tags."""
    os.execv(sys.executable, [sys.executable, "-m", "cpppo.server.enip", "--address", f"{ip}:44818",
                              "--no-print", "FillSpeed=REAL[4]", "CartonCount=DINT[8]",
                              "ValveState=INT[16]", "Recipe=DINT[10]"])


async def _opcua(ip: str) -> None:
    from asyncua.server.server import Server

    server = Server()
    await server.init()
    server.set_endpoint(f"opc.tcp://{ip}:4840/")
    server.set_server_name("KEPServerEX/UA Server")
    idx = await server.register_namespace("urn:talblick:dairy")
    pasteuriser = await server.nodes.objects.add_object(idx, "Pasteuriser")
    names = ["HoldingTemp", "FlowRate", "DiversionValve", "BalanceTankLevel"]
    tags = [await pasteuriser.add_variable(idx, n, 0.0) for n in names]
    async with server:
        step = 0
        while True:
            for i, tag in enumerate(tags):
                await tag.write_value(round(72.5 + i * 3 + math.sin(step / 5 + i), 2))
            step += 1
            await asyncio.sleep(1)


def opcua(ip: str) -> None:
    """asyncua OPC UA server (port 4840) whose pasteuriser tags change every second."""
    asyncio.run(_opcua(ip))


async def _bacnet(ip: str, instance: int, name: str) -> None:
    from bacpypes3.app import Application  # type: ignore[import-untyped]
    from bacpypes3.argparse import SimpleArgumentParser  # type: ignore[import-untyped]
    from bacpypes3.local.analog import AnalogValueObject  # type: ignore[import-untyped]

    args = SimpleArgumentParser().parse_args(["--name", name, "--instance", str(instance),
                                              "--address", f"{ip}/16"])
    app = Application.from_args(args)
    temps = [AnalogValueObject(objectIdentifier=("analog-value", i), objectName=f"ColdStoreTemp{i}",
                               presentValue=3.5, statusFlags=[0, 0, 0, 0], units="degreesCelsius")
             for i in (1, 2)]
    for obj in temps:
        app.add_object(obj)
    step = 0
    while True:
        for i, obj in enumerate(temps):
            obj.presentValue = round(3.5 + 0.3 * math.sin(step / 7 + i), 2)
        step += 1
        await asyncio.sleep(2)


def bacnet(ip: str, instance: str, name: str) -> None:
    """bacpypes3 BACnet/IP device (UDP 47808) with two cold-store temperature objects."""
    asyncio.run(_bacnet(ip, int(instance), name))


def iec104(ip: str) -> None:
    """c104 IEC 60870-5-104 server (port 2404): station 1, measurements reported every 5 s."""
    import c104

    server = c104.Server(ip=ip, port=2404)
    station = server.add_station(common_address=1)
    assert station is not None
    points = [station.add_point(io_address=a, type=c104.Type.M_ME_NC_1, report_ms=5000) for a in (11, 12)]
    breaker = station.add_point(io_address=21, type=c104.Type.M_SP_NA_1)
    assert breaker is not None
    server.start()
    step = 0
    while True:
        for i, point in enumerate(points):
            if point is not None:
                point.value = round(10.4 + i + math.sin(step / 3), 3)
        if step % 9 == 8:  # a spontaneous status change every ~18 s
            breaker.value = not breaker.value
            breaker.transmit(cause=c104.Cot.SPONTANEOUS)
        step += 1
        time.sleep(2)


def _drain(conn: socket.socket, spool: Path) -> None:
    with conn, open(spool, "ab") as out:
        while data := conn.recv(65536):
            out.write(data)


def jetdirect(ip: str) -> None:
    """A raw JetDirect (port 9100) print port: accepts ZPL jobs and spools them."""
    spool = WORK / f"spool-{ip}.zpl"
    with socket.create_server((ip, 9100)) as srv:
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=_drain, args=(conn, spool), daemon=True).start()


def ipp(ip: str, printer: str) -> None:
    """The print server's IPP endpoint (port 631), forwarding jobs to ``printer``:9100."""
    from gen.ipp import serve

    serve(ip, printer)


def http_erp(ip: str) -> None:
    """The ERP's order interface: a stdlib HTTP server on port 80 (GET orders, POST confirmations)."""
    from gen.erp import serve

    serve(ip)
