"""The hosts of the demo plant, taken from ``examples/dairy/site.yaml``.

Every asset name, address and MAC comes from the site model; the only host that is not
declared there is the intruder of incident (c), which is the point of that incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DAIRY = Path(__file__).resolve().parent.parent
SITE = DAIRY / "site.yaml"
PREFIX = "dairy-"
NETMASK = 16  # one flat L2 segment: the kernel here has no VLAN devices, so zones share the bridge

# Incident (c): a laptop nobody declared, plugged into the control zone (Raspberry Pi OUI b8:27:eb).
ROGUE = {"name": "rogue-laptop", "zone": "control", "ips": ["10.10.40.99"], "macs": ["b8:27:eb:40:00:99"],
         "role": "unknown", "vendor": "Raspberry Pi Foundation"}


@dataclass(frozen=True)
class Host:
    """One plant host: its own network namespace with one interface ``eth0``."""

    name: str
    ip: str
    mac: str
    zone: str
    role: str
    index: int

    @property
    def ns(self) -> str:
        return PREFIX + self.name

    @property
    def veth(self) -> str:
        """Switch-side end of the host's veth pair (kernel names are at most 15 characters)."""
        return f"dairyv{self.index}"


def _host(asset: dict[str, Any], index: int) -> Host:
    return Host(name=str(asset["name"]), ip=str(asset["ips"][0]), mac=str(asset["macs"][0]).lower(),
                zone=str(asset["zone"]), role=str(asset["role"]), index=index)


def load_hosts(site: Path = SITE, names: list[str] | None = None) -> dict[str, Host]:
    """The site's assets (with an IP and a MAC) plus the rogue laptop, by name."""
    doc = yaml.safe_load(site.read_text())
    assets = [a for a in doc["assets"] if a.get("ips") and a.get("macs")] + [ROGUE]
    hosts = {str(a["name"]): _host(a, i) for i, a in enumerate(assets)}
    if names is None:
        return hosts
    missing = [n for n in names if n not in hosts]
    if missing:
        raise SystemExit(f"{site}: assets missing from the site model: {', '.join(missing)}")
    return {n: hosts[n] for n in names}
