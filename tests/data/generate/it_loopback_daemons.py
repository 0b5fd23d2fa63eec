#!/usr/bin/env python3
"""Make tests/data/captures/it-daemons.pcap: SSH, SNMP, NTP, VNC and RDP from real daemons.

Servers on 127.0.5.1: OpenSSH sshd (the client is OpenSSH ssh, whose login fails after
the key exchange), net-snmp snmpd (queried with snmpget/snmpgetnext, v1 and v2c),
chronyd serving time (queried with ntplib and sntp), TigerVNC Xvnc (the viewer is
vncdotool), xrdp (the clients are impacket's rdp_check example, an X.224 connection request
without cookie, and FreeRDP's xfreerdp +auth-only, whose request carries the
``mstshash`` cookie). Needs root, tcpdump and the
Debian packages openssh-server openssh-client snmpd snmp chrony sntp
tigervnc-standalone-server xrdp freerdp2-x11. Regenerate with:

    sudo .venv/bin/python tests/data/generate/it_loopback_daemons.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "captures" / "it-daemons.pcap"
SRV = "127.0.5.1"
VENV_BIN = Path(sys.executable).parent


def run(
    *cmd: str, check: bool = False, timeout: float = 20, display: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DISPLAY": display} if display else None
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout, env=env)


def ssh_part(tmp: Path) -> subprocess.Popen[bytes]:
    key = tmp / "ssh_host_ed25519_key"
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key), check=True)
    os.makedirs("/run/sshd", exist_ok=True)
    sshd = subprocess.Popen(
        [
            "/usr/sbin/sshd",
            "-D",
            "-e",
            "-f",
            "/dev/null",
            "-h",
            str(key),
            "-o",
            f"ListenAddress={SRV}:22",
            "-o",
            "PasswordAuthentication=no",
        ],
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    run(
        "ssh",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-b",
        "127.0.5.2",
        "engineer@" + SRV,
        "true",
    )
    return sshd


def snmp_part(tmp: Path) -> subprocess.Popen[bytes]:
    conf = tmp / "snmpd.conf"
    conf.write_text(
        "rocommunity plantRO 127.0.0.0/8\n"
        "sysDescr PLC gateway PW-GW 3.1 (Linux)\n"
        "sysName pw-gw-01\nsysLocation Hall 2\nsysContact ot-team\n"
    )
    snmpd = subprocess.Popen(
        ["snmpd", "-f", "-Lo", "-C", "-c", str(conf), f"udp:{SRV}:161"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    oids = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0"]
    run("snmpget", "-v2c", "-c", "plantRO", SRV, *oids)
    run("snmpget", "-v1", "-c", "plantRO", SRV, "1.3.6.1.2.1.1.6.0")
    run("snmpgetnext", "-v2c", "-c", "plantRO", SRV, "1.3.6.1.2.1.1.4")
    run("snmpget", "-v2c", "-c", "wrong", "-t", "0.5", "-r", "0", SRV, "1.3.6.1.2.1.1.1.0")
    return snmpd


def ntp_part(tmp: Path) -> subprocess.Popen[bytes]:
    conf = tmp / "chrony.conf"
    conf.write_text(
        f"bindaddress {SRV}\nport 123\nallow 127.0.0.0/8\nlocal stratum 3\ncmdport 0\n"
        f"pidfile {tmp}/chronyd.pid\ndriftfile {tmp}/drift\n"
    )
    chronyd = subprocess.Popen(
        ["chronyd", "-d", "-x", "-f", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(1.5)
    import ntplib

    ntplib.NTPClient().request(SRV, version=4, timeout=3)
    run("sntp", "-t", "3", SRV)
    return chronyd


def vnc_part(tmp: Path) -> subprocess.Popen[bytes]:
    xvnc = subprocess.Popen(
        [
            "Xvnc",
            ":57",
            "-rfbport",
            "5901",
            "-interface",
            SRV,
            "-SecurityTypes",
            "None",
            "-geometry",
            "64x48",
            "-nolisten",
            "tcp",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.0)
    run(str(VENV_BIN / "vncdo"), "-s", f"{SRV}::5901", "capture", str(tmp / "screen.png"), timeout=20)
    return xvnc


def rdp_part(tmp: Path) -> subprocess.Popen[bytes]:
    ini = tmp / "xrdp.ini"
    text = Path("/etc/xrdp/xrdp.ini").read_text().replace("port=3389", f"port=tcp://{SRV}:3389", 1)
    ini.write_text(text)
    xrdp = subprocess.Popen(
        ["xrdp", "--nodaemon", "--config", str(ini)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(1.5)
    run(str(VENV_BIN / "python"), str(VENV_BIN / "rdp_check.py"), f"PLANT/engineer:wrong@{SRV}", timeout=30)
    run(
        "xfreerdp",
        f"/v:{SRV}:3389",
        "/u:engineer",
        "/d:PLANT",
        "/p:wrong",
        "/cert:ignore",
        "+auth-only",
        timeout=30,
        display=":57",
    )  # the Xvnc display of vnc_part
    return xrdp


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="pwit-"))
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", str(OUT), f"host {SRV}"])
    daemons: list[subprocess.Popen[bytes]] = []
    try:
        time.sleep(1.0)
        for part in (ssh_part, snmp_part, ntp_part, vnc_part, rdp_part):
            daemons.append(part(tmp))
        time.sleep(1.0)
    finally:
        for d in daemons:
            d.terminate()
            d.wait(5)
        dump.terminate()
        dump.wait()
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
