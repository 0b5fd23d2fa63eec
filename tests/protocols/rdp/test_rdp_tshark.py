"""RDP negotiation from impacket's rdp_check and FreeRDP against xrdp agrees with tshark."""

from __future__ import annotations

from plantwarden.protocols.rdp import SPEC, wire
from plantwarden.protocols.s7comm import SPEC as S7_SPEC
from protocols.itkit.it_helpers import DAEMONS, conversations, identities, needs_tshark, payloads, tshark_rows


@needs_tshark
def test_cookie_and_protocols_equal_tshark() -> None:
    rows = tshark_rows(
        DAEMONS,
        "rdp",
        "ip.src",
        "rdp.rt_cookie",
        "rdp.negReq.requestedProtocols",
        "rdp.negReq.selectedProtocol",
    )
    cookies = {(r[0], r[1].removeprefix("Cookie: mstshash=")) for r in rows if r[1]}
    mine = {
        (i["address"], i["fields"]["rdp_user"])
        for i in identities(DAEMONS, "rdp")
        if "rdp_user" in i["fields"]
    }
    assert cookies == mine == {("127.0.0.1", "engineer")}
    selected = {wire.protocols(int(r[3], 16)) for r in rows if r[3]}
    assert selected == {
        i["fields"]["rdp_protocols"] for i in identities(DAEMONS, "rdp") if "rdp_protocols" in i["fields"]
    }
    assert {r[2] for r in rows if r[2]} == {"0x00000003"}
    assert {(c["code"], c["count"]) for c in conversations(DAEMONS, "rdp")} == {
        ("x224:CR", 2),
        ("x224:CC", 2),
    }


def test_probe_takes_rdp_requests_but_not_s7_connection_requests() -> None:
    requests = [p for d, p in payloads(DAEMONS, 3389) if d == "to_server" and p[5:6] == b"\xe0"]
    assert len(requests) == 2 and all(SPEC.probe(p, "tcp") for p in requests)
    s7_cr = bytes.fromhex("0300001611e00000000100c0010ac1020100c2020102")
    assert not SPEC.probe(s7_cr, "tcp") and S7_SPEC.probe(s7_cr, "tcp")
