"""TLS 1.2 and 1.3 from Python's ssl (it-python.pcap) agree with tshark and openssl."""

from __future__ import annotations

from collections import Counter

from plantwarden.protocols.tls.session import HANDSHAKES
from protocols.itkit.it_helpers import PYTHON, conversations, identities, needs_tshark, tshark_rows

CONTENT = {"20": "change_cipher_spec", "21": "alert", "23": "application_data"}


@needs_tshark
def test_handshake_messages_equal_tshark_until_application_data() -> None:
    rows = tshark_rows(
        PYTHON,
        "tls",
        "tcp.stream",
        "ip.src",
        "ip.dst",
        "tls.record.content_type",
        "tls.handshake.type",
        "tls.record.opaque_type",
    )
    theirs: Counter[tuple[str, str, str]] = Counter()
    done: set[tuple[str, str]] = set()
    encrypted: set[tuple[str, str]] = set()
    for stream, src, dst, ctypes, htypes, opaque in rows:
        hs = iter(htypes.split(",")) if htypes else iter(())
        for ct in filter(None, (ctypes + "," + opaque).split(",")):
            side = (stream, src)
            if side in done:
                continue
            if ct == "22":
                h = next(hs, None)
                name = (
                    f"handshake:{HANDSHAKES[int(h)]}"
                    if h and side not in encrypted
                    else "handshake:encrypted"
                )
                theirs[(src, dst, name)] += 1
                continue
            theirs[(src, dst, CONTENT[ct])] += 1
            if ct == "20":
                encrypted.add(side)
            if ct == "23":
                done.add(side)
    mine = Counter({(c["src"], c["dst"], c["code"]): c["count"] for c in conversations(PYTHON, "tls")})
    assert theirs and mine == theirs


@needs_tshark
def test_sni_and_negotiated_versions_equal_tshark() -> None:
    sni = {
        (r[0], r[1])
        for r in tshark_rows(
            PYTHON, "tls.handshake.type == 1", "ip.dst", "tls.handshake.extensions_server_name"
        )
    }
    assert sni == {
        (i["address"], i["fields"]["sni"]) for i in identities(PYTHON, "tls") if "sni" in i["fields"]
    }
    rows = tshark_rows(
        PYTHON,
        "tls.handshake.type == 2",
        "tls.handshake.version",
        "tls.handshake.extensions.supported_version",
    )
    theirs = sorted(r[1] or r[0] for r in rows)
    names = {"0x0303": "TLS 1.2", "0x0304": "TLS 1.3"}
    mine = sorted(
        i["fields"]["tls_version"] for i in identities(PYTHON, "tls") if "tls_version" in i["fields"]
    )
    assert [names[v] for v in theirs] == mine == ["TLS 1.2", "TLS 1.3"]


@needs_tshark
def test_certificate_names_and_validity_equal_tshark() -> None:
    (row,) = tshark_rows(
        PYTHON, "tls.handshake.certificate", "x509sat.uTF8String", "x509sat.CountryName", "x509af.utcTime"
    )
    (cert,) = [i["fields"] for i in identities(PYTHON, "tls") if "cert_subject" in i["fields"]]
    strings = {s for s in (row[0] + "," + row[1]).split(",") if s}
    assert strings == {"DE", "Plant Example", "historian.plant.lan"}
    for s in strings:
        assert f"={s}" in cert["cert_subject"] and f"={s}" in cert["cert_issuer"]
    not_before = row[2].split(",")[0]  # e.g. "2026-11-22 01:23:49 (UTC)"
    assert cert["cert_not_before"].replace("T", " ").rstrip("Z") == not_before.split(" (")[0]
