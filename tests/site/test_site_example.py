"""The worked example (examples/dairy/site.yaml) is valid and says what the docs say it does."""

from __future__ import annotations

from datetime import datetime
from ipaddress import ip_address
from pathlib import Path

import pytest
from pydantic import ValidationError

from plantwarden.site import SiteModel, expand_windows, load_site
from plantwarden.site.model import AssetRole, ConduitDirection

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"


@pytest.fixture(scope="module")
def dairy() -> SiteModel:
    return load_site(DAIRY)


def test_minimal_fixture_is_valid() -> None:
    assert load_site(MINIMAL).site.name == "Test dairy"


def test_dairy_sections(dairy: SiteModel) -> None:
    assert dairy.site.timezone == "Europe/Berlin" and dairy.site.currency == "EUR"
    assert [z.name for z in dairy.zones] == [
        "enterprise",
        "dmz",
        "operations",
        "control",
        "safety",
        "building",
        "utility",
    ]
    assert {x.name: x.downtime_cost_per_hour for x in dairy.lines} == {
        "reception-processing": 9500,
        "filling": 14000,
        "packaging": 6500,
    }
    assert dairy.counts()["assets"] == len(dairy.assets) >= 30


def test_dairy_has_one_slash_24_per_zone_and_vlan_matches_third_octet(dairy: SiteModel) -> None:
    for zone in dairy.zones:
        (net,) = zone.cidrs
        assert net.prefixlen == 24 and str(net).startswith("10.10.")
        assert zone.vlans == (int(str(net).split(".")[2]),)


def test_dairy_asset_addresses_are_in_their_zone(dairy: SiteModel) -> None:
    for asset in dairy.assets:
        zone = dairy.zone(asset.zone)
        assert zone is not None
        assert all(any(ip in net for net in zone.cidrs) for ip in asset.ips), asset.name


def test_dairy_plcs_of_several_vendors(dairy: SiteModel) -> None:
    plcs = [a for a in dairy.assets if a.role is AssetRole.PLC]
    assert {a.vendor for a in plcs} == {"Siemens", "Rockwell Automation", "Schneider Electric"}
    plc = dairy.asset("plc-recv")
    assert plc is not None and plc.ips == (ip_address("10.10.40.11"),)


def test_lookup_by_address(dairy: SiteModel) -> None:
    zone = dairy.zone_for_ip("10.10.50.10")
    asset = dairy.asset_for_ip(ip_address("10.10.40.21"))
    assert zone is not None and zone.name == "safety"
    assert asset is not None and asset.name == "plc-fill-a"
    assert dairy.asset_for_ip("10.10.40.1") is None  # the gateway is not a declared asset
    assert dairy.zone_for_ip("192.168.1.1") is None


def test_dairy_legacy_windows_hosts(dairy: SiteModel) -> None:
    old = [a for a in dairy.assets if a.end_of_support and a.end_of_support.year <= 2020]
    legacy = {(a.os, a.os_version) for a in old}
    assert {("Windows", "XP SP3"), ("Windows", "7 SP1"), ("Windows Server", "2008 R2")} <= legacy


def test_dairy_label_chain_and_redundancy(dairy: SiteModel) -> None:
    edges = {(a, b): buffer for a, b, buffer in dairy.requirement_edges()}
    assert edges[("packaging", "labeller-01")] == 5
    assert edges[("labeller-01", "label-printers")] == 30
    assert edges[("lblprt-1", "label-printing")] == 15
    scada = dairy.group("scada-pair")
    assert scada is not None and (scada.k, len(scada.members)) == (1, 2)


def test_dairy_conduit_shorthands_resolve_to_registered_ports(dairy: SiteModel) -> None:
    conduits = {c.name: c for c in dairy.conduits}
    control = conduits["operations-to-control"]
    assert {(a.protocol, a.transport, a.port) for a in control.allow} >= {
        ("s7comm", "tcp", 102),
        ("enip", "tcp", 44818),
        ("modbus", "tcp", 502),
        ("opcua", "tcp", 4840),
    }
    back = conduits["control-to-operations"].allow
    assert ("tcp", "tcp", 9100) in {(a.protocol, a.transport, a.port) for a in back}
    assert conduits["operations-building"].direction is ConduitDirection.BIDIRECTIONAL


def test_dairy_windows_in_2025(dairy: SiteModel) -> None:
    found = expand_windows(dairy.maintenance_windows, dairy.tz, datetime(2025, 1, 1), datetime(2026, 1, 1))
    by_name = {name: [iv for iv in found if iv.window == name] for name in {iv.window for iv in found}}
    assert len(by_name["sunday-biweekly"]) == 26 and len(by_name["reception-monthly"]) == 12
    assert len(by_name["summer-shutdown-2025"]) == 1
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            assert not (set(a.lines) & set(b.lines) and a.overlaps(b)), (a, b)


def test_model_is_frozen(dairy: SiteModel) -> None:
    with pytest.raises(ValidationError):
        dairy.site.name = "other"  # type: ignore[misc]


def test_dump_round_trips_through_the_model(dairy: SiteModel) -> None:
    """The store keeps ``model_dump(mode="json")``; reading it back gives the same model."""
    assert SiteModel.model_validate(dairy.model_dump(mode="json")) == dairy
