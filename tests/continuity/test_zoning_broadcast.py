"""Broadcast, network and multicast addresses are never assets, in any zone size."""

from __future__ import annotations

from ipaddress import ip_network

from plantwarden.continuity.zoning import Zoning
from plantwarden.inventory import make_inventory
from plantwarden.inventory.anchors import ip_is_group
from plantwarden.inventory.declared import broadcasts
from plantwarden.site.groups import is_group_address, zone_group_addresses
from plantwarden.site.loader import load_site
from tests.conftest import ROOT
from tests.inventory.helpers import doc_of


def test_directed_broadcasts_of_zone_networks_are_recognised() -> None:
    model = load_site(ROOT / "examples" / "dairy" / "site.yaml")
    zoning = Zoning(model.zones)
    assert zoning.directed_broadcast("10.10.255.255")  # the plant's /16 holding the /24 zones
    assert zoning.directed_broadcast("10.10.40.255")  # the control zone's own broadcast
    assert not zoning.directed_broadcast("10.10.40.11")  # plc-recv
    assert not zoning.directed_broadcast("10.10.40.127")  # a host: only a /25 would end here
    assert not zoning.directed_broadcast("192.168.1.255")  # no zone there


def test_zone_addresses_in_any_zone_size() -> None:
    nets = [ip_network("10.20.0.0/23"), ip_network("10.30.0.0/25"), ip_network("10.40.0.8/31")]
    groups = zone_group_addresses(nets)
    assert {"10.20.0.0", "10.20.1.255", "10.30.0.0", "10.30.0.127"} <= groups
    assert "10.20.0.255" not in groups and "10.20.1.0" not in groups  # hosts of the /23
    assert not {"10.40.0.8", "10.40.0.9"} & groups  # a /31 has no broadcast (RFC 3021)
    assert "10.31.255.255" in groups  # the /12 holding 10.30.0.0/25: not a host of any zone
    assert "10.20.0.255" not in groups  # the /24 "broadcast" inside the /23 is a host
    assert "10.30.0.255" in groups  # the /24 holding the /25 zone, no zone holds .255 there


def test_group_addresses_without_zones() -> None:
    for address in ("255.255.255.255", "224.0.0.251", "239.255.255.250", "ff02::1", "0.0.0.0", "10.9.8.255"):
        assert is_group_address(address), address
    for address in ("10.9.8.7", "127.0.0.255", "fe80::1", "not an address"):
        assert not is_group_address(address), address


def test_the_dairy_plants_broadcast_is_no_asset() -> None:
    # bms-head's BACnet Who-Is goes to 10.10.255.255, the /16 holding the /24 zones: a group
    model = load_site(ROOT / "examples" / "dairy" / "site.yaml")
    report = make_inventory([doc_of(ROOT / "examples" / "dairy" / "captures" / "normal.pcap")], model)
    (found,) = report.inventory.find("10.10.255.255")
    assert found.kind == "group"
    assert "10.10.255.255" not in {ip for a in report.inventory.devices() for ip in a.ips}


def test_a_zone_larger_than_a_24_keeps_its_dot_255_hosts() -> None:
    # the same plant with the building zone widened to a /23: 10.10.61.255 is then its
    # broadcast, 10.10.60.255 a host; 10.10.255.255 still the plant's broadcast
    model = load_site(ROOT / "examples" / "dairy" / "site.yaml")
    zones = [
        z.model_copy(update={"cidrs": [ip_network("10.10.60.0/23")]}) if z.name == "building" else z
        for z in model.zones
    ]
    groups = broadcasts(model.model_copy(update={"zones": zones}))
    assert {"10.10.61.255", "10.10.255.255", "10.10.60.0"} <= groups
    assert "10.10.60.255" not in groups
    assert ip_is_group("10.10.61.255", groups) and not ip_is_group("10.10.60.255", groups)
