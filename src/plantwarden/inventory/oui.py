"""MAC address vendor lookup from the IEEE registries shipped in ``plantwarden/data/oui``.

The longest assignment wins: a 36-bit MA-S or IAB block over a 28-bit MA-M block over the
24-bit MA-L (OUI) it sits in. Bits of the first octet (IEEE 802-2014, 8.2.2): bit 0 (I/G)
set = group (multicast) address, bit 1 (U/L) set = locally administered; neither kind has
a registered owner, so both are flagged instead of looked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from plantwarden.inventory.oui_bundle import BUNDLE_NAME, DATA_DIR, PREFIX_DIGITS, read_bundle, read_ieee_dir

NULL_MAC = "00:00:00:00:00:00"
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"
WELL_KNOWN_GROUPS = {  # prefix (hex digits) -> group; IANA (RFC 7042) and IEEE 802.1Q table 8-1
    "01005E": "IPv4 multicast",
    "3333": "IPv6 multicast",
    "0180C2": "IEEE 802.1 link-local (STP, LLDP, PTP)",
    "01000C": "Cisco multicast (CDP, VTP)",
    "010ECF": "PROFINET multicast",
}


@dataclass(frozen=True, slots=True)
class MacInfo:
    """What a MAC address tells by itself."""

    mac: str
    vendor: str | None  # organization of the longest registered prefix
    registry: str | None  # MA-L, MA-M, MA-S or IAB
    prefix: str | None  # the matched assignment (hex)
    kind: str  # "universal", "local", "multicast", "broadcast" or "null"
    group: str | None = None  # well-known multicast group


class OuiRegistry:
    """Prefix -> (organization, registry), one dict per prefix length."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self._by_len: dict[int, dict[str, tuple[str, str]]] = {9: {}, 7: {}, 6: {}}
        for registry, assignment, org in rows:
            self._by_len[PREFIX_DIGITS[registry]].setdefault(assignment, (org, registry))

    @classmethod
    def from_ieee_dir(cls, folder: Path) -> OuiRegistry:
        """Load a fresher IEEE download (oui.csv, mam.csv, oui36.csv, iab.csv) from ``folder``."""
        return cls(read_ieee_dir(folder))

    def __len__(self) -> int:
        return sum(len(d) for d in self._by_len.values())

    def lookup(self, mac: str) -> MacInfo:
        digits = mac.replace(":", "").replace("-", "").replace(".", "").upper()
        kind = mac_kind(digits)
        if kind != "universal":
            group = next((g for p, g in WELL_KNOWN_GROUPS.items() if digits.startswith(p)), None)
            return MacInfo(mac, None, None, None, kind, group)
        for length in (9, 7, 6):
            hit = self._by_len[length].get(digits[:length])
            if hit is not None:
                return MacInfo(mac, hit[0], hit[1], digits[:length], kind)
        return MacInfo(mac, None, None, None, kind)


def mac_kind(digits: str) -> str:
    """Kind of a MAC given as 12 upper-case hex digits (IEEE 802-2014, 8.2.2)."""
    if len(digits) != 12 or any(c not in "0123456789ABCDEF" for c in digits):
        return "invalid"
    if digits == "000000000000":
        return "null"
    if digits == "FFFFFFFFFFFF":
        return "broadcast"
    first = int(digits[:2], 16)
    if first & 0x01:
        return "multicast"
    return "local" if first & 0x02 else "universal"


@cache
def default_registry() -> OuiRegistry:
    """The shipped registry, read once on first use."""
    return OuiRegistry(list(read_bundle(DATA_DIR / BUNDLE_NAME)))


def lookup(mac: str) -> MacInfo:
    """Vendor and kind of ``mac`` from the shipped registry."""
    return default_registry().lookup(mac)
