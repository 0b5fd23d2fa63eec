"""Incident roles: each does one scripted action against the plant's own addresses and exits."""

from __future__ import annotations

import contextlib
import socket
import struct
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gen.servers import WORK

SCAN_PORTS = (21, 22, 23, 80, 102, 135, 139, 443, 445, 502, 1911, 2222, 2404, 3389, 4840, 5900,
              8080, 9100, 20000, 44818, 47808, 5450, 1433, 161, 8443, 10001, 18245, 20547, 34962, 34964)


def _s7(target: str) -> Any:
    import snap7

    client = snap7.client.Client()
    client.connect(target, 0, 2, 102)
    return client


def _cpu_mode(client: Any) -> None:
    """SZL 0x0424 (CPU operating mode); python-snap7's server answers it with an error, that is fine."""
    with contextlib.suppress(Exception):
        client.read_szl(0x0424, 0)


def block_image(number: int, body: bytes) -> bytearray:
    """A data block as a PG stores it: the 36-byte MC7 block header ('pp', version 1, attribute,
    language 5 = DB, block type 0x0a = DB, number, total length, security, two 6-byte timestamps,
    SSB/ADD/local-data lengths, MC7 code length), then the code."""
    header = b"pp\x01\x01\x05\x0a" + struct.pack(">HI", number, 36 + len(body)) + bytes(4 + 6 + 6)
    return bytearray(header + struct.pack(">HHHH", 0, 0, 0, len(body)) + body)


def s7_download(ip: str, target: str, block: str) -> None:
    """Request Download / Download Block / Download Ended of one data block (python-snap7 client)."""
    client = _s7(target)
    try:
        _cpu_mode(client)
        client.download(block_image(int(block), bytes(range(256))), int(block))
    finally:
        client.disconnect()


def s7_stop(ip: str, target: str) -> None:
    """CPU state, PLC STOP (function 0x29), CPU state again (python-snap7 client)."""
    client = _s7(target)
    try:
        _cpu_mode(client)
        time.sleep(1)
        client.plc_stop()
        time.sleep(1)
        _cpu_mode(client)
    finally:
        client.disconnect()


def modbus_write(ip: str, target: str) -> None:
    """A laptop nobody declared writes setpoints and a coil on the packaging PLC (pymodbus)."""
    from pymodbus.client import ModbusTcpClient

    client = ModbusTcpClient(target, port=502, timeout=3)
    client.connect()  # type: ignore[no-untyped-call]
    try:
        client.read_holding_registers(0, count=10, device_id=1)
        client.write_register(10, 4242, device_id=1)
        client.write_registers(20, [100, 200, 300, 400], device_id=1)
        client.write_coil(5, True, device_id=1)
        client.read_holding_registers(0, count=30, device_id=1)
    finally:
        client.close()  # type: ignore[no-untyped-call]


def _probe(addr: tuple[str, int]) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(addr, timeout=0.5):
        return True
    return False


def scan(ip: str, *targets: str) -> None:
    """TCP connect scan of ``targets`` x SCAN_PORTS (kernel connect(), 8 in parallel)."""
    jobs = [(t, p) for t in targets for p in SCAN_PORTS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        open_ports = [job for job, up in zip(jobs, pool.map(_probe, jobs), strict=True) if up]
    print(f"scanned {len(jobs)} ports, open: {open_ports}", flush=True)


def ssh_session(ip: str, target: str) -> None:
    """An interactive-like OpenSSH session of the vendor into the engineering workstation."""
    script = "uname -a; id; ls -la /; sleep 4; cat /etc/os-release; sleep 4; ps ax | head -20; sleep 3"
    subprocess.run(["ssh", "-i", str(WORK / "vendor_key"), "-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", f"root@{target}", script],
                   check=True, timeout=60, stdout=subprocess.DEVNULL)
