"""LPD and JetDirect/PJL decoding (RFC 1179, HP PJL reference).

No printer or LPD daemon runs here, so these PDUs follow the documents' examples; the
decoders are untested against real printers (docs/protocols/it.md).
"""

from __future__ import annotations

from plantwarden.protocols.printing import JETDIRECT_SPEC, LPD_SPEC
from protocols.itkit.it_helpers import ctx
from tests.recorder import Recorder


def test_pjl_info_id_question_and_answer_give_the_model() -> None:
    out = Recorder()
    session = JETDIRECT_SPEC.new_session()
    question = b"\x1b%-12345X@PJL\r\n@PJL INFO ID\r\n\x1b%-12345X"
    assert JETDIRECT_SPEC.probe(question, "tcp")
    session.on_pdu(question, ctx(dport=9100), out)
    session.on_pdu(b'@PJL INFO ID\r\n"HP LaserJet 4250"\r\n\x0c', ctx("to_client", dport=9100), out)
    assert [o.code for o in out.ops] == ["pjl:INFO ID", "pjl:answer"]
    assert out.identities[0].fields == {"printer_model": "HP LaserJet 4250"}
    assert out.identities[0].address == "10.0.0.1"


def test_plain_print_data_is_one_job() -> None:
    out = Recorder()
    session = JETDIRECT_SPEC.new_session()
    for _ in range(3):
        session.on_pdu(b"%!PS-Adobe-3.0\n showpage\n", ctx(dport=9100), out)
    assert [o.code for o in out.ops] == ["job"]


def test_lpd_receive_job_with_control_file_names_the_client() -> None:
    out = Recorder()
    session = LPD_SPEC.new_session()
    for pdu in (
        b"\x02lp\n",
        b"\x02" + b"31 cfA001eng-ws01\n",
        b"Heng-ws01\nPengineer\nJrecipe.txt\nldfA001eng-ws01\n",
    ):
        session.on_pdu(pdu, ctx(dport=515), out)
    assert [o.code for o in out.ops] == ["2", "sub:2"]
    assert out.identities[0].fields == {"hostname": "eng-ws01", "user": "engineer"}
