"""TDS pre-login and LOGIN7 on packets built by impacket's TDS encoder.

No SQL Server runs here to capture, so the packets come from impacket's own structures
(the ones its MSSQL client sends), not from hand-typed bytes.
"""

from __future__ import annotations

import pytest

from plantwarden.protocols.tds import SPEC
from protocols.itkit.it_helpers import ctx
from tests.recorder import Recorder

tds = pytest.importorskip("impacket.tds", reason="impacket (test extra) builds the TDS packets")


def packet(ptype: int, data: bytes) -> bytes:
    p = tds.TDSPacket()
    p["Type"], p["Data"] = ptype, data
    return bytes(p.getData())


def prelogin(version: bytes) -> bytes:
    pre = tds.TDS_PRELOGIN()
    pre["Version"], pre["Encryption"] = version, tds.TDS_ENCRYPT_NOT_SUP
    pre["ThreadID"], pre["Instance"] = b"\x00\x00\x00\x00", b"MSSQLServer\x00"
    return bytes(pre.getData())


def login7() -> bytes:
    login = tds.TDS_LOGIN()
    login["HostName"] = "ENG-WS01".encode("utf-16le")
    login["UserName"] = "historian".encode("utf-16le")
    login["AppName"] = "PlantReports".encode("utf-16le")
    login["ServerName"] = "SQL01".encode("utf-16le")
    login["CltIntName"] = login["AppName"]
    login["OptionFlags2"] = 0
    login["Password"] = b""
    login["Length"] = len(login.getData())
    return bytes(login.getData())


def test_prelogin_answer_gives_the_server_version() -> None:
    out = Recorder()
    session = SPEC.new_session()
    client = packet(tds.TDS_PRE_LOGIN, prelogin(b"\x08\x00\x01\x55\x00\x00"))
    server = packet(tds.TDS_TABULAR, prelogin(b"\x10\x00\x03\xe8\x00\x00"))
    assert SPEC.pdu_length(client) == len(client) and SPEC.probe(client, "tcp")
    session.on_pdu(client, ctx(dport=1433), out)
    session.on_pdu(server, ctx("to_client", dport=1433), out)
    assert [o.code for o in out.ops] == ["18", "4"]
    assert out.identities[0].fields == {"sql_version": "16.0.1000", "sql_encryption": "not_supported"}
    assert out.identities[0].address == "10.0.0.1"


def test_clear_login7_names_the_client() -> None:
    out = Recorder()
    SPEC.new_session().on_pdu(packet(tds.TDS_LOGIN7, login7()), ctx(dport=1433), out)
    fields = out.identities[0].fields
    assert (fields["hostname"], fields["user"], fields["app"], fields["server_name"]) == (
        "ENG-WS01",
        "historian",
        "PlantReports",
        "SQL01",
    )


def test_truncated_prelogin_answer_is_an_anomaly() -> None:
    out = Recorder()
    session = SPEC.new_session()
    session.on_pdu(packet(tds.TDS_PRE_LOGIN, prelogin(b"\x08\x00\x01\x55\x00\x00")), ctx(dport=1433), out)
    session.on_pdu(
        packet(tds.TDS_TABULAR, prelogin(b"\x10\x00\x03\xe8\x00\x00")[:12]), ctx("to_client", dport=1433), out
    )
    assert [a.name for a in out.anomalies] == ["tds.malformed"]
