"""Packets and host sets agree with tshark on every shared and generated capture."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA, shared_captures, truth_for
from tests.net.helpers import run_engine

CAPTURES = shared_captures() + sorted((DATA / "captures").glob("*.pcap"))


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_packets_and_hosts_equal_tshark(capture: Path) -> None:
    truth = truth_for(capture)
    seen = run_engine(capture)
    c = seen.collector
    assert c.packets == truth["packets"]
    hosts = truth["hosts"]
    assert sorted(c.macs) == sorted(hosts["mac_all"])
    assert sorted(c.ipv4) == sorted(hosts["ipv4_all"])
    assert sorted(c.ipv6) == sorted(hosts["ipv6_all"])
