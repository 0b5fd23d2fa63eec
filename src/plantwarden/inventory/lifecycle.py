"""Lifecycle: operating systems past end of support, declared end of support, firmware age,
and the legacy share of each zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from plantwarden.inventory.eos_data import (
    LINUX_LTS_EOL,
    LINUX_SOURCE,
    NT_BUILDS,
    NT_VERSIONS,
    OLDEST_SUPPORTED_LINUX,
    WINDOWS_EOS,
    WINDOWS_SOURCE,
)
from plantwarden.inventory.inventory import Inventory
from plantwarden.inventory.model import Asset

if TYPE_CHECKING:  # annotations only: the site model loads when a command reads one
    from plantwarden.site.model import SiteModel

OS_FIELDS = ("os", "os_version", "description", "software", "platform")
_NAMED = [
    (n, re.compile(re.escape(n) + r"(?![\d.])", re.I)) for n in sorted(WINDOWS_EOS, key=len, reverse=True)
]
_NT = re.compile(r"windows (?:nt )?(\d+\.\d+)", re.I)
_BUILD = re.compile(r"\b(\d{4,5})\b")
_LINUX = re.compile(r"linux[^0-9]{0,20}(\d+)\.(\d+)", re.I)


@dataclass(frozen=True, slots=True)
class LifecycleEntry:
    asset: str
    item: str  # "os", "declared", "firmware"
    value: str
    end_of_support: date | None
    status: str  # "unsupported", "supported", "unknown"
    source: str
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        eos = None if self.end_of_support is None else self.end_of_support.isoformat()
        return {
            "asset": self.asset,
            "item": self.item,
            "value": self.value,
            "end_of_support": eos,
            "status": self.status,
            "source": self.source,
            "detail": self.detail,
        }


def os_text(asset: Asset) -> str:
    return " ".join(v.value for f in OS_FIELDS for v in (asset.fields.get(f) or {}).values())


def windows_name(text: str) -> str | None:
    """The Windows release a banner names, by name, build number or NT version."""
    lower = text.lower()
    if "windows" not in lower:
        return None
    named = next((n for n, pattern in _NAMED if pattern.search(text)), None)
    if named is not None:
        return named
    pick = 1 if "server" in lower else 0
    builds = [NT_BUILDS[int(b)] for b in _BUILD.findall(text) if int(b) in NT_BUILDS]
    if builds:
        return builds[0][pick]
    version = _NT.search(text)
    if version and version.group(1) in NT_VERSIONS:
        return NT_VERSIONS[version.group(1)][pick]
    versions = [v for v in re.findall(r"\b(\d+\.\d+)", text) if v in NT_VERSIONS]
    return NT_VERSIONS[versions[0]][pick] if versions else None


def os_entry(asset: Asset, today: date) -> LifecycleEntry | None:
    text = os_text(asset)
    win = windows_name(text)
    if win is not None:
        eos = WINDOWS_EOS[win]
        return LifecycleEntry(asset.id, "os", win, eos, _status(eos, today), WINDOWS_SOURCE, text)
    m = _LINUX.search(text)
    if m is None:
        return None
    series = (int(m.group(1)), int(m.group(2)))
    lts = LINUX_LTS_EOL.get(series)
    if lts is None and series < OLDEST_SUPPORTED_LINUX:
        return LifecycleEntry(
            asset.id,
            "os",
            f"Linux {series[0]}.{series[1]}",
            None,
            "unsupported",
            LINUX_SOURCE,
            "not a long-term series still maintained",
        )
    status = "supported" if lts is None else _status(lts, today)
    return LifecycleEntry(asset.id, "os", f"Linux {series[0]}.{series[1]}", lts, status, LINUX_SOURCE, text)


def _status(eos: date, today: date) -> str:
    return "unsupported" if eos < today else "supported"


def declared_entries(asset: Asset, site: SiteModel | None, today: date) -> list[LifecycleEntry]:
    declared = next((a for a in (site.assets if site else ()) if a.name == asset.declared), None)
    if declared is None:
        return []
    out = []
    if declared.end_of_support is not None:
        out.append(
            LifecycleEntry(
                asset.id,
                "declared",
                declared.product or declared.role.value,
                declared.end_of_support,
                _status(declared.end_of_support, today),
                "site model: end_of_support",
            )
        )
    firmware = asset.value("firmware")
    if declared.install_date is not None and firmware and firmware == declared.firmware:
        days = (today - declared.install_date).days
        out.append(
            LifecycleEntry(
                asset.id,
                "firmware",
                firmware,
                None,
                "unknown",
                "site model: install_date",
                f"unchanged since installation: at least {days} days old",
            )
        )
    return out


def lifecycle(inv: Inventory, site: SiteModel | None, today: date) -> list[LifecycleEntry]:
    out: list[LifecycleEntry] = []
    for asset in inv.devices():
        entry = os_entry(asset, today)
        out.extend(([entry] if entry else []) + declared_entries(asset, site, today))
    return out


def legacy_share(inv: Inventory, entries: list[LifecycleEntry]) -> dict[str, dict[str, Any]]:
    """Per zone ("-" without one): devices, devices of known status, unsupported, share."""
    unsupported = {e.asset for e in entries if e.status == "unsupported"}
    known = {e.asset for e in entries if e.status != "unknown"}
    out: dict[str, dict[str, Any]] = {}
    for asset in inv.devices():
        z = out.setdefault(asset.zone or "-", {"devices": 0, "known": 0, "unsupported": 0})
        z["devices"] += 1
        z["known"] += asset.id in known
        z["unsupported"] += asset.id in unsupported
    for z in out.values():
        z["share"] = round(z["unsupported"] / z["known"], 3) if z["known"] else None
    return dict(sorted(out.items()))
