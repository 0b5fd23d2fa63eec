"""Syslog from Python's SysLogHandler and util-linux logger (it-python.pcap) agrees with tshark."""

from __future__ import annotations

from collections import Counter

from plantwarden.protocols.syslog import wire
from plantwarden.protocols.syslog.session import SEVERITIES
from protocols.itkit.it_helpers import PYTHON, conversations, identities, needs_tshark, tshark_rows


@needs_tshark
def test_severities_per_pair_equal_tshark() -> None:
    rows = tshark_rows(PYTHON, "syslog", "ip.src", "ip.dst", "syslog.level")
    theirs = Counter((r[0], r[1], SEVERITIES[int(r[2])]) for r in rows)
    mine = Counter({(c["src"], c["dst"], c["code"]): c["count"] for c in conversations(PYTHON, "syslog")})
    assert theirs and mine == theirs


@needs_tshark
def test_hostnames_and_apps_of_both_header_formats() -> None:
    rows = tshark_rows(PYTHON, "syslog", "syslog.facility", "syslog.msg")
    assert {r[0] for r in rows} == {"16", "3"}  # local0 (SysLogHandler), daemon (logger)
    found = {
        (i["fields"].get("hostname", ""), i["fields"]["syslog_app"]) for i in identities(PYTHON, "syslog")
    }
    host = rows[-1][1].split(" ")[2]  # RFC 5424: VERSION TIMESTAMP HOSTNAME ...
    assert found == {("", "plcgw"), (host, "scada")}


def test_both_rfc_headers_parse() -> None:
    bsd = wire.parse(b"<29>Nov 22 01:23:49 gw01 scada[42]: done")
    new = wire.parse(b"<29>1 2026-11-22T01:23:49Z gw01 scada 42 - - done")
    assert bsd == wire.Header(3, 5, "rfc3164", "gw01", "scada")
    assert new == wire.Header(3, 5, "rfc5424", "gw01", "scada")
    assert wire.parse(b"<999>x") is None and wire.parse(b"no pri") is None
