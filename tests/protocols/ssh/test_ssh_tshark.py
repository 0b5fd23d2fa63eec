"""SSH identification strings from OpenSSH (it-daemons.pcap) agree with tshark."""

from __future__ import annotations

from plantwarden.protocols.ssh import SPEC
from protocols.itkit.it_helpers import DAEMONS, conversations, ctx, identities, needs_tshark, tshark_rows
from tests.recorder import Recorder


@needs_tshark
def test_banners_equal_tshark() -> None:
    theirs = {(r[0], r[1]) for r in tshark_rows(DAEMONS, "ssh.protocol", "ip.src", "ssh.protocol")}
    mine = {(i["address"], i["fields"]["ssh_banner"]) for i in identities(DAEMONS, "ssh")}
    assert theirs and mine == theirs
    assert {i["fields"]["software"] for i in identities(DAEMONS, "ssh")} == {"OpenSSH_9.2p1"}
    assert sorted(c["count"] for c in conversations(DAEMONS, "ssh")) == [1, 1]


def test_binary_packets_after_the_banner_are_taken_whole_and_ignored() -> None:
    assert SPEC.pdu_length(b"SSH-2.0-x\r\n\x00\x00\x01") == 11
    assert SPEC.pdu_length(b"\x00\x00\x01\x0c\x0a\x14") == 6
    assert SPEC.pdu_length(b"SSH-2.0-no-end-yet") == 0
    out = Recorder()
    session = SPEC.new_session()
    session.on_pdu(b"\x00\x00\x01\x0c\x0a\x14", ctx(), out)
    session.on_pdu(b"SSH-garbage\r\n", ctx(), out)
    assert not out.ops and [a.name for a in out.anomalies] == ["ssh.malformed"]
