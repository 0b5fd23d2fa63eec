"""SMB1/SMB2 from impacket (it-python.pcap) and real Windows XP (lemay) agree with tshark."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from protocols.itkit.it_helpers import LEMAY, PYTHON, conversations, identities, needs_tshark, tshark_rows


@needs_tshark
@pytest.mark.parametrize("path", [LEMAY, PYTHON], ids=lambda p: p.name)
def test_commands_per_pair_equal_tshark(path: Path) -> None:
    rows = tshark_rows(path, "(smb || smb2) && !nbdgm", "ip.src", "ip.dst", "smb.cmd", "smb2.cmd")
    theirs: Counter[tuple[str, str, str]] = Counter()
    for src, dst, cmd1, cmd2 in rows:
        if cmd1:
            theirs[(src, dst, f"1:{int(cmd1.split(',')[0], 16):#04x}")] += 1
        for c in filter(None, cmd2.split(",")):
            theirs[(src, dst, f"2:{int(c):#04x}")] += 1
    mine = Counter({(c["src"], c["dst"], c["code"]): c["count"] for c in conversations(path, "smb")})
    assert theirs and mine == theirs


@needs_tshark
@pytest.mark.parametrize("path", [LEMAY, PYTHON], ids=lambda p: p.name)
def test_native_os_and_lanman_equal_tshark(path: Path) -> None:
    rows = tshark_rows(path, "smb.native_os", "ip.src", "smb.native_os", "smb.native_lanman")
    theirs = {(r[0], r[1], r[2]) for r in rows}
    mine = {
        (i["address"], i["fields"]["os"], i["fields"]["lanman"])
        for i in identities(path, "smb")
        if "os" in i["fields"]
    }
    assert theirs and mine == theirs


@needs_tshark
@pytest.mark.parametrize("path", [LEMAY, PYTHON], ids=lambda p: p.name)
def test_ntlmssp_authenticate_names_equal_tshark(path: Path) -> None:
    rows = tshark_rows(
        path,
        "ntlmssp.auth.hostname",
        "ip.src",
        "ntlmssp.auth.hostname",
        "ntlmssp.auth.username",
        "ntlmssp.auth.domain",
    )
    theirs = {(r[0], r[1], "" if r[2] == "NULL" else r[2], "" if r[3] == "NULL" else r[3]) for r in rows}
    mine = {
        (i["address"], i["fields"]["hostname"], i["fields"].get("user", ""), i["fields"].get("domain", ""))
        for i in identities(path, "smb")
        if "hostname" in i["fields"] and "os_version" not in i["fields"] and "dns_hostname" not in i["fields"]
    }
    assert theirs and theirs <= mine


@needs_tshark
def test_windows_xp_challenge_names_the_server() -> None:
    rows = tshark_rows(
        LEMAY,
        "ntlmssp.messagetype == 2",
        "ip.src",
        "ntlmssp.challenge.target_name",
        "ntlmssp.version.major",
        "ntlmssp.version.minor",
        "ntlmssp.version.build_number",
    )
    src, target, major, minor, build = rows[0]
    server = [
        i["fields"] for i in identities(LEMAY, "smb") if i["address"] == src and "dns_hostname" in i["fields"]
    ]
    assert server[0]["domain"] == target
    assert server[0]["os_version"] == f"{major}.{minor}.{build}" == "5.1.2600"


@needs_tshark
def test_negotiated_dialects_equal_tshark() -> None:
    (smb2,) = tshark_rows(PYTHON, "smb2.cmd == 0 && smb2.flags.response == 1", "ip.src", "smb2.dialect")
    dialects = {
        (i["address"], i["fields"]["smb_dialect"])
        for i in identities(PYTHON, "smb")
        if "smb_dialect" in i["fields"]
    }
    assert (smb2[0], "2.0.2") in dialects and smb2[1] == "0x0202"
    assert {d for _, d in dialects} == {"2.0.2", "NT LM 0.12"}
