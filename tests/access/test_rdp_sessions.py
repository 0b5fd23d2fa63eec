"""RDP sessions from real stacks (xrdp with impacket's rdp_check and FreeRDP's xfreerdp;
tests/data/generate/it_loopback_daemons.py): each connection is one session starting at the
frame tshark finds its SYN in, and the user name FreeRDP puts in its X.224 cookie is the
session's identity hint, as tshark reads it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from plantwarden.access.scan import observe
from plantwarden.site.use import read_site

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "captures"
PCAP = DATA / "it-daemons.pcap"


def tshark(*args: str) -> list[list[str]]:
    cmd = ["tshark", "-r", str(PCAP), "-T", "fields", "-E", "separator=|", *args]
    return [
        x.split("|")
        for x in subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split("\n")
        if x
    ]


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_each_rdp_connection_is_a_session_with_the_cookie_user_as_tshark_reads_it() -> None:
    model = read_site(DATA / "access-sessions.site.yaml")[0]
    rdp = [s for s in observe([str(PCAP)], [], model).finish() if s.proto == "rdp"]
    syns = tshark(
        "-Y",
        "tcp.dstport == 3389 && tcp.flags.syn == 1 && tcp.flags.ack == 0",
        "-e",
        "frame.number",
        "-e",
        "tcp.srcport",
    )
    assert [(s.first_frame, s.client_port) for s in rdp] == [(int(f), int(p)) for f, p in syns]
    cookies = {
        int(p): c.removeprefix("Cookie: mstshash=")
        for p, c in tshark("-Y", "rdp.rt_cookie", "-e", "tcp.srcport", "-e", "rdp.rt_cookie")
    }
    assert cookies == {s.client_port: s.hints["rdp_user"] for s in rdp if "rdp_user" in s.hints}
    assert list(cookies.values()) == ["engineer"]  # xfreerdp /u:engineer; rdp_check sends none
