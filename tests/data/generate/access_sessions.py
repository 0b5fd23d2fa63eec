#!/usr/bin/env python3
"""Make tests/data/captures/access-sessions.pcap and access-sessions.site.yaml: vendor remote
sessions from real stacks, and the grants they are held against.

Two network namespaces (pwaccS, pwaccC) joined by a veth pair. In pwaccS: OpenSSH sshd on the
engineering PCs' addresses, TigerVNC Xvnc on the HMI, a python-snap7 server on the PLC. In
pwaccC: the vendor's remote-access gateway (10.24.1.10, the first address, so every client
there speaks from it) and a laptop that bypasses it (10.24.0.66). One session per scenario:

=========  ==================================  =====================================
scenario   session                             grant (written to the site file)
=========  ==================================  =====================================
inside     gw -> eng-pc-1 ssh (login, sleep)   eng-pc-1 ssh, window around it
vnc        gw -> hmi-1 VNC (vncdotool)          hmi-1 vnc view, window around it
before     gw -> eng-pc-2 ssh                  eng-pc-2 ssh, starts an hour later
after      gw -> eng-pc-3 ssh                  eng-pc-3 ssh, ended an hour before
open       gw -> eng-pc-4 ssh (4 s)            eng-pc-4 ssh, ends 2 s into it
asset      gw -> eng-pc-5 ssh                  none for eng-pc-5 (the gateway's other grants)
download   gw -> plc-1 S7 block download       plc-1 s7comm view-only, window around it
bypass     laptop -> eng-pc-1 ssh              eng-pc-1 ssh (from the gateway only)
=========  ==================================  =====================================

The site file (UTC times) and the scenarios' start times (access-sessions.json) are written
after the capture. Needs root, iproute2, tcpdump, the Debian packages openssh-server,
openssh-client, tigervnc-standalone-server, and python-snap7 and vncdotool in the venv.
Regenerate with:

    sudo .venv/bin/python tests/data/generate/access_sessions.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "captures"
OUT = DATA / "access-sessions.pcap"
SITE = DATA / "access-sessions.site.yaml"
TRUTH = DATA / "access-sessions.json"
S, C = "pwaccS", "pwaccC"
GW, LAPTOP = "10.24.1.10", "10.24.0.66"
ENG = {f"eng-pc-{i}": f"10.24.2.{40 + i}" for i in range(1, 6)}
HMI, PLC = "10.24.3.20", "10.24.3.11"
PY = sys.executable
VNCDO = str(Path(PY).parent / "vncdo")

SNAP7_SERVER = """
import time
from snap7.server import Server
from snap7.type import SrvArea
s = Server(log=False)
s.register_area(SrvArea.DB, 1, bytearray(64))
s.start_to('0.0.0.0', 102)
time.sleep(3600)
"""
SNAP7_DOWNLOAD = f"""
import contextlib
from snap7.client import Client
c = Client()
c.connect('{PLC}', 0, 2)
with contextlib.suppress(Exception):
    c.download(bytearray(64), 2)
c.disconnect()
"""


def sh(*cmd: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)


def ns(name: str, *cmd: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return sh("ip", "netns", "exec", name, *cmd, check=check, timeout=timeout)


def spawn(name: str, *cmd: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["ip", "netns", "exec", name, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def setup() -> None:
    teardown()
    sh("ip", "netns", "add", S)
    sh("ip", "netns", "add", C)
    sh("ip", "link", "add", "pwaccS0", "netns", S, "type", "veth", "peer", "name", "pwaccC0", "netns", C)
    for ip in [*ENG.values(), HMI, PLC]:
        ns(S, "ip", "addr", "add", f"{ip}/16", "dev", "pwaccS0")
    for ip in (GW, LAPTOP):
        ns(C, "ip", "addr", "add", f"{ip}/16", "dev", "pwaccC0")
    for n, dev in ((S, "pwaccS0"), (C, "pwaccC0")):
        ns(n, "ip", "link", "set", "lo", "up")
        ns(n, "ip", "link", "set", dev, "up")


def teardown() -> None:
    for n in (S, C):
        for pid in sh("ip", "netns", "pids", n, check=False).stdout.split():
            sh("kill", pid, check=False)
        sh("ip", "netns", "del", n, check=False)


def daemons(tmp: Path) -> list[subprocess.Popen[bytes]]:
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp / "host_key"))
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vendor", "-f", str(tmp / "vendor_key"))
    (tmp / "authorized_keys").write_text((tmp / "vendor_key.pub").read_text())
    Path("/run/sshd").mkdir(exist_ok=True)
    sshd = spawn(
        S,
        "/usr/sbin/sshd",
        "-D",
        "-e",
        "-f",
        "/dev/null",
        "-h",
        str(tmp / "host_key"),
        "-o",
        "PermitRootLogin=prohibit-password",
        "-o",
        f"AuthorizedKeysFile={tmp}/authorized_keys",
        "-o",
        "StrictModes=no",
        "-o",
        "UsePAM=no",
        "-o",
        "PasswordAuthentication=no",
    )
    xvnc = spawn(
        S,
        "Xvnc",
        ":58",
        "-rfbport",
        "5900",
        "-interface",
        HMI,
        "-SecurityTypes",
        "None",
        "-geometry",
        "64x48",
        "-nolisten",
        "tcp",
    )
    snap7 = spawn(S, PY, "-c", SNAP7_SERVER)
    time.sleep(2.0)
    return [sshd, xvnc, snap7]


def ssh(tmp: Path, source: str, target: str, command: str = "true") -> None:
    ns(
        C,
        "ssh",
        "-i",
        str(tmp / "vendor_key"),
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-b",
        source,
        f"root@{target}",
        command,
    )


def scenarios(tmp: Path) -> dict[str, float]:
    """Each scenario's session, 3 s apart; its start time (POSIX seconds)."""
    starts: dict[str, float] = {}
    steps = [
        ("inside", lambda: ssh(tmp, GW, ENG["eng-pc-1"], "sleep 0.5")),
        ("vnc", lambda: ns(C, VNCDO, "-s", f"{HMI}::5900", "capture", str(tmp / "screen.png"))),
        ("before", lambda: ssh(tmp, GW, ENG["eng-pc-2"])),
        ("after", lambda: ssh(tmp, GW, ENG["eng-pc-3"])),
        ("open", lambda: ssh(tmp, GW, ENG["eng-pc-4"], "sleep 4")),
        ("asset", lambda: ssh(tmp, GW, ENG["eng-pc-5"])),
        ("download", lambda: ns(C, PY, "-c", SNAP7_DOWNLOAD)),
        ("bypass", lambda: ssh(tmp, LAPTOP, ENG["eng-pc-1"])),
    ]
    for name, step in steps:
        starts[name] = time.time()
        step()
        time.sleep(3.0)
    return starts


def at(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def site_text(starts: dict[str, float]) -> str:
    hour = timedelta(hours=1).total_seconds()
    windows = {
        "inside": ("eng-pc-1", "ssh", "view", starts["inside"] - hour, starts["bypass"] + hour),
        "vnc": ("hmi-1", "vnc", "view", starts["vnc"] - hour, starts["vnc"] + hour),
        "before": ("eng-pc-2", "ssh", "view", starts["before"] + hour, starts["before"] + 2 * hour),
        "after": ("eng-pc-3", "ssh", "view", starts["after"] - 2 * hour, starts["after"] - hour),
        "open": ("eng-pc-4", "ssh", "view", starts["open"] - hour, starts["open"] + 2.0),
        "download": ("plc-1", "s7comm", "view", starts["download"] - hour, starts["download"] + hour),
    }
    assets = "\n".join(
        f"  - {{name: {name}, role: engineering_workstation, zone: operations, ips: [{ip}]}}"
        for name, ip in ENG.items()
    )
    grants = "\n".join(
        f"    - {{name: grant-{key}, vendor: Acme Automation, person: Pat Vendor, assets: [{asset}], "
        f"protocols: [{proto}], operations: {ops}, start: {at(a)}, end: {at(b)}, ticket: T-{key}, "
        f"reason: {key} scenario, requested_by: Jo Engineer, approved_by: Alex Owner}}"
        for key, (asset, proto, ops, a, b) in windows.items()
    )
    return f"""# Written by tests/data/generate/access_sessions.py with access-sessions.pcap (times UTC).
site: {{name: access lab, timezone: UTC, currency: EUR}}
zones:
  - {{name: enterprise, level: enterprise, sl_t: 1, cidrs: [10.24.0.0/24]}}
  - {{name: dmz, level: dmz, sl_t: 2, cidrs: [10.24.1.0/24]}}
  - {{name: operations, level: operations, sl_t: 2, cidrs: [10.24.2.0/24]}}
  - {{name: control, level: control, sl_t: 3, cidrs: [10.24.3.0/24]}}
assets:
  - {{name: gw-01, role: remote_access_gateway, zone: dmz, ips: [{GW}]}}
  - {{name: laptop-01, role: it_workstation, zone: enterprise, ips: [{LAPTOP}]}}
{assets}
  - {{name: hmi-1, role: hmi, zone: control, ips: [{HMI}], criticality: high}}
  - {{name: plc-1, role: plc, zone: control, ips: [{PLC}], criticality: critical}}
lines:
  - {{name: line-1, downtime_cost_per_hour: 5000, requires: [plc-1, hmi-1]}}
roles:
  - {{id: ot, kind: ot_production, people: [Alex Owner, Jo Engineer]}}
raci:
  - {{subject: {{activity: changes}}, responsible: [ot], accountable: [ot]}}
vendors:
  - company: Acme Automation
    assets: [{", ".join([*ENG, "hmi-1", "plc-1"])}]
    remote_access: vpn
    via: gw-01
access:
  max_grant_hours: 24
  grants:
{grants}
"""


def main() -> int:
    setup()
    tmp = Path(tempfile.mkdtemp(prefix="pwacc-"))
    dump = spawn(S, "tcpdump", "-i", "pwaccS0", "-U", "-s", "0", "-w", str(OUT), "ip")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        time.sleep(1.0)
        procs = daemons(tmp)
        starts = scenarios(tmp)
    finally:
        for p in procs:
            p.terminate()
        time.sleep(1.0)
        dump.terminate()
        dump.wait(10)
        teardown()
    SITE.write_text(site_text(starts))
    TRUTH.write_text(json.dumps({"starts": starts}, indent=1) + "\n")
    print(f"wrote {OUT}, {SITE}, {TRUTH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
