"""TFTP read request from tftpy (it-python.pcap) agrees with tshark."""

from __future__ import annotations

from plantwarden.protocols.tftp import SPEC
from protocols.itkit.it_helpers import PYTHON, conversations, ctx, needs_tshark, tshark_rows
from tests.recorder import Recorder


@needs_tshark
def test_requests_on_port_69_equal_tshark() -> None:
    rows = tshark_rows(
        PYTHON, "tftp && udp.dstport == 69", "ip.src", "ip.dst", "tftp.opcode", "tftp.source_file"
    )
    theirs = {(r[0], r[1], r[2]) for r in rows}
    assert theirs == {(c["src"], c["dst"], c["code"]) for c in conversations(PYTHON, "tftp")}
    assert rows[0][3] == "switch.cfg"


def test_request_without_mode_is_an_anomaly() -> None:
    out = Recorder()
    SPEC.new_session().on_pdu(b"\x00\x01file", ctx(transport="udp", dport=69), out)
    assert [a.name for a in out.anomalies] == ["tftp.malformed"]
