"""Random and mutated input never makes an IT decoder raise (hypothesis, a few seconds)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from plantwarden.protocols.itkit.catalog import IT_SPECS
from protocols.itkit.it_helpers import DAEMONS, DNSMASQ, LEMAY, PYTHON, ctx, payloads
from tests.recorder import Recorder

# (spec, port, transport, real payloads) for every decoder that has real traffic here
SOURCES = [
    ("dhcp", 67, "udp", DNSMASQ),
    ("dns", 53, "udp", DNSMASQ),
    ("dns", 53, "tcp", DNSMASQ),
    ("nbns", 137, "udp", LEMAY),
    ("nbns", 138, "udp", LEMAY),
    ("smb", 139, "tcp", LEMAY),
    ("smb", 445, "tcp", PYTHON),
    ("http", 80, "tcp", PYTHON),
    ("tls", 443, "tcp", PYTHON),
    ("tls", 8443, "tcp", PYTHON),
    ("ftp", 21, "tcp", PYTHON),
    ("tftp", 69, "udp", PYTHON),
    ("syslog", 514, "udp", PYTHON),
    ("ssh", 22, "tcp", DAEMONS),
    ("snmp", 161, "udp", DAEMONS),
    ("ntp", 123, "udp", DAEMONS),
    ("vnc", 5901, "tcp", DAEMONS),
    ("rdp", 3389, "tcp", DAEMONS),
]
SPECS = {s.name: s for s in IT_SPECS}
REAL = [
    (SPECS[name], port, transport, d, p)
    for name, port, transport, path in SOURCES
    for d, p in list(payloads(path, port, transport))[:40]
]


def feed(index: int, data: bytes) -> None:
    spec, port, transport, direction, _ = REAL[index]
    session = spec.new_session()
    out = Recorder()
    c = ctx(direction, transport=transport, dport=port)
    spec.probe(data, transport)
    if transport == "tcp":
        n = spec.pdu_length(data)
        assert n >= -1
        if n <= 0 or n > len(data):
            return
        data = data[:n]
    session.on_pdu(data, c, out)
    session.on_pdu(data, c, out)


def test_every_it_decoder_has_real_material() -> None:
    assert {s.name for s, *_ in REAL} == {name for name, *_ in SOURCES}


@settings(max_examples=400, deadline=None)
@given(st.integers(0, len(REAL) - 1), st.binary(max_size=400))
def test_random_bytes(index: int, data: bytes) -> None:
    feed(index, data)


@settings(max_examples=600, deadline=None)
@given(
    st.integers(0, len(REAL) - 1),
    st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=6),
    st.integers(1, 4000),
)
@example(index=20, flips=[(113, 0)], cut=1)  # found once: a NetBIOS question name that is not one
def test_mutated_real_pdus(index: int, flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(REAL[index][4])
    for pos, value in flips:
        data[pos % len(data)] = value
    feed(index, bytes(data[:cut]))
    feed(index, bytes(data))
