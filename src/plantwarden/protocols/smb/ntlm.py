"""NTLMSSP messages inside SMB session setup security blobs (MS-NLMP 2.2.1).

Every message starts "NTLMSSP\\0" + MessageType(4). CHALLENGE (2.2.1.2): TargetNameFields
(8) at 12, NegotiateFlags(4) at 20, ServerChallenge(8), Reserved(8), TargetInfoFields(8)
at 40, Version(8) at 48. AUTHENTICATE (2.2.1.3): Lm/NtChallengeResponseFields at 12/20,
DomainNameFields at 28, UserNameFields at 36, WorkstationFields at 44,
EncryptedRandomSessionKeyFields at 52, NegotiateFlags at 60, Version at 64. A Fields
triple is Len(2) MaxLen(2) BufferOffset(4). TargetInfo is a list of AV_PAIRs (2.2.2.1):
AvId(2) AvLen(2) Value. VERSION (2.2.2.10): Major(1) Minor(1) Build(2) Reserved(3) Rev(1).
"""

from __future__ import annotations

from struct import unpack_from

SIGNATURE = b"NTLMSSP\x00"
UNICODE = 0x00000001
VERSION_FLAG = 0x02000000
AV_NAMES = {1: "hostname", 2: "domain", 3: "dns_hostname", 4: "dns_domain", 5: "dns_forest"}


def _field(msg: bytes, at: int, unicode: bool) -> str:
    if at + 8 > len(msg):
        return ""
    length, _max, offset = unpack_from("<HHI", msg, at)
    raw = msg[offset : offset + length]
    return raw.decode("utf-16-le" if unicode else "latin-1", "replace")


def _version(msg: bytes, at: int, flags: int) -> str | None:
    if not flags & VERSION_FLAG or at + 8 > len(msg):
        return None
    major, minor, build = unpack_from("<BBH", msg, at)
    return f"{major}.{minor}.{build}" if major else None


def find(blob: bytes) -> tuple[int, bytes] | None:
    """Message type and the NTLMSSP message found in a (SPNEGO-wrapped) security blob."""
    at = blob.find(SIGNATURE)
    if at < 0 or at + 12 > len(blob):
        return None
    msg = blob[at:]
    return unpack_from("<I", msg, 8)[0], msg


def challenge_fields(msg: bytes) -> dict[str, str]:
    """What a CHALLENGE tells about the server (host/domain names, Windows version)."""
    if len(msg) < 48:
        return {}
    flags = unpack_from("<I", msg, 20)[0]
    fields: dict[str, str] = {}
    length, _max, offset = unpack_from("<HHI", msg, 40)
    info = msg[offset : offset + length]
    i = 0
    while i + 4 <= len(info):
        av_id, av_len = unpack_from("<HH", info, i)
        if av_id == 0:
            break
        if av_id in AV_NAMES:
            fields[AV_NAMES[av_id]] = info[i + 4 : i + 4 + av_len].decode("utf-16-le", "replace")
        i += 4 + av_len
    version = _version(msg, 48, flags)
    if version is not None:
        fields["os_version"] = version
    return fields


def authenticate_fields(msg: bytes) -> dict[str, str]:
    """What an AUTHENTICATE tells about the client (workstation, domain, user)."""
    if len(msg) < 64:
        return {}
    flags = unpack_from("<I", msg, 60)[0]
    uni = bool(flags & UNICODE)
    raw = {"domain": _field(msg, 28, uni), "user": _field(msg, 36, uni), "hostname": _field(msg, 44, uni)}
    fields = {k: v for k, v in raw.items() if v}
    version = _version(msg, 64, flags)
    if version is not None:
        fields["os_version"] = version
    return fields
