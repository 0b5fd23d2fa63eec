"""Which addresses are public, and which learned hosts are OT hosts."""

from __future__ import annotations

import pytest

from plantwarden.detect.baseline import Baseline, Channel
from plantwarden.detect.known import Known
from plantwarden.detect.sitectx import is_public


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("198.51.100.7", True),  # documentation range (RFC 5737): never a plant's own address
        ("2001:db8::7", True),
        ("10.1.2.3", False),
        ("172.31.0.1", False),
        ("192.168.0.10", False),
        ("100.64.0.1", False),  # RFC 6598 shared address space (carrier-grade NAT)
        ("169.254.1.1", False),
        ("127.0.8.1", False),
        ("224.0.0.251", False),
        ("255.255.255.255", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:10.0.0.1", False),
        ("02:77:00:00:00:01", False),  # a MAC address (no IP) is not an address of the Internet
    ],
)
def test_public_means_outside_every_site_local_range(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_only_industrial_channels_make_ot_hosts() -> None:
    known = Known.of(
        Baseline(
            channels=[
                Channel(client="10.0.9.10", server="10.0.9.20", proto="smb"),
                Channel(client="10.0.2.10", server="10.0.1.10", proto="modbus"),
            ]
        )
    )
    assert known.ot_hosts == {"10.0.2.10", "10.0.1.10"}
