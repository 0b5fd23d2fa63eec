"""NetBIOS name decoding on real frames, and bad input."""

from __future__ import annotations

from plantwarden.protocols.dns.wire import DnsError
from plantwarden.protocols.nbns import SPEC, wire
from protocols.itkit.it_helpers import LEMAY, ctx, payloads
from tests.recorder import Recorder

NAME_SERVICE = [p for _, p in payloads(LEMAY, 137, "udp")]
DATAGRAMS = [p for _, p in payloads(LEMAY, 138, "udp")]


def test_first_level_encoding_decodes_name_and_suffix() -> None:
    nb = wire.decode_name("ENFEFFCNDGDBEBDHDJDEDGDHDCDDDCCA")
    assert (nb.name, nb.suffix) == ("MTU-61A79467232", 0x20)


def test_bad_encoding_is_rejected() -> None:
    try:
        wire.decode_name("zz")
    except DnsError:
        return
    raise AssertionError("accepted a non-encoded name")


def test_probes_accept_real_frames_and_reject_junk() -> None:
    assert all(SPEC.probe(p, "udp") for p in NAME_SERVICE + DATAGRAMS)
    assert not SPEC.probe(b"\x01" * 40, "udp")


def test_truncated_datagram_is_an_anomaly() -> None:
    out = Recorder()
    SPEC.new_session().on_pdu(DATAGRAMS[0][:60], ctx(transport="udp", sport=138, dport=138), out)
    assert [a.name for a in out.anomalies] == ["nbdgm.malformed"] and not out.ops
