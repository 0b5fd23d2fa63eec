"""Make tests/data/captures/detect-zones.pcap: remote access, SMB, zones, public addresses, ARP.

The lab of detect_lab.py, with the zones of tests/detect/detect_zones_site.yaml:

* control 10.77.1.0/24: ``plc`` 10.77.1.10 (pymodbus server, OpenSSH sshd);
* operations 10.77.2.0/24: ``hmi`` 10.77.2.10 polls the PLC every 0.5 s over the declared
  conduit and serves RDP (xrdp), VNC (TigerVNC Xvnc) and SMB (impacket);
* enterprise 10.77.9.0/24: ``it`` 10.77.9.10 (office workstation), ``fs`` 10.77.9.20 (file
  server: sshd, impacket SMB, HTTP);
* ``pub`` 198.51.100.7 (a public address, documentation range, inside the lab only);
* ``dual`` sends from 10.77.2.30 and 10.77.1.30 on one NIC; ``rtr`` is the declared router
  with a leg in each zone (10.77.2.1, 10.77.1.1).

Phases (markers ``pw-phase:NAME``): ``learn`` (what the baseline learns: polling, the HMI's SSH
maintenance of the PLC, office SSH/SMB1/SMB2, public HTTP to the file server, the router
``rtr`` sending from both legs), ``benign`` (the same again),
``remote`` (it: SSH to the PLC, RDP and VNC to the HMI), ``public`` (pub: SSH to the PLC),
``smb`` (it: SMB1 and SMB2 to the HMI), ``conduit`` (it: Modbus to the PLC), ``dual``,
``arp`` (it: ARP for 20 unused addresses), ``end``. Regenerate (root) with:

    .venv/bin/python tests/data/generate/detect_zones.py
    python3 tests/data/generate/truth.py tests/data/captures/detect-zones.pcap
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
OUT = HERE.parent / "captures" / "detect-zones.pcap"

PLC = Host("plc", ("10.77.1.10/24",))
HMI = Host("hmi", ("10.77.2.10/24",))
IT = Host("it", ("10.77.9.10/24",))
FS = Host("fs", ("10.77.9.20/24",))
PUB = Host("pub", ("198.51.100.7/24",))
DUAL = Host("dual", ("10.77.2.30/24", "10.77.1.30/24"))
RTR = Host("rtr", ("10.77.2.1/24", "10.77.1.1/24"))
HOSTS = [PLC, HMI, IT, FS, PUB, DUAL, RTR]
LEARN_S = 14.0


def servers(procs: list[subprocess.Popen[bytes]]) -> None:
    procs += [
        spawn(PLC, ROLES, "modbusd", PLC.ip, "PLC-1"),
        spawn(PLC, ROLES, "sshd", PLC.ip),
        spawn(HMI, ROLES, "xvnc", HMI.ip),
        spawn(HMI, ROLES, "xrdp", HMI.ip),
        spawn(HMI, ROLES, "smbd", HMI.ip),
        spawn(FS, ROLES, "sshd", FS.ip),
        spawn(FS, ROLES, "smbd", FS.ip),
        spawn(FS, ROLES, "httpd", FS.ip),
    ]
    for host, port in (
        (PLC, 502),
        (PLC, 22),
        (HMI, 5900),
        (HMI, 3389),
        (HMI, 445),
        (FS, 22),
        (FS, 445),
        (FS, 80),
    ):
        wait_port(host.ip, port, director())


def office_and_maintenance() -> None:
    run(HMI, ROLES, "ssh", PLC.ip)
    run(IT, ROLES, "ssh", FS.ip)
    run(IT, ROLES, "smb", FS.ip, "1")
    run(IT, ROLES, "smb", FS.ip, "2")
    run(PUB, ROLES, "http", FS.ip)
    run(RTR, ROLES, "udp_from", f"10.77.2.1>{HMI.ip}", f"10.77.1.1>{PLC.ip}")


def scenarios() -> None:
    mark("benign")
    office_and_maintenance()
    mark("remote")
    run(IT, ROLES, "ssh", PLC.ip)
    run(IT, ROLES, "rdp", HMI.ip)
    run(IT, ROLES, "vnc", HMI.ip)
    mark("public")
    run(PUB, ROLES, "ssh", PLC.ip)
    mark("smb")
    run(IT, ROLES, "smb", HMI.ip, "1")
    run(IT, ROLES, "smb", HMI.ip, "2")
    mark("conduit")
    run(IT, ROLES, "modbus", PLC.ip, "hr:0:10:1")
    mark("dual")
    run(DUAL, ROLES, "udp_from", f"10.77.2.30>{HMI.ip}", f"10.77.1.30>{PLC.ip}")
    mark("arp")
    run(IT, ROLES, "arpsweep", "10.77.9", "100", "119")
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
            procs.append(spawn(HMI, ROLES, "poll", PLC.ip, "0.5", "600"))
            office_and_maintenance()
            time.sleep(max(0.0, LEARN_S - (time.monotonic() - start)))
            scenarios()
        finally:
            stop(procs)
            stop_capture(dump)
    finally:
        teardown(HOSTS)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
