"""Generate tests/data/captures/opcua-sessions-asyncua.pcap: many short sessions, real asyncua.

An OPC UA server (127.0.4.20:4840, security None, application "Plantwarden Session Server")
and short sessions (connect, read one value, disconnect), as HMIs and historians that
reconnect do:
  - three sessions from 127.0.4.21 as "Plantwarden HMI" (urn:plantwarden:test:hmi),
  - one session from 127.0.4.21 as "Plantwarden Historian" (urn:plantwarden:test:historian),
  - one session from 127.0.4.22 as "Plantwarden HMI".
Every CreateSession carries new nonces, session ids and timestamps; the application
descriptions and endpoints repeat. tests/fast/test_opcua_sessions.py checks that the fast
engine hands Python only the first of each identity and still equals the Python engine.

Regenerate (needs root for tcpdump), from the project root:
    .venv/bin/python tests/data/generate/opcua_sessions_asyncua.py
    python3 ../shared/tools/groundtruth.py tests/data/captures/opcua-sessions-asyncua.pcap \
        --out tests/data/captures/truth
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from asyncua import Client, Server

SERVER = "127.0.4.20"
URL = f"opc.tcp://{SERVER}:4840/plantwarden/"
OUT = Path(__file__).resolve().parent.parent / "captures" / "opcua-sessions-asyncua.pcap"
NS_URI = "urn:plantwarden:test"
SESSIONS = [
    ("127.0.4.21", "Plantwarden HMI", "urn:plantwarden:test:hmi"),
    ("127.0.4.21", "Plantwarden HMI", "urn:plantwarden:test:hmi"),
    ("127.0.4.21", "Plantwarden Historian", "urn:plantwarden:test:historian"),
    ("127.0.4.21", "Plantwarden HMI", "urn:plantwarden:test:hmi"),
    ("127.0.4.22", "Plantwarden HMI", "urn:plantwarden:test:hmi"),
]


def bind_client_address(holder: dict[str, str]) -> None:
    """Make every outgoing TCP connection of this process start from ``holder['address']``."""
    loop = asyncio.get_running_loop()
    original = loop.create_connection

    async def create_connection(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("local_addr", (holder["address"], 0))
        return await original(*args, **kwargs)

    loop.create_connection = create_connection  # type: ignore[method-assign]


async def make_server() -> Server:
    server = Server()
    await server.init()
    server.set_endpoint(URL)
    server.set_server_name("Plantwarden Session Server")
    await server.set_application_uri("urn:plantwarden:test:session-server")
    server.product_uri = "urn:plantwarden:test:product"
    idx = await server.register_namespace(NS_URI)
    line = await server.nodes.objects.add_object(idx, "Line1")
    await line.add_variable(idx, "Temperature", 21.5)
    return server


async def session(name: str, uri: str) -> None:
    client = Client(URL)
    client.name = name
    client.application_uri = uri
    async with client:
        idx = await client.get_namespace_index(NS_URI)
        line = await client.nodes.objects.get_child([f"{idx}:Line1"])
        temp = await line.get_child([f"{idx}:Temperature"])
        await temp.read_value()


async def run() -> None:
    holder = {"address": SESSIONS[0][0]}
    bind_client_address(holder)
    server = await make_server()
    async with server:
        for address, name, uri in SESSIONS:
            holder["address"] = address
            await session(name, uri)
            await asyncio.sleep(0.1)
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
