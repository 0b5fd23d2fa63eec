"""Directed broadcasts are not hosts outside every zone."""

from __future__ import annotations

from plantwarden.continuity.zoning import Zoning
from plantwarden.site.loader import load_site
from tests.conftest import ROOT


def test_directed_broadcasts_of_zone_networks_are_recognised() -> None:
    model = load_site(ROOT / "examples" / "dairy" / "site.yaml")
    zoning = Zoning(model.zones)
    assert zoning.directed_broadcast("10.10.255.255")  # the plant's /16 holding the /24 zones
    assert zoning.directed_broadcast("10.10.40.255")  # the control zone's own broadcast
    assert not zoning.directed_broadcast("10.10.40.11")  # plc-recv
    assert not zoning.directed_broadcast("10.10.40.127")  # a host: only a /25 would end here
    assert not zoning.directed_broadcast("192.168.1.255")  # no zone there
