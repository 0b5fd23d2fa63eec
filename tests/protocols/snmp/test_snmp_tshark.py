"""SNMP from net-snmp's snmpget/snmpd (it-daemons.pcap) agrees with tshark."""

from __future__ import annotations

from collections import Counter

from plantwarden.protocols.snmp import SPEC
from plantwarden.protocols.snmp.session import PDU_TYPES
from protocols.itkit.it_helpers import (
    DAEMONS,
    conversations,
    ctx,
    identities,
    needs_tshark,
    payloads,
    tshark_rows,
)
from tests.recorder import Recorder


@needs_tshark
def test_pdu_types_per_pair_equal_tshark() -> None:
    rows = tshark_rows(DAEMONS, "snmp", "ip.src", "ip.dst", "snmp.data")
    theirs = Counter((r[0], r[1], PDU_TYPES[0xA0 + int(r[2])]) for r in rows)
    mine = Counter({(c["src"], c["dst"], c["code"]): c["count"] for c in conversations(DAEMONS, "snmp")})
    assert theirs and mine == theirs


@needs_tshark
def test_system_group_values_equal_tshark() -> None:
    rows = tshark_rows(DAEMONS, "snmp.data == 2", "ip.src", "snmp.value.octets", "snmp.value.oid")
    theirs = {bytes.fromhex(h).decode() for r in rows for h in r[1].split(",") if h} | {
        r[2] for r in rows if r[2]
    }
    mine = {v for i in identities(DAEMONS, "snmp") for v in i["fields"].values()}
    assert theirs and mine == theirs
    assert "PLC gateway PW-GW 3.1 (Linux)" in mine


def test_community_string_is_never_kept() -> None:
    out = Recorder()
    session = SPEC.new_session()
    for direction, p in payloads(DAEMONS, 161, "udp"):
        session.on_pdu(p, ctx(direction, transport="udp", dport=161), out)
    assert out.ops and all(o.details["community_present"] for o in out.ops)
    assert {o.details["community_length"] for o in out.ops} == {len("plantRO"), len("wrong")}
    assert "plantRO" not in repr(out)


def test_truncated_message_is_an_anomaly() -> None:
    first = next(p for _, p in payloads(DAEMONS, 161, "udp"))
    out = Recorder()
    SPEC.new_session().on_pdu(first[:-5], ctx(transport="udp", dport=161), out)
    assert [a.name for a in out.anomalies] == ["snmp.malformed"]
