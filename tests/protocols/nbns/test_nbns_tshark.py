"""NetBIOS names and browser announcements of real Windows hosts agree with tshark."""

from __future__ import annotations

from pathlib import Path

import pytest

from protocols.itkit.it_helpers import EMRE, LEMAY, conversations, identities, needs_tshark, tshark_rows


@needs_tshark
def test_name_query_and_answer_equal_tshark() -> None:
    rows = tshark_rows(LEMAY, "nbns", "ip.src", "ip.dst", "nbns.flags.response", "nbns.name", "nbns.addr")
    theirs = {(r[0], r[1], "response:NB" if r[2] in ("1", "True") else "query:NB") for r in rows}
    mine = {(c["src"], c["dst"], c["code"]) for c in conversations(LEMAY, "nbns")}
    assert theirs and mine == theirs
    answer = next(r for r in rows if r[4])
    name = answer[3].split("<")[0]
    assert {(i["address"], i["fields"].get("hostname")) for i in identities(LEMAY, "nbns")} == {
        (answer[4], name)
    }


@needs_tshark
@pytest.mark.parametrize("path", [LEMAY, EMRE], ids=lambda p: p.name)
def test_browser_announcements_equal_tshark(path: Path) -> None:
    rows = tshark_rows(
        path,
        "browser",
        "ip.src",
        "browser.command",
        "browser.server",
        "browser.os_major",
        "browser.os_minor",
        "browser.mb_server",
    )
    theirs = set()
    for src, cmd, server, major, minor, mb in rows:
        code = f"browser:{int(cmd, 16)}"
        fields = (
            {"domain": server, "master_browser": mb}
            if cmd == "0x0c"
            else {"hostname": server, "os_version": f"{major}.{minor}"}
        )
        theirs.add((src, code, tuple(sorted(fields.items()))))
    ops = {(c["src"], c["code"]) for c in conversations(path, "nbdgm")}
    found = {
        (i["address"], tuple(sorted((k, v) for k, v in i["fields"].items() if k not in ("roles", "comment"))))
        for i in identities(path, "nbdgm")
    }
    assert theirs
    assert ops == {(s, c) for s, c, _ in theirs}
    assert found == {(s, f) for s, _, f in theirs}


def test_windows_xp_master_browser_roles() -> None:
    (xp,) = identities(LEMAY, "nbdgm")
    assert xp["fields"]["os_version"] == "5.1"
    assert set(xp["fields"]["roles"].split(",")) == {"nt_workstation", "master_browser"}
