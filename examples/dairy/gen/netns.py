"""Network namespaces, veth pairs and the bridge the plant's hosts plug into.

The "switch" namespace holds bridge ``br0``; each host namespace holds ``eth0`` (the site's
MAC and IP) whose peer is a port of ``br0``. Every process started here runs in its own
process group so that it and all its children can be stopped together.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from gen.plant import DAIRY, NETMASK, PREFIX, Host

SWITCH = PREFIX + "switch"
ETC_NETNS = Path("/etc/netns")
ROOT = DAIRY.parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def sh(*argv: str, check: bool = True) -> None:
    """Run one command, raise on failure when ``check``."""
    subprocess.run(argv, check=check, stdout=subprocess.DEVNULL, stderr=None if check else subprocess.DEVNULL)


def in_ns(ns: str, *argv: str, check: bool = True) -> None:
    sh("ip", "netns", "exec", ns, *argv, check=check)


def _quiet_ns(ns: str) -> None:
    """No IPv6 (no router solicitations / MLD noise), loopback up."""
    in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
    in_ns(ns, "ip", "link", "set", "lo", "up")


def create_switch() -> None:
    sh("ip", "netns", "add", SWITCH)
    _quiet_ns(SWITCH)
    in_ns(SWITCH, "ip", "link", "add", "br0", "type", "bridge")
    in_ns(SWITCH, "ip", "link", "set", "br0", "up")


def add_host(host: Host, dns: str | None) -> None:
    """Namespace + veth pair on the bridge; ``dns`` writes the host's /etc/netns resolv.conf."""
    sh("ip", "netns", "add", host.ns)
    _quiet_ns(host.ns)
    sh("ip", "link", "add", host.veth, "type", "veth", "peer", "name", "eth0", "netns", host.ns)
    sh("ip", "link", "set", host.veth, "netns", SWITCH)
    in_ns(SWITCH, "ip", "link", "set", host.veth, "master", "br0")
    in_ns(SWITCH, "ip", "link", "set", host.veth, "up")
    in_ns(host.ns, "ip", "link", "set", "eth0", "address", host.mac)
    in_ns(host.ns, "ip", "addr", "add", f"{host.ip}/{NETMASK}", "dev", "eth0")
    in_ns(host.ns, "ip", "link", "set", "eth0", "up")
    if dns:
        folder = ETC_NETNS / host.ns
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "resolv.conf").write_text(f"nameserver {dns}\nsearch talblick.local\n")


def link_down(host: Host) -> None:
    in_ns(host.ns, "ip", "link", "set", "eth0", "down")


def spawn(host: Host, argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``argv`` inside the host's namespace, in a new process group, output to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(["ip", "netns", "exec", host.ns, *argv], cwd=DAIRY, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def agent(host: Host, role: str, *args: str, log: Path) -> subprocess.Popen[bytes]:
    """Start one role of ``gen.agent`` (a server, a poller or an incident) on ``host``."""
    return spawn(host, [PYTHON, "-m", "gen.agent", role, host.ip, *args], log)


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, wait: float = 5.0) -> None:
    """Signal the process group, then kill it if it does not end within ``wait`` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=wait)
    except ProcessLookupError:
        pass


def _dairy_namespaces() -> list[str]:
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(PREFIX)]


def _pids_in(ns: str) -> list[int]:
    out = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


def destroy_all() -> None:
    """Kill what still runs in the plant's namespaces, delete them and their /etc/netns files."""
    for ns in _dairy_namespaces():
        for pid in _pids_in(ns):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    for ns in _dairy_namespaces():
        sh("ip", "netns", "del", ns, check=False)
    for folder in ETC_NETNS.glob(PREFIX + "*"):
        shutil.rmtree(folder, ignore_errors=True)
