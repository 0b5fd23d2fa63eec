"""Make tests/data/captures/detect-ops.pcap: deviations from a learned polling cycle, commands,
sweeps, a malformed PDU and loss of view, on the lab of detect_lab.py (no site model needed).

Hosts: ``plc`` 10.77.1.10 (pymodbus server answering every unit id, with identity; snap7
S7 server; pyftpdlib FTP), ``plc2`` 10.77.1.11 (pymodbus), ``s7dev`` 10.77.1.12 (snap7),
``enipdev`` 10.77.1.13 (cpppo), ``bacdev`` 10.77.1.14 (bacpypes3 device 1401), ``hmi``
10.77.2.10 polls the PLC (holding registers 0-9, coils 0-7, unit 1, every 0.5 s), ``hmi2``
10.77.2.11 polls plc2 every 1 s until the end, ``ews`` 10.77.2.20 (engineering station),
``scan`` 10.77.9.66.

Phases (markers ``pw-phase:NAME``): ``learn``; ``benign`` (ews: one identity read of the PLC,
Modbus diagnostics "return query data", an FTP upload of a recipe); ``deviation`` (hmi: discrete
inputs, registers 100-109, unit 2); ``restart`` (ews: Modbus restart communications); ``firmware``
(ews: FTP upload of plc_fw_v2.4.bin); ``newproto`` (hmi: an S7 read of the PLC); ``units``
(scan: unit ids 1-12); ``identity`` (ews: Modbus device identification of plc and plc2, S7 SZL
of s7dev, ENIP ListIdentity of enipdev, BACnet Who-Is/ReadProperty of bacdev); ``malformed``
(scan: Modbus PDUs with a wrong MBAP length and an unknown function); ``stop`` (the HMI stops
polling; hmi2 goes on for 35 s); ``end``. Regenerate (root) with:

    .venv/bin/python tests/data/generate/detect_ops.py
    python3 tests/data/generate/truth.py tests/data/captures/detect-ops.pcap
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from detect_lab import (
    Host,
    capture,
    director,
    mark,
    run,
    setup,
    spawn,
    stop,
    stop_capture,
    teardown,
    wait_port,
)

HERE = Path(__file__).resolve().parent
ROLES = HERE / "detect_roles.py"
OUT = HERE.parent / "captures" / "detect-ops.pcap"

PLC = Host("plc", ("10.77.1.10/24",))
PLC2 = Host("plc2", ("10.77.1.11/24",))
S7DEV = Host("s7dev", ("10.77.1.12/24",))
ENIPDEV = Host("enipdev", ("10.77.1.13/24",))
BACDEV = Host("bacdev", ("10.77.1.14/24",))
HMI = Host("hmi", ("10.77.2.10/24",))
HMI2 = Host("hmi2", ("10.77.2.11/24",))
EWS = Host("ews", ("10.77.2.20/24",))
SCAN = Host("scan", ("10.77.9.66/24",))
HOSTS = [PLC, PLC2, S7DEV, ENIPDEV, BACDEV, HMI, HMI2, EWS, SCAN]
LEARN_S = 14.0
QUIET_S = 35.0  # after the HMI stops: more than polling-stopped's 30 s floor

# Function 0x29, which the Modbus Application Protocol v1.1b3 (section 5.1) does not define, then
# an MBAP length of 1 (Modbus Messaging on TCP/IP v1.0b 3.1.3: unit id only, no function code).
MALFORMED = ("0001000000020129", "00020000000101")


def servers(procs: list[subprocess.Popen[bytes]]) -> None:
    procs += [
        spawn(PLC, ROLES, "modbusd", PLC.ip, "PLC-1"),
        spawn(PLC, ROLES, "s7d"),
        spawn(PLC, ROLES, "ftpd", PLC.ip),
        spawn(PLC2, ROLES, "modbusd", PLC2.ip, "PLC-2"),
        spawn(S7DEV, ROLES, "s7d"),
        spawn(ENIPDEV, ROLES, "enipd", ENIPDEV.ip),
        spawn(BACDEV, ROLES, "bacnetd", BACDEV.ip),
    ]
    for host, port in ((PLC, 502), (PLC, 102), (PLC, 21), (PLC2, 502), (S7DEV, 102), (ENIPDEV, 44818)):
        wait_port(host.ip, port, director())
    time.sleep(1.0)  # the BACnet device binds its UDP port


def scenarios(hmi_poll: subprocess.Popen[bytes]) -> None:
    mark("benign")
    run(EWS, ROLES, "modbus", PLC.ip, "ident", "diag:0")
    run(EWS, ROLES, "ftp_put", PLC.ip, "recipe_batch7.csv")
    mark("deviation")
    run(HMI, ROLES, "modbus", PLC.ip, "di", "hr:100:10:1", "hr:0:10:2")
    mark("restart")
    run(EWS, ROLES, "modbus", PLC.ip, "diag:1")
    mark("firmware")
    run(EWS, ROLES, "ftp_put", PLC.ip, "plc_fw_v2.4.bin")
    mark("newproto")
    run(HMI, ROLES, "s7", PLC.ip, "db")
    mark("units")
    run(SCAN, ROLES, "modbus", PLC.ip, "units:1:12")
    mark("identity")
    run(EWS, ROLES, "modbus", PLC.ip, "ident")
    run(EWS, ROLES, "modbus", PLC2.ip, "ident")
    run(EWS, ROLES, "s7", S7DEV.ip, "szl")
    run(EWS, ROLES, "enip", ENIPDEV.ip)
    run(EWS, ROLES, "bacnet", EWS.ip, BACDEV.ip)
    mark("malformed")
    run(SCAN, ROLES, "raw", PLC.ip, "502", *MALFORMED)
    mark("stop")
    stop([hmi_poll])
    time.sleep(QUIET_S)
    mark("end")


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    setup(HOSTS)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        dump = capture(OUT)
        try:
            servers(procs)
            mark("learn")
            start = time.monotonic()
            hmi_poll = spawn(HMI, ROLES, "poll", PLC.ip, "0.5", "600")
            procs += [hmi_poll, spawn(HMI2, ROLES, "poll", PLC2.ip, "1.0", "600")]
            time.sleep(max(0.0, LEARN_S - (time.monotonic() - start)))
            scenarios(hmi_poll)
            time.sleep(1.0)
        finally:
            stop(procs)
            stop_capture(dump)
    finally:
        teardown(HOSTS)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
