"""NTP from ntplib/sntp against chronyd (it-daemons.pcap) agrees with tshark."""

from __future__ import annotations

from collections import Counter

from plantwarden.protocols.ntp import SPEC
from protocols.itkit.it_helpers import (
    DAEMONS,
    EMRE,
    conversations,
    ctx,
    identities,
    needs_tshark,
    tshark_rows,
)
from tests.recorder import Recorder


@needs_tshark
def test_modes_and_strata_equal_tshark() -> None:
    rows = tshark_rows(DAEMONS, "ntp", "ip.src", "ip.dst", "ntp.flags.mode", "ntp.stratum")
    theirs = Counter((r[0], r[1], r[2]) for r in rows)
    mine = Counter({(c["src"], c["dst"], c["code"]): c["count"] for c in conversations(DAEMONS, "ntp")})
    assert theirs and mine == theirs
    servers = {(r[0], r[3]) for r in rows if r[2] == "4"}
    assert servers == {
        (i["address"], i["fields"]["ntp_stratum"])
        for i in identities(DAEMONS, "ntp")
        if i["fields"].get("role") == "ntp_server"
    }


def test_probe_does_not_take_other_broadcasts() -> None:
    assert not conversations(EMRE, "ntp")
    assert not SPEC.probe(b"\x00" * 40, "udp") and not SPEC.probe(b"\x23" + b"\x00" * 47 + b"x", "udp")


def test_short_packet_is_an_anomaly() -> None:
    out = Recorder()
    SPEC.new_session().on_pdu(b"\x23\x00\x06", ctx(transport="udp", dport=123), out)
    assert [a.name for a in out.anomalies] == ["ntp.invalid_length"]
