"""Generate tests/data/captures/s7comm-snap7.pcap with the real python-snap7 stack.

A snap7 server (with DB1, M, I, Q areas) listens on 127.0.2.1:102; a snap7 client connects
(COTP CR/CC, setup communication), reads and writes DB1 and merker bytes, reads SZL
0x0011, 0x001C and 0x0424, gets the CPU state, lists blocks, uploads and downloads DB1,
reads and sets the clock, sets and clears the session password, compresses memory,
copies RAM to ROM, stops and restarts the PLC. tcpdump captures only host 127.0.2.1.

Regenerate (needs root for tcpdump), from the project root:
    .venv/bin/python tests/data/generate/s7comm_snap7.py
then make the tshark truth:
    python3 ../shared/tools/groundtruth.py tests/data/captures/s7comm-snap7.pcap \
        --out tests/data/captures/truth
"""

from __future__ import annotations

import contextlib
import datetime
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from snap7.client import Client
from snap7.server import Server
from snap7.type import Block, SrvArea

ADDR = "127.0.2.1"
OUT = Path(__file__).resolve().parent.parent / "captures" / "s7comm-snap7.pcap"


def start_server() -> Server:
    server = Server(log=False)
    server.register_area(SrvArea.DB, 1, bytearray(b"PLANTWARDEN-DB1!" + bytes(48)))
    server.register_area(SrvArea.MK, 0, bytearray(64))
    server.register_area(SrvArea.PE, 0, bytearray(b"\x01\x02\x03\x04" * 4))
    server.register_area(SrvArea.PA, 0, bytearray(16))
    server.start_to(ADDR, 102)
    return server


def attempt(step: Callable[[], object]) -> None:
    """Run one client step; the server may answer with an S7 error, which is captured too."""
    with contextlib.suppress(Exception):
        step()


def exercise(client: Client) -> None:
    client.connect(ADDR, 0, 2)
    attempt(lambda: client.db_read(1, 0, 16))
    attempt(lambda: client.db_write(1, 16, bytearray(b"\x00\x2a\x41\x20\x00\x00")))
    attempt(lambda: client.mb_write(4, 2, bytearray(b"\x12\x34")))
    attempt(lambda: client.ab_write(0, bytearray(b"\x01")))
    attempt(lambda: client.read_szl(0x0011, 0))
    attempt(lambda: client.read_szl(0x001C, 0))
    attempt(lambda: client.read_szl(0x0424, 0))
    attempt(client.get_cpu_state)
    attempt(client.list_blocks)
    attempt(lambda: client.list_blocks_of_type(Block.DB, 16))
    attempt(lambda: client.get_block_info(Block.DB, 1))
    attempt(lambda: client.upload(1))
    attempt(lambda: client.download(bytearray(64), 2))
    attempt(client.get_plc_datetime)
    attempt(lambda: client.set_plc_datetime(datetime.datetime(2024, 5, 17, 8, 30, 0)))
    attempt(lambda: client.set_session_password("secret"))
    attempt(client.clear_session_password)
    attempt(lambda: client.compress(1))
    attempt(client.copy_ram_to_rom)
    attempt(client.plc_stop)
    attempt(client.plc_hot_start)
    attempt(client.plc_cold_start)
    attempt(lambda: client.delete(Block.DB, 2))
    client.disconnect()


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    command = ["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", str(OUT), f"host {ADDR} and tcp port 102"]
    dump = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    server = start_server()
    try:
        time.sleep(0.3)
        exercise(Client())
        time.sleep(0.5)
    finally:
        server.stop()
        time.sleep(0.5)
        dump.terminate()
        dump.wait()
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
