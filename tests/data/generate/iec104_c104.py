"""Generate tests/data/captures/iec104-c104.pcap with the real c104 (lib60870) stack.

A c104 server on 127.0.2.2:2404 holds station 47 with monitoring points (single point,
double point, scaled and short-float measured values, bitstring) and control points
(single, double, regulating step, set-point commands). A c104 client connects
(STARTDT), runs a general interrogation, a counter interrogation, a clock
synchronisation, a test command, reads one point, sends each command and receives a
spontaneous value change. tcpdump captures only host 127.0.2.2.

Regenerate (needs root for tcpdump), from the project root:
    .venv/bin/python tests/data/generate/iec104_c104.py
then make the tshark truth:
    python3 ../shared/tools/groundtruth.py tests/data/captures/iec104-c104.pcap \
        --out tests/data/captures/truth
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import c104

ADDR = "127.0.2.2"
CA = 47
OUT = Path(__file__).resolve().parent.parent / "captures" / "iec104-c104.pcap"

Points = list[tuple[int, c104.Type, Any]]
MONITOR: Points = [
    (1001, c104.Type.M_SP_NA_1, True),
    (1002, c104.Type.M_DP_NA_1, c104.Double.ON),
    (1003, c104.Type.M_ME_NB_1, c104.Int16(-1234)),
    (1004, c104.Type.M_ME_NC_1, 21.5),
    (1005, c104.Type.M_BO_NA_1, c104.Byte32(0x0F0F0F0F)),
    (1006, c104.Type.M_SP_TB_1, False),
]
CONTROL: Points = [
    (2001, c104.Type.C_SC_NA_1, True),
    (2002, c104.Type.C_DC_NA_1, c104.Double.OFF),
    (2003, c104.Type.C_RC_NA_1, c104.Step.HIGHER),
    (2004, c104.Type.C_SE_NB_1, c104.Int16(300)),
    (2005, c104.Type.C_SE_NC_1, 42.25),
    (2006, c104.Type.C_SC_TA_1, False),
]


def build_server() -> c104.Server:
    server = c104.Server(ip=ADDR, port=2404)
    station = server.add_station(common_address=CA)
    assert station is not None
    for ioa, kind, value in MONITOR:
        point = station.add_point(io_address=ioa, type=kind)
        assert point is not None
        point.value = value
    for ioa, kind, _ in CONTROL:
        station.add_point(io_address=ioa, type=kind)
    return server


def exercise(server: c104.Server) -> None:
    client = c104.Client()
    connection = client.add_connection(ip=ADDR, port=2404, init=c104.Init.NONE)
    assert connection is not None
    station = connection.add_station(common_address=CA)
    assert station is not None
    for ioa, kind, _ in MONITOR:
        station.add_point(io_address=ioa, type=kind)
    commands = [(station.add_point(io_address=ioa, type=kind), value) for ioa, kind, value in CONTROL]
    client.start()
    wait_for(lambda: connection.state == c104.ConnectionState.OPEN)
    time.sleep(0.3)
    connection.interrogation(common_address=CA)
    connection.counter_interrogation(common_address=CA)
    connection.clock_sync(common_address=CA)
    connection.test(common_address=CA)
    station.get_point(1003).read()  # type: ignore[union-attr]
    for point, value in commands:
        assert point is not None
        point.value = value
        point.transmit(cause=c104.Cot.ACTIVATION)
    local = server.get_station(CA).get_point(1001)  # type: ignore[union-attr]
    local.value = False  # type: ignore[union-attr]
    local.transmit(cause=c104.Cot.SPONTANEOUS)  # type: ignore[union-attr]
    time.sleep(0.5)
    client.stop()


def wait_for(condition: object, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and not condition():  # type: ignore[operator]
        time.sleep(0.05)


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    command = ["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", str(OUT), f"host {ADDR} and tcp port 2404"]
    dump = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    server = build_server()
    server.start()
    try:
        wait_for(lambda: server.is_running)
        exercise(server)
        time.sleep(0.5)
    finally:
        server.stop()
        time.sleep(0.5)
        dump.terminate()
        dump.wait()
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
