"""Generate tests/data/captures/enip-cpppo.pcap: real EtherNet/IP + CIP traffic on loopback.

Server: cpppo's Logix simulator (``python -m cpppo.server.enip``) on 127.0.3.1:44818.
Clients (bound to 127.0.3.2): pycomm3's LogixDriver (RegisterSession, Forward Open,
Read/Write Tag, Multiple Service Packet, generic Get_Attribute_Single / Get_Attributes_All,
Forward Close, UnRegisterSession) and pycomm3's TCP ListIdentity.

Regenerate (needs root for tcpdump), from the project root:

    sudo .venv/bin/python tests/data/generate/enip_cpppo.py

then the truth: ``python3 ../shared/tools/groundtruth.py tests/data/captures/enip-cpppo.pcap
--out tests/data/captures/truth``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from cpppo.server.enip import client
from pycomm3 import CIPDriver, LogixDriver, Services
from pycomm3 import socket_ as pycomm3_socket

SERVER = "127.0.3.1"
CLIENT = "127.0.3.2"
OUT = Path(__file__).resolve().parents[1] / "captures" / "enip-cpppo.pcap"
TAGS = ["SCADA=INT[10]", "SPEED=REAL", "RUNNING=BOOL", "COUNTS=DINT[4]"]


class BoundSocket(pycomm3_socket.Socket):
    """pycomm3's socket, bound to our own loopback address before connecting."""

    def __init__(self, timeout: float = 5.0) -> None:
        super().__init__(timeout)
        self.sock.bind((CLIENT, 0))


def wait_port(proc: subprocess.Popen[bytes]) -> None:
    """Wait until the simulator accepts connections."""
    import socket

    for _ in range(100):
        try:
            with socket.create_connection((SERVER, 44818), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                sys.exit("cpppo server exited")
            time.sleep(0.1)
    sys.exit("cpppo server did not start")


def client_session() -> None:
    """The client side: everything a SCADA or engineering tool would do."""
    pycomm3_socket.Socket = BoundSocket  # type: ignore[misc]
    import pycomm3.cip_driver as cip_driver

    cip_driver.Socket = BoundSocket  # type: ignore[attr-defined]
    print(CIPDriver.list_identity(SERVER))
    with LogixDriver(SERVER, init_tags=False, init_program_tags=False) as plc:
        print(
            plc.generic_message(
                service=Services.get_attributes_all,
                class_code=0x01,
                instance=1,
                connected=False,
                name="identity",
            )
        )
        print(
            plc.generic_message(
                service=Services.get_attribute_single,
                class_code=0x01,
                instance=1,
                attribute=7,
                connected=True,
                name="product_name",
            )
        )
        print(
            plc.generic_message(
                service=Services.set_attribute_single,
                class_code=0x01,
                instance=1,
                attribute=7,
                request_data=b"\x03ABC",
                connected=True,
                name="set name",
            )
        )
    cpppo_tags()


def cpppo_tags() -> None:
    """cpppo's client: List* commands (TCP and UDP), tag reads/writes, single, multiple, fragmented."""
    ops = [
        "SCADA[0-3]",
        "SCADA[1]=(INT)42",
        "SPEED=(REAL)12.5",
        "SPEED",
        "RUNNING",
        "COUNTS[0-3]",
        "COUNTS[2]=(DINT)7",
    ]
    with client.connector(host=SERVER, source_address=CLIENT, timeout=3.0) as conn:
        for command in (conn.list_identity, conn.list_services, conn.list_interfaces):
            command(timeout=3.0)
            print(client.await_response(conn, timeout=3.0)[0] is not None)
        for multiple, fragment in ((0, False), (500, False), (0, True)):
            failed, _ = conn.process(
                operations=client.parse_operations(ops),
                depth=1,
                multiple=multiple,
                fragment=fragment,
                printing=True,
                timeout=3.0,
            )
            print("failed", failed)
    for failing in (["@1/1/7"], ["NOSUCHTAG"]):
        with client.connector(host=SERVER, source_address=CLIENT, timeout=3.0) as conn:
            try:  # cpppo answers these with a non-zero encapsulation status
                conn.process(operations=client.parse_operations(failing), timeout=3.0)
            except client.ENIPStatusError as err:
                print(failing, err)
    with client.connector(host=SERVER, source_address=CLIENT, udp=True, timeout=3.0) as conn:
        conn.list_identity(timeout=3.0)
        print(client.await_response(conn, timeout=3.0)[0] is not None)


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", str(OUT), f"host {SERVER}"], stderr=subprocess.PIPE
    )
    assert dump.stderr is not None
    dump.stderr.readline()  # "listening on lo ...": the capture is running
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cpppo.server.enip",
            "--no-config",
            "-a",
            f"{SERVER}:44818",
            "--no-print",
            *TAGS,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        wait_port(server)
        client_session()
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait()
        time.sleep(0.5)
        dump.send_signal(signal.SIGINT)
        dump.wait()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
