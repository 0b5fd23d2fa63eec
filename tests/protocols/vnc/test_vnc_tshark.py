"""RFB versions from TigerVNC's Xvnc and vncdotool (it-daemons.pcap) agree with tshark."""

from __future__ import annotations

from plantwarden.protocols.vnc import SPEC
from protocols.itkit.it_helpers import DAEMONS, ctx, identities, needs_tshark, tshark_rows
from tests.recorder import Recorder


@needs_tshark
def test_versions_equal_tshark() -> None:
    rows = tshark_rows(
        DAEMONS,
        "vnc.server_proto_ver || vnc.client_proto_ver",
        "ip.src",
        "vnc.server_proto_ver",
        "vnc.client_proto_ver",
    )
    theirs = {(r[0], ".".join(str(int(x)) for x in (r[1] or r[2]).split("."))) for r in rows}
    mine = {(i["address"], i["fields"]["rfb_version"]) for i in identities(DAEMONS, "vnc")}
    assert theirs and mine == theirs


def test_bad_version_string_is_an_anomaly() -> None:
    out = Recorder()
    SPEC.new_session().on_pdu(b"RFB 00x.008\n", ctx("to_client", dport=5900), out)
    assert [a.name for a in out.anomalies] == ["vnc.malformed"] and not out.ops
