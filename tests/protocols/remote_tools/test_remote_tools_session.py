"""TeamViewer and AnyDesk recognition by port and signature (no client can run here)."""

from __future__ import annotations

from plantwarden.protocols.remote_tools import ANYDESK_SPEC, TEAMVIEWER_SPEC
from protocols.itkit.it_helpers import PYTHON, ctx, payloads
from tests.recorder import Recorder


def test_teamviewer_magic_is_one_session_per_direction() -> None:
    out = Recorder()
    session = TEAMVIEWER_SPEC.new_session()
    hello = b"\x17\x24\x0a\x20" + bytes(33)
    assert TEAMVIEWER_SPEC.probe(hello, "tcp") and not TEAMVIEWER_SPEC.probe(b"\x16\x03\x01", "tcp")
    for _ in range(3):
        session.on_pdu(hello, ctx(dport=5938), out)
    session.on_pdu(hello, ctx("to_client", dport=5938), out)
    assert [(o.code, o.details["remote_access"]) for o in out.ops] == [("session", True), ("session", True)]
    assert out.identities[0].fields == {"remote_access": "teamviewer"}


def test_anydesk_port_with_a_real_tls_client_hello() -> None:
    hello = next(p for d, p in payloads(PYTHON, 443) if d == "to_server")
    assert ANYDESK_SPEC.probe(hello, "tcp") and ANYDESK_SPEC.pdu_length(hello) == len(hello)
    out = Recorder()
    ANYDESK_SPEC.new_session().on_pdu(hello, ctx(dport=7070), out)
    assert out.ops[0].details == {"remote_access": True, "signature": "port+tls", "verified": True}
