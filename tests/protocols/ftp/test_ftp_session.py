"""FTP session details: file names, firmware-like names, passwords never kept."""

from __future__ import annotations

from plantwarden.protocols.ftp import SPEC
from protocols.itkit.it_helpers import PYTHON, ctx, payloads
from tests.recorder import Recorder


def _replay() -> Recorder:
    out = Recorder()
    session = SPEC.new_session()
    for direction, seg in payloads(PYTHON, 21):
        while seg:
            n = SPEC.pdu_length(seg)
            assert n > 0
            session.on_pdu(seg[:n], ctx(direction, dport=21), out)
            seg = seg[n:]
    return out


def test_retr_of_a_firmware_image_is_flagged() -> None:
    retr = [o for o in _replay().ops if o.code == "RETR"]
    assert retr[0].details == {"filename": "plc_fw_v2.bin", "firmware_like": True}


def test_password_is_not_kept() -> None:
    out = _replay()
    assert [o.details for o in out.ops if o.code == "PASS"] == [{}]
    assert "secret" not in repr(out)
