"""DHCP session details on real udhcpc/dnsmasq messages, and bad input."""

from __future__ import annotations

from plantwarden.protocols.dhcp import SPEC, wire
from protocols.itkit.it_helpers import DNSMASQ, ctx, payloads
from tests.recorder import Recorder

MESSAGES = [p for _, p in payloads(DNSMASQ, 67, "udp")]


def test_real_discover_parses_with_its_options() -> None:
    msg = wire.parse(MESSAGES[0])
    assert msg.op == 1 and msg.options[53] == b"\x01"
    assert msg.options[12] == b"eng-ws01"


def test_truncated_message_is_an_anomaly() -> None:
    out = Recorder()
    SPEC.new_session().on_pdu(MESSAGES[0][:100], ctx(transport="udp", dport=67), out)
    assert [a.name for a in out.anomalies] == ["dhcp.malformed"] and not out.ops


def test_option_running_past_the_end_is_an_anomaly() -> None:
    out = Recorder()
    cut = MESSAGES[0][: wire.FIXED + 4] + b"\x0c\x20abc"
    SPEC.new_session().on_pdu(cut, ctx(transport="udp", dport=67), out)
    assert out.anomalies[0].name == "dhcp.malformed" and "option 12" in out.anomalies[0].detail
