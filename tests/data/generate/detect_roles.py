# mypy: disable-error-code="no-untyped-call,import-untyped"
"""What the lab hosts of the detection scenarios run, each in its own namespace (detect_lab.py).

``python detect_roles.py ROLE ARGS...``: servers run until terminated, clients do their
exchange and exit; errors of a client (a refused login, a timeout) are part of the scenario.
Every stack is the real one: OpenSSH, xrdp + FreeRDP / impacket, TigerVNC + vncdotool,
impacket SMB, pymodbus, python-snap7, cpppo + pycomm3, bacpypes3, pyftpdlib + ftplib.
"""

from __future__ import annotations

import asyncio
import contextlib
import ftplib
import io
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
XDISPLAY = ":77"


def quietly(step: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):
        step()


def serve_forever() -> None:
    while True:
        time.sleep(3600)


# -- remote access -----------------------------------------------------------------------------
def sshd(addr: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pwdet-ssh-"))
    key = tmp / "ssh_host_ed25519_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    os.makedirs("/run/sshd", exist_ok=True)
    args = ["-D", "-e", "-f", "/dev/null", "-h", str(key), "-o", f"ListenAddress={addr}:22"]
    args += ["-o", "PasswordAuthentication=no", "-o", "PidFile=none"]
    os.execv("/usr/sbin/sshd", ["/usr/sbin/sshd", *args])


def ssh(target: str) -> None:
    opts = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
    subprocess.run(["ssh", *opts, "-o", "ConnectTimeout=5", f"engineer@{target}", "true"], timeout=20)


def xvnc(addr: str) -> None:
    args = [XDISPLAY, "-rfbport", "5900", "-interface", addr, "-SecurityTypes", "None"]
    args += ["-geometry", "64x48", "-nolisten", "tcp"]
    os.execvp("Xvnc", ["Xvnc", *args])


def vnc(target: str) -> None:
    shot = Path(tempfile.mkdtemp(prefix="pwdet-vnc-")) / "screen.png"
    subprocess.run([str(VENV_BIN / "vncdo"), "-s", f"{target}::5900", "capture", str(shot)], timeout=20)


def xrdp(addr: str) -> None:
    ini = Path(tempfile.mkdtemp(prefix="pwdet-xrdp-")) / "xrdp.ini"
    text = Path("/etc/xrdp/xrdp.ini").read_text().replace("port=3389", f"port=tcp://{addr}:3389", 1)
    ini.write_text(text)
    os.execvp("xrdp", ["xrdp", "--nodaemon", "--config", str(ini)])


def rdp(target: str) -> None:
    env = {**os.environ, "DISPLAY": XDISPLAY}  # the Xvnc display of the HMI (a file socket)
    cmd = ["xfreerdp", f"/v:{target}:3389", "/u:engineer", "/d:PLANT", "/p:wrong", "/cert:ignore"]
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run([*cmd, "+auth-only"], env=env, timeout=20, capture_output=True)


# -- SMB, HTTP -----------------------------------------------------------------------------------
def smbd(addr: str) -> None:
    from impacket import smbserver

    share = tempfile.mkdtemp(prefix="pwdet-smb-")
    Path(share, "recipe.csv").write_text("step;temp\n1;72\n")
    server = smbserver.SimpleSMBServer(listenAddress=addr, listenPort=445)
    server.addShare("PLANT", share, "plant share")
    server.setSMB2Support(True)
    server.start()


def smb(target: str, dialect: str) -> None:
    from impacket.smb import SMB_DIALECT
    from impacket.smb3structs import SMB2_DIALECT_002
    from impacket.smbconnection import SMBConnection

    preferred = SMB_DIALECT if dialect == "1" else SMB2_DIALECT_002
    conn = SMBConnection(target, target, sess_port=445, preferredDialect=preferred, timeout=5)
    quietly(lambda: conn.login("", ""))
    quietly(conn.listShares)
    quietly(lambda: conn.listPath("PLANT", "*"))
    quietly(conn.logoff)


def httpd(addr: str) -> None:
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    os.chdir(tempfile.mkdtemp(prefix="pwdet-www-"))
    Path("index.html").write_text("<p>plant intranet</p>\n")
    HTTPServer((addr, 80), SimpleHTTPRequestHandler).serve_forever()


def http(target: str) -> None:
    import urllib.request

    with urllib.request.urlopen(f"http://{target}/", timeout=5) as reply:
        reply.read()


# -- layer 2 / 3 -------------------------------------------------------------------------------
def arpsweep(prefix: str, first: str, last: str) -> None:
    """One datagram to each address: the kernel asks ARP for every one (RFC 826)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for host in range(int(first), int(last) + 1):
            s.sendto(b"?", (f"{prefix}.{host}", 9))
            time.sleep(0.02)
    time.sleep(3.5)  # the kernel's retries


def udp_from(*pairs: str) -> None:
    """``SRC>DST`` ...: one datagram from each bound source address."""
    for pair in pairs:
        src, dst = pair.split(">")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((src, 0))
            s.sendto(b"hello", (dst, 9))
        time.sleep(0.2)


# -- Modbus --------------------------------------------------------------------------------------
def modbusd(addr: str, name: str) -> None:
    from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
    from pymodbus.pdu.device import ModbusDeviceIdentification
    from pymodbus.server import ModbusTcpServer

    device = ModbusDeviceContext(
        di=ModbusSequentialDataBlock(1, [False] * 200),
        co=ModbusSequentialDataBlock(1, [True] * 200),
        hr=ModbusSequentialDataBlock(1, list(range(200))),
        ir=ModbusSequentialDataBlock(1, list(range(200))),
    )
    ident = ModbusDeviceIdentification(
        info_name={"VendorName": "Plantwarden Lab", "ProductCode": name, "MajorMinorRevision": "2.4.1"}
    )
    context = ModbusServerContext(devices=device, single=True)

    async def main() -> None:
        await ModbusTcpServer(context, identity=ident, address=(addr, 502)).serve_forever()

    asyncio.run(main())


async def _client(target: str) -> object:
    from pymodbus.client import AsyncModbusTcpClient

    client = AsyncModbusTcpClient(target, port=502, retries=0, timeout=1)
    await client.connect()
    return client


def poll(target: str, period_s: str, duration_s: str) -> None:
    """An HMI's fixed cycle: holding registers 0-9 and coils 0-7 of unit 1 every period."""

    async def cycle() -> None:
        client = await _client(target)
        end = time.monotonic() + float(duration_s)
        while time.monotonic() < end:
            start = time.monotonic()
            await client.read_holding_registers(0, count=10, device_id=1)  # type: ignore[attr-defined]
            await client.read_coils(0, count=8, device_id=1)  # type: ignore[attr-defined]
            await asyncio.sleep(max(0.0, float(period_s) - (time.monotonic() - start)))
        client.close()  # type: ignore[attr-defined]

    asyncio.run(cycle())


def modbus(target: str, *steps: str) -> None:
    """Requests by name: ``hr:ADDR:COUNT:UNIT``, ``di``, ``ident``, ``diag:SUB``, ``units:FIRST:LAST``."""

    async def session() -> None:
        client: object = await _client(target)
        for step in steps:
            kind, *args = step.split(":")
            with contextlib.suppress(Exception):
                await _step(client, kind, [int(a) for a in args])
        client.close()  # type: ignore[attr-defined]

    asyncio.run(session())


async def _step(client: object, kind: str, args: list[int]) -> None:
    c: object = client
    if kind == "hr":
        await c.read_holding_registers(args[0], count=args[1], device_id=args[2])  # type: ignore[attr-defined]
    elif kind == "di":
        await c.read_discrete_inputs(0, count=8, device_id=1)  # type: ignore[attr-defined]
    elif kind == "ident":
        await c.read_device_information(read_code=1, object_id=0, device_id=1)  # type: ignore[attr-defined]
    elif kind == "diag" and args[0] == 1:
        await c.diag_restart_communication(False, device_id=1)  # type: ignore[attr-defined]
    elif kind == "diag":
        await c.diag_query_data(b"\x12\x34", device_id=1)  # type: ignore[attr-defined]
    elif kind == "units":
        for unit in range(args[0], args[1] + 1):
            await c.read_holding_registers(0, count=1, device_id=unit)  # type: ignore[attr-defined]


def raw(target: str, port: str, *hexes: str) -> None:
    """Bytes a fuzzer or exploit tool sends (each hex string one write), answers read and dropped."""
    with socket.create_connection((target, int(port)), 5) as s:
        s.settimeout(1.0)
        for h in hexes:
            s.sendall(bytes.fromhex(h))
            with contextlib.suppress(OSError):
                s.recv(1024)
            time.sleep(0.2)


# -- S7, EtherNet/IP, BACnet, FTP -----------------------------------------------------------------
def s7d() -> None:
    from snap7.server import Server
    from snap7.type import SrvArea

    server = Server(log=False)
    server.register_area(SrvArea.DB, 1, bytearray(b"PLANTWARDEN-DB1!" + bytes(48)))
    server.start(tcp_port=102)
    serve_forever()


def s7(target: str, what: str) -> None:
    from snap7.client import Client

    client = Client()
    client.connect(target, 0, 2)
    if what == "szl":
        quietly(lambda: client.read_szl(0x0011, 0))
        quietly(lambda: client.read_szl(0x001C, 0))
    else:
        quietly(lambda: client.db_read(1, 0, 16))
    client.disconnect()


def enipd(addr: str) -> None:
    args = ["-m", "cpppo.server.enip", "--no-config", "-a", f"{addr}:44818", "--no-print", "SPEED=REAL"]
    os.execv(sys.executable, [sys.executable, *args])


def enip(target: str) -> None:
    from pycomm3 import CIPDriver

    print(CIPDriver.list_identity(target))


def bacnetd(addr: str) -> None:
    from bacpypes3.app import Application
    from bacpypes3.argparse import SimpleArgumentParser

    async def main() -> None:
        args = SimpleArgumentParser().parse_args(
            ["--address", f"{addr}/24", "--instance", "1401", "--name", "AHU-14"]
        )
        app = Application.from_args(args)
        app.device_object.modelName = "AHU Controller 3000"
        app.device_object.vendorName = "Plantwarden Lab"
        await asyncio.Future()

    asyncio.run(main())


def bacnet(addr: str, target: str) -> None:
    from bacpypes3.app import Application
    from bacpypes3.argparse import SimpleArgumentParser
    from bacpypes3.pdu import Address

    async def main() -> None:
        args = SimpleArgumentParser().parse_args(
            ["--address", f"{addr}/24", "--instance", "999", "--name", "EWS"]
        )
        app = Application.from_args(args)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(app.who_is(1401, 1401, Address(target)), 3)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(app.read_property(Address(target), "device,1401", "model-name"), 3)
        app.close()

    asyncio.run(main())


def ftpd(addr: str) -> None:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer

    auth = DummyAuthorizer()
    auth.add_user("engineer", "plant", tempfile.mkdtemp(prefix="pwdet-ftp-"), perm="elradfmw")
    FTPHandler.authorizer = auth
    FTPHandler.banner = "PLC-1 FTP ready"
    FTPServer((addr, 21), FTPHandler).serve_forever()


def ftp_put(target: str, filename: str) -> None:
    with ftplib.FTP(target, "engineer", "plant", timeout=5) as conn:
        conn.storbinary(f"STOR {filename}", io.BytesIO(bytes(range(256)) * 8))


ROLES: dict[str, Callable[..., None]] = {
    f.__name__: f
    for f in (
        sshd,
        ssh,
        xvnc,
        vnc,
        xrdp,
        rdp,
        smbd,
        smb,
        httpd,
        http,
        arpsweep,
        udp_from,
        modbusd,
        poll,
        modbus,
        raw,
        s7d,
        s7,
        enipd,
        enip,
        bacnetd,
        bacnet,
        ftpd,
        ftp_put,
    )
}


def main() -> None:
    threading.excepthook = lambda args: None
    ROLES[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
