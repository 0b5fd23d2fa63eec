"""NetBIOS over TCP/UDP (RFC 1001/1002) and the browser protocol (MS-BRWS).

Name service (RFC 1002 4.2): a DNS-shaped header and records whose names are
"first-level encoded" (RFC 1001 14.1): 16 bytes, each split in two nibbles + 'A', the
16th byte being the suffix (<00> workstation, <20> server, <1C> domain controllers...).
NB RDATA (4.2.2): NB_FLAGS(2) NB_ADDRESS(4). NBSTAT RDATA (4.2.18): NUM_NAMES(1),
18-byte NODE_NAME entries (15 name + suffix + NAME_FLAGS(2)), then the 6-byte UNIT_ID.
Datagram service (4.4.1): MSG_TYPE(1) FLAGS(1) DGM_ID(2) SOURCE_IP(4) SOURCE_PORT(2)
DGM_LENGTH(2) PACKET_OFFSET(2) SOURCE_NAME(34) DESTINATION_NAME(34) USER_DATA; the user
data of a browser datagram is an SMB Transaction on \\MAILSLOT\\BROWSE ([MS-SMB] 2.2.4.33).
Browser announcement (MS-BRWS 2.2.1): Opcode(1) UpdateCount(1) Periodicity(4)
ServerName(16) OSVersionMajor(1) OSVersionMinor(1) ServerType(4) BrowserVersion(2)
Signature(2) Comment (NUL-terminated).
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import unpack_from

from plantwarden.protocols.dns.wire import DnsError


@dataclass(frozen=True, slots=True)
class NbName:
    name: str
    suffix: int


@dataclass(frozen=True, slots=True)
class Announcement:
    opcode: int
    server_name: str
    os_major: int
    os_minor: int
    server_type: int
    comment: str


def decode_name(label: str) -> NbName:
    """First-level decoding (RFC 1001 14.1) of a 32-character label."""
    if len(label) < 32 or not all("A" <= c <= "P" for c in label[:32]):
        raise DnsError(f"not a NetBIOS encoded name: {label[:40]!r}")
    raw = bytes(((ord(label[i]) - 65) << 4) | (ord(label[i + 1]) - 65) for i in range(0, 32, 2))
    return NbName(raw[:15].decode("latin-1").rstrip(" \x00"), raw[15])


def nbstat_names(rdata: bytes) -> tuple[list[tuple[NbName, int]], str]:
    """Node names with their NAME_FLAGS, and the UNIT_ID (MAC) of an NBSTAT answer."""
    if not rdata:
        raise DnsError("empty NBSTAT answer")
    n = rdata[0]
    if len(rdata) < 1 + 18 * n + 6:
        raise DnsError("short NBSTAT answer")
    names = []
    for i in range(n):
        raw = rdata[1 + 18 * i : 19 + 18 * i]
        names.append(
            (NbName(raw[:15].decode("latin-1").rstrip(" \x00"), raw[15]), unpack_from("!H", raw, 16)[0])
        )
    unit = rdata[1 + 18 * n : 7 + 18 * n]
    return names, unit.hex(":")


def datagram_user_data(dgm: bytes) -> tuple[int, bytes]:
    """MSG_TYPE and the user data (SMB) of a direct/broadcast datagram (RFC 1002 4.4.2)."""
    if len(dgm) < 14:
        raise DnsError("short NetBIOS datagram")
    msg_type = dgm[0]
    if msg_type not in (0x10, 0x11, 0x12):
        return msg_type, b""
    off = 14
    for _ in range(2):  # SOURCE_NAME, DESTINATION_NAME: length-prefixed labels, then 0
        while off < len(dgm) and dgm[off]:
            if dgm[off] & 0xC0:
                raise DnsError("compressed name in a datagram")
            off += 1 + dgm[off]
        off += 1
    if off > len(dgm):
        raise DnsError("datagram names run past the datagram")
    return msg_type, dgm[off:]


def mailslot_data(smb: bytes) -> tuple[str, bytes]:
    """Mailslot name and data of an SMB_COM_TRANSACTION request ([MS-SMB] 2.2.4.33)."""
    if len(smb) < 33 or smb[:4] != b"\xffSMB" or smb[4] != 0x25:
        raise DnsError("not an SMB transaction")
    wc = smb[32]
    if wc < 14 or len(smb) < 33 + 2 * wc + 2:
        raise DnsError("short SMB transaction")
    data_count, data_offset = unpack_from("<HH", smb, 33 + 22)
    names_at = 33 + 2 * wc + 2
    slot = smb[names_at : names_at + 64].split(b"\x00", 1)[0].decode("latin-1")
    if data_offset + data_count > len(smb):
        raise DnsError("transaction data runs past the datagram")
    return slot, smb[data_offset : data_offset + data_count]


def announcement(data: bytes) -> Announcement | None:
    """Host / local master / domain announcement (MS-BRWS 2.2.1, 2.2.6, 2.2.7)."""
    if len(data) < 32 or data[0] not in (0x01, 0x0C, 0x0F):
        return None
    name = data[6:22].split(b"\x00", 1)[0].decode("latin-1").strip()
    server_type = unpack_from("<I", data, 24)[0]
    comment = data[32:].split(b"\x00", 1)[0].decode("latin-1")
    return Announcement(data[0], name, data[22], data[23], server_type, comment)
