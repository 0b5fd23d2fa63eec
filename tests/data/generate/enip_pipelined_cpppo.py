"""Generate tests/data/captures/enip-pipelined-cpppo.pcap: pipelined Read/Write Tag, real cpppo.

Server: cpppo's Logix simulator (``python -m cpppo.server.enip``) on 127.0.3.11:44818.
One client connection from 127.0.3.12 per pipelining depth (cpppo's ``depth``: how many
requests it sends before it waits for a reply): depth 1 (one request in flight, as most
HMIs), 2 and 3 (as scanners and historians that pipeline), each with 40 Read Tag and Write
Tag requests sent as Unconnected Send in SendRRData; then a connection that reads a tag
and one that does not exist (the simulator answers with a non-zero encapsulation status).
tests/fast/test_cip.py reads its PDUs.

Regenerate (needs root for tcpdump), from the project root:
    .venv/bin/python tests/data/generate/enip_pipelined_cpppo.py
    python3 ../shared/tools/groundtruth.py tests/data/captures/enip-pipelined-cpppo.pcap \
        --out tests/data/captures/truth
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from cpppo.server.enip import client

SERVER = "127.0.3.11"
CLIENT = "127.0.3.12"
OUT = Path(__file__).resolve().parents[1] / "captures" / "enip-pipelined-cpppo.pcap"
TAGS = ["Temp=REAL[10]", "Count=DINT[50]", "Flag=INT[4]"]
OPERATIONS = [
    "Temp[0-9]", "Count[0-49]", "Flag[0-3]", "Count[5]=(DINT)42", "Temp[2]=(REAL)3.5",
    "Flag[1]=(INT)7", "Temp[4]", "Count[7-9]",
] * 5


def wait_port(proc: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        try:
            with socket.create_connection((SERVER, 44818), timeout=0.2):
                return
        except OSError:
            if proc.poll() is not None:
                sys.exit("cpppo server exited")
            time.sleep(0.1)
    sys.exit("cpppo server did not start")


def clients() -> None:
    for depth in (1, 2, 3):
        with client.connector(host=SERVER, source_address=CLIENT, timeout=3.0) as conn:
            failed, _ = conn.process(
                operations=client.parse_operations(OPERATIONS),
                depth=depth,
                multiple=0,
                fragment=False,
                printing=False,
                timeout=3.0,
            )
            print(f"depth {depth}: {failed} failed")
    with client.connector(host=SERVER, source_address=CLIENT, timeout=3.0) as conn:
        try:  # cpppo answers an unknown tag with a non-zero encapsulation status
            conn.process(operations=client.parse_operations(["Count[1]", "NOSUCHTAG"]), depth=2, timeout=3.0)
        except client.ENIPStatusError as err:
            print("NOSUCHTAG:", err)


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", str(OUT), f"host {SERVER}"], stderr=subprocess.PIPE
    )
    assert dump.stderr is not None
    dump.stderr.readline()  # "listening on lo ...": the capture is running
    server = subprocess.Popen(
        [sys.executable, "-m", "cpppo.server.enip", "--no-config", "-a", f"{SERVER}:44818", "--no-print",
         *TAGS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        wait_port(server)
        clients()
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
