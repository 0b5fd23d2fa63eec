"""Flow table: initiators, per-direction counters and stable ids, checked against tshark."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import DATA, SHARED_CAPTURES
from tests.net.helpers import run_engine

NETCAP = DATA / "captures" / "net-frag-tcp-udp.pcap"


def tshark_tcp_conversations(path: str) -> dict[tuple[str, str], tuple[int, int]]:
    """{(a:port, b:port): (frames b->a, frames a->b)} from `tshark -z conv,tcp`."""
    out = subprocess.run(
        ["tshark", "-n", "-q", "-r", path, "-z", "conv,tcp"], capture_output=True, text=True, check=True
    ).stdout
    convs = {}
    for line in out.splitlines():
        m = re.match(r"(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\d+\s+\S*\s*(\d+)", line)
        if m:
            convs[(m.group(1), m.group(2))] = (int(m.group(3)), int(m.group(4)))
    return convs


def endpoint(addr: str, port: int) -> str:
    return f"{addr}:{port}"


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
@pytest.mark.parametrize(
    "path", [NETCAP, SHARED_CAPTURES / "modbus-iti-modbus_test_data_part1.pcap"], ids=lambda p: p.name
)
def test_tcp_flow_counters_equal_tshark_conversations(path) -> None:  # type: ignore[no-untyped-def]
    flows = [f for f in run_engine(path).flows if f.transport == "tcp"]
    mine: dict[frozenset[str], int] = {}
    for f in flows:
        key = frozenset({endpoint(f.client, f.client_port), endpoint(f.server, f.server_port)})
        mine[key] = mine.get(key, 0) + f.packets[0] + f.packets[1]
    theirs = {frozenset(k): a + b for k, (a, b) in tshark_tcp_conversations(str(path)).items()}
    assert mine == theirs


def test_initiator_is_the_syn_side_and_ids_are_stable() -> None:
    first = run_engine(NETCAP).flows
    again = run_engine(NETCAP).flows
    tcp = [f for f in first if f.transport == "tcp"]
    assert {(f.client, f.server, f.server_port) for f in tcp} == {
        ("10.99.10.1", "10.99.10.2", 5555),
        ("fd00:99::1", "fd00:99::2", 5555),
    }
    for f in tcp:
        assert f.syn_seen and f.state == "closed"
        assert f.packets == [24, 24]
    assert [f.flow_id for f in first] == [f.flow_id for f in again]
    assert len({f.flow_id for f in first}) == len(first)


@pytest.mark.skipif(shutil.which("mergecap") is None, reason="mergecap (tshark) is not installed")
def test_every_segment_seen_twice_is_a_retransmission_and_decoded_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # mergecap of a capture with itself: every frame arrives twice, as on a mirror port
    # that sees a retransmitting sender. PDUs must not double.
    from plantwarden.analyze.pipeline import analyze_capture

    src = SHARED_CAPTURES / "modbus-iti-modbus_test_data_part1.pcap"
    doubled = tmp_path / "doubled.pcap"
    subprocess.run(["mergecap", "-F", "pcap", "-w", str(doubled), str(src), str(src)], check=True)
    once, twice = analyze_capture(src).doc, analyze_capture(doubled).doc
    assert twice["packets"] == 2 * once["packets"]
    assert twice["conversations"] and [
        (c["src"], c["dst"], c["proto"], c["code"], c["count"]) for c in twice["conversations"]
    ] == [(c["src"], c["dst"], c["proto"], c["code"], c["count"]) for c in once["conversations"]]
    data_segments = sum(1 for p in run_engine(src).packets if p.payload and p.sport is not None)
    assert twice["flows"]["tcp_retransmissions"] == data_segments
