"""What a capture reader yields, and what it reports it skipped.

Frame numbers count from 1 as Wireshark counts them, over every record of the file that
is a packet (including those that were skipped as damaged), so a user can find a frame in
Wireshark by the number plantwarden prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Link-layer header types (https://www.tcpdump.org/linktypes.html)
LINKTYPE_NULL = 0  # BSD loopback
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101  # raw IPv4/IPv6
LINKTYPE_LOOP = 108  # OpenBSD loopback
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_BACNET_MS_TP = 165  # BACnet MS/TP frames from the preamble 0x55 0xFF (ASHRAE 135 clause 9)

# The link types the L2-L4 decoder understands; frames of any other type are counted in the
# reader's SkipReport as ``unknown_linktype`` and not yielded.
SUPPORTED_LINKTYPES = frozenset(
    {
        LINKTYPE_NULL,
        LINKTYPE_ETHERNET,
        LINKTYPE_RAW,
        LINKTYPE_LOOP,
        LINKTYPE_LINUX_SLL,
        LINKTYPE_IPV4,
        LINKTYPE_IPV6,
        LINKTYPE_LINUX_SLL2,
        LINKTYPE_BACNET_MS_TP,
    }
)


@dataclass(slots=True)
class RawFrame:
    """One captured packet as the file holds it."""

    number: int  # 1-based frame number
    ts_ns: int  # capture time, nanoseconds since the Unix epoch
    linktype: int  # LINKTYPE_* of the interface it was captured on
    data: bytes  # the captured bytes (possibly cut by snaplen)
    orig_len: int  # length on the wire


@dataclass(slots=True)
class SkipEntry:
    reason: str  # short stable key, e.g. "truncated_record", "unknown_linktype"
    count: int
    first_frame: int  # frame number of the first occurrence (0 = file level)
    detail: str = ""  # human text of the first occurrence


@dataclass(slots=True)
class SkipReport:
    """What a reader or decoder could not use, counted by reason."""

    entries: dict[str, SkipEntry] = field(default_factory=dict)

    def add(self, reason: str, frame: int, detail: str = "") -> None:
        entry = self.entries.get(reason)
        if entry is None:
            self.entries[reason] = SkipEntry(reason, 1, frame, detail)
        else:
            entry.count += 1

    def add_count(self, reason: str, first_frame: int, count: int, detail: str = "") -> None:
        """Add ``count`` occurrences at once (a reader's tally kept in locals on the hot path)."""
        if count <= 0:
            return
        entry = self.entries.get(reason)
        if entry is None:
            self.entries[reason] = SkipEntry(reason, count, first_frame, detail)
        else:
            entry.count += count
            if first_frame < entry.first_frame:
                entry.first_frame, entry.detail = first_frame, detail

    def total(self) -> int:
        return sum(e.count for e in self.entries.values())

    def as_list(self) -> list[dict[str, object]]:
        return [
            {"reason": e.reason, "count": e.count, "first_frame": e.first_frame, "detail": e.detail}
            for e in sorted(self.entries.values(), key=lambda e: (e.first_frame, e.reason))
        ]
