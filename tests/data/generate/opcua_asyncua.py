"""Generate tests/data/captures/opcua-asyncua.pcap with the real asyncua stack.

An OPC UA server (127.0.4.10:4840, application "Plantwarden Test Server", product URI
urn:plantwarden:test:product) with a few variables and a method, offering the endpoints
None and Basic256Sha256 SignAndEncrypt. Two clients connect from 127.0.4.11:
  1. security None, user name "operator": GetEndpoints, CreateSession, ActivateSession,
     Browse, Read, Write, Call, CreateSubscription + MonitoredItems + Publish, close.
  2. Basic256Sha256 SignAndEncrypt, anonymous: the same reads, all MSG bodies encrypted.
Certificates are generated into a temporary folder and thrown away.

Regenerate (needs root for tcpdump), from the project root:
    .venv/bin/python tests/data/generate/opcua_asyncua.py
    python3 ../shared/tools/groundtruth.py tests/data/captures/opcua-asyncua.pcap \
        --out tests/data/captures/truth
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from asyncua import Client, Server, ua, uamethod
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from asyncua.crypto.security_policies import SecurityPolicyBasic256Sha256
from cryptography.x509.oid import ExtendedKeyUsageOID

SERVER = "127.0.4.10"
CLIENT = "127.0.4.11"
URL = f"opc.tcp://{SERVER}:4840/plantwarden/"
OUT = Path(__file__).resolve().parent.parent / "captures" / "opcua-asyncua.pcap"
NS_URI = "urn:plantwarden:test"


@uamethod  # type: ignore[misc]
def start_pump(parent: Any, speed: float) -> bool:
    return speed > 0


def bind_client_address() -> None:
    """Make every outgoing TCP connection of this process start from CLIENT."""
    loop = asyncio.get_running_loop()
    original = loop.create_connection

    async def create_connection(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("local_addr", (CLIENT, 0))
        return await original(*args, **kwargs)

    loop.create_connection = create_connection  # type: ignore[method-assign]


async def certificate(folder: Path, name: str, uri: str, use: list[Any]) -> tuple[Path, Path]:
    key, cert = folder / f"{name}-key.pem", folder / f"{name}-cert.der"
    await setup_self_signed_certificate(key, cert, uri, SERVER, use, {"organizationName": "plantwarden"})
    return cert, key


async def make_server(folder: Path) -> Server:
    server = Server()
    await server.init()
    server.set_endpoint(URL)
    server.set_server_name("Plantwarden Test Server")
    await server.set_application_uri("urn:plantwarden:test:server")
    server.product_uri = "urn:plantwarden:test:product"
    server.set_security_policy(
        [ua.SecurityPolicyType.NoSecurity, ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt]
    )
    cert, key = await certificate(
        folder,
        "server",
        "urn:plantwarden:test:server",
        [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
    )
    await server.load_certificate(str(cert))
    await server.load_private_key(str(key))
    idx = await server.register_namespace(NS_URI)
    line = await server.nodes.objects.add_object(idx, "Line1")
    temp = await line.add_variable(idx, "Temperature", 21.5)
    speed = await line.add_variable(idx, "Speed", 1200)
    await temp.set_writable()
    await speed.set_writable()
    await line.add_method(idx, "StartPump", start_pump, [ua.VariantType.Double], [ua.VariantType.Boolean])
    return server


class Handler:
    def datachange_notification(self, node: Any, val: Any, data: Any) -> None:
        pass


async def exercise(client: Client, write: bool) -> None:
    idx = await client.get_namespace_index(NS_URI)
    objects = client.nodes.objects
    await objects.get_children()
    line = await objects.get_child([f"{idx}:Line1"])
    temp = await line.get_child([f"{idx}:Temperature"])
    await temp.read_value()
    if write:
        await temp.write_value(23.25)
        speed = await line.get_child([f"{idx}:Speed"])
        await speed.write_value(ua.Variant(1500, ua.VariantType.Int64))
        method = await line.get_child([f"{idx}:StartPump"])
        await line.call_method(method, 2.5)
        sub = await client.create_subscription(100, Handler())
        await sub.subscribe_data_change(temp)
        await asyncio.sleep(0.3)
        await temp.write_value(24.0)
        await asyncio.sleep(0.3)
        await sub.delete()


async def plain_client() -> None:
    client = Client(URL)
    client.name = "Plantwarden Test Client"
    client.application_uri = "urn:plantwarden:test:client"
    client.product_uri = "urn:plantwarden:test:client-product"
    client.set_user("operator")
    client.set_password("secret")
    await client.connect_and_get_server_endpoints()
    async with client:
        await exercise(client, write=True)


async def secure_client(folder: Path) -> None:
    client = Client(URL)
    client.application_uri = "urn:plantwarden:test:secure-client"
    cert, key = await certificate(folder, "client", client.application_uri, [ExtendedKeyUsageOID.CLIENT_AUTH])
    await client.set_security(
        SecurityPolicyBasic256Sha256, str(cert), str(key), mode=ua.MessageSecurityMode.SignAndEncrypt
    )
    async with client:
        await exercise(client, write=False)


async def run() -> None:
    bind_client_address()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = await make_server(folder)
        async with server:
            await plain_client()
            await secure_client(folder)
            await asyncio.sleep(0.2)


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "-w", str(OUT), f"host {SERVER} and tcp port 4840"],
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    try:
        asyncio.run(run())
    finally:
        time.sleep(0.5)
        dump.terminate()
        dump.wait()
    print("wrote", OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
