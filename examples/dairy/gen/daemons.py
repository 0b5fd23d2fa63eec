"""Real daemons from Debian packages: dnsmasq (DNS + DHCP on dc-01) and OpenSSH (ews-01)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gen.netns import spawn
from gen.plant import Host

LABEL = b"^XA^FO50,50^A0N,40,40^FDTalblick ESL Vollmilch 3.5% 1L^FS^FO50,110^BCN,80^FD4012345000017^FS" \
        b"^FO50,220^A0N,30,30^FDMHD 2025-12-06  Charge 25-0412^FS^XZ\n"


def prepare(work: Path, hosts: dict[str, Host]) -> None:
    """Write the daemons' files (zone hosts file, keys, sshd config, label) into ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "label.zpl").write_bytes(LABEL)
    lines = [f"{h.ip} {h.name}.talblick.local {h.name}" for h in hosts.values() if h.role != "unknown"]
    (work / "hosts").write_text("\n".join(lines) + "\n")
    for key in ("host_key", "vendor_key"):
        if not (work / key).exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", key, "-f", str(work / key)],
                           check=True)
    (work / "authorized_keys").write_bytes((work / "vendor_key.pub").read_bytes())
    (work / "sshd_config").write_text(
        f"HostKey {work / 'host_key'}\nAuthorizedKeysFile {work / 'authorized_keys'}\n"
        f"PermitRootLogin prohibit-password\nUsePAM no\nStrictModes no\nPidFile {work / 'sshd.pid'}\n")
    Path("/run/sshd").mkdir(exist_ok=True)


def dnsmasq(host: Host, hosts: dict[str, Host], work: Path) -> subprocess.Popen[bytes]:
    """Authoritative for talblick.local from the site's names; DHCP with a fixed lease for qa-ws-01."""
    qa = hosts["qa-ws-01"]
    return spawn(host, ["dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--user=root",
                        f"--listen-address={host.ip}", "--bind-interfaces", f"--addn-hosts={work / 'hosts'}",
                        "--domain=talblick.local", "--local=/talblick.local/",
                        f"--pid-file={work / 'dnsmasq.pid'}", f"--dhcp-leasefile={work / 'leases'}",
                        "--dhcp-range=10.10.10.100,10.10.10.199,255.255.0.0,12h",
                        f"--dhcp-host={qa.mac},{qa.ip}", "--log-facility=-"], work / f"{host.name}.log")


def sshd(host: Host, work: Path) -> subprocess.Popen[bytes]:
    return spawn(host, ["/usr/sbin/sshd", "-D", "-e", "-f", str(work / "sshd_config"),
                        "-o", f"ListenAddress={host.ip}"], work / f"{host.name}-sshd.log")
