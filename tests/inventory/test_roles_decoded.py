"""Roles come only from decoded application traffic, never from a port that refused a scan.

The dairy demo's incident capture holds a kernel connect() scan of the control zone (real
SYN/SYN-ACK/RST exchanges, examples/dairy/gen/attacks.py); detect-modbus.pcap holds one made
on loopback next to a real pymodbus server (tests/data/generate/detect_modbus.py).
"""

from __future__ import annotations

from functools import cache

from plantwarden.inventory import make_inventory
from plantwarden.inventory.build import InventoryReport
from plantwarden.site.use import read_site
from tests.examples.test_dairy_captures import DAIRY, INCIDENTS, NORMAL
from tests.inventory.helpers import doc_of, generated

SCANNED = ("hmi-pack", "hmi-recv", "labeller-01", "opcua-01")
PORT_ONLY_ROLES = {"historian", "printer", "remote_access_host", "file_server", "domain_controller"}


@cache
def _dairy() -> InventoryReport:
    model, _ = read_site(DAIRY / "site.yaml")
    return make_inventory([doc_of(NORMAL), doc_of(INCIDENTS)], model)


def _roles(report: InventoryReport, key: str) -> dict[str, tuple[str, ...]]:
    (asset,) = report.inventory.find(key)
    return {r.role: r.reasons for r in asset.roles}


def test_scanned_demo_assets_get_no_role_from_the_ports_they_refused() -> None:
    report = _dairy()
    for name in SCANNED:
        roles = _roles(report, name)
        assert not PORT_ONLY_ROLES & roles.keys(), (name, roles)
        assert not [r for reasons in roles.values() for r in reasons if "answers pi" in r or "ssh" in r]
    # what they do decode is still there
    assert "opc_server" in _roles(report, "opcua-01")
    assert "ics_client" in _roles(report, "hmi-pack")


def test_scan_edges_stay_on_the_map_but_name_no_service() -> None:
    report = _dairy()
    (hmi,) = report.inventory.find("hmi-pack")
    refused = [e for e in report.edges if e.server == hmi.id and e.proto == "pi"]
    assert refused and all(e.transport == "tcp" and e.port == 5450 for e in refused)
    assert "historian" not in _roles(report, "hmi-pack")


def test_a_one_way_decoded_service_still_gives_its_role() -> None:
    # the print server sends raw jobs to the label printers (jetdirect, decoded, never answered)
    assert "printer" in _roles(_dairy(), "lblprt-1")


def test_real_loopback_scan_leaves_the_modbus_server_a_plc_only() -> None:
    report = make_inventory([generated("detect-modbus.pcap")])
    roles = _roles(report, "127.0.7.1")
    assert list(roles) == ["plc"]
    # the scanner's connect() to port 22 is on the map as ssh, but 127.0.7.1 serves no ssh
    assert any(e.server == "127.0.7.1" and e.port == 22 for e in report.edges)
