"""FTP from ftplib and pyftpdlib (it-python.pcap) agrees with tshark."""

from __future__ import annotations

from collections import Counter

from plantwarden.analyze.pipeline import analyze_capture
from protocols.itkit.it_helpers import PYTHON, conversations, identities, needs_tshark, tshark_rows


@needs_tshark
def test_commands_and_replies_equal_tshark() -> None:
    rows = tshark_rows(PYTHON, "ftp", "ip.src", "ip.dst", "ftp.request.command", "ftp.response.code")
    theirs = Counter((r[0], r[1], r[2] or r[3]) for r in rows)
    mine = Counter({(c["src"], c["dst"], c["code"]): c["count"] for c in conversations(PYTHON, "ftp")})
    assert theirs and mine == theirs


@needs_tshark
def test_transfers_name_their_files_and_the_banner_names_the_server() -> None:
    rows = tshark_rows(
        PYTHON, 'ftp.request.command == "RETR" || ftp.request.command == "STOR"', "ftp.request.arg"
    )
    doc = analyze_capture(PYTHON).doc
    assert doc["protocols"]["ftp"]["op_classes"]["file_transfer"] == len(rows) == 2
    (banner,) = tshark_rows(PYTHON, "ftp.response.code == 220", "ip.src", "ftp.response.arg")
    assert (banner[0], banner[1]) in {
        (i["address"], i["fields"].get("ftp_banner")) for i in identities(PYTHON, "ftp")
    }
