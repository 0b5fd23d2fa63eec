"""Merging observations into assets: hosts of every shared capture, idempotence, keys."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from plantwarden.inventory import make_inventory
from plantwarden.inventory.document import inventory_body
from tests.conftest import shared_captures, truth_for
from tests.inventory.helpers import doc_of

AS_OF = date(2026, 11, 21)


@pytest.mark.parametrize("capture", shared_captures(), ids=lambda p: p.name)
def test_every_host_tshark_lists_is_in_the_inventory(capture: Any) -> None:
    inv = make_inventory([doc_of(capture)], as_of=AS_OF).inventory
    hosts = truth_for(capture)["hosts"]
    for address in hosts["ipv4_all"] + hosts["ipv6_all"] + hosts["mac_all"]:
        assert inv.find(address), f"{capture.name}: {address} missing"


def _json(docs: list[dict[str, Any]]) -> str:
    return json.dumps(inventory_body(make_inventory(docs, as_of=AS_OF)), sort_keys=True)


def test_same_capture_twice_changes_nothing() -> None:
    docs = [doc_of(p) for p in shared_captures()[:4]]
    assert _json(docs) == _json([*docs, copy.deepcopy(docs[0])]) == _json(list(reversed(docs)))


def test_a_second_capture_only_adds() -> None:
    first, second = (
        doc_of(p) for p in shared_captures() if p.name.startswith(("modbus-iti", "dnp3-iti-dnp3"))
    )
    one = {a["id"]: a for a in inventory_body(make_inventory([first], as_of=AS_OF))["assets"]}
    both = {a["id"]: a for a in inventory_body(make_inventory([first, second], as_of=AS_OF))["assets"]}
    assert set(one) < set(both) or set(one) <= set(both)
    for aid, a in one.items():
        b = both[aid]
        assert {i["address"] for i in a["ips"]} <= {i["address"] for i in b["ips"]}
        for name, values in a["fields"].items():
            assert {v["value"] for v in values} <= {v["value"] for v in b["fields"][name]}
        assert set(a["captures"]) <= set(b["captures"])
    (host,) = [a for a in both.values() if "10.0.0.3" in {i["address"] for i in a["ips"]}]
    assert "dnp3-iti-dnp3_test_data_part1.pcap" in host["captures"]


def _doc(name: str, **sections: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name,
        "sha256": name.ljust(64, "0"),
        "first_ts": 100.0,
        "last_ts": 900.0,
        "hosts": {"mac": [], "ipv4": [], "ipv6": []},
        "conversations": [],
        "edges": [],
        "identities": [],
        "protocols": {},
    }
    base.update(sections)
    return base


def _binding(mac: str, ip: str, first: float, last: float) -> dict[str, Any]:
    return {"mac": mac, "ip": ip, "first_ts": first, "last_ts": last, "packets": 10}


def test_dhcp_change_keeps_one_asset_and_a_router_does_not_absorb_hosts() -> None:
    host, router = "00:1b:1b:00:00:01", "00:00:0c:00:00:fe"
    bindings = [_binding(host, "10.1.0.20", 100, 200), _binding(host, "10.1.0.35", 300, 400)]
    bindings += [_binding(router, f"10.{n}.0.9", 100, 900) for n in (2, 3, 4)]
    doc = _doc(
        "dhcp",
        hosts={"mac": [host, router], "ipv4": [], "ipv6": [], "bindings": bindings},
        identities=[
            {"address": router, "proto": "arp", "frame": 5, "ts": 150.0, "fields": {"ip": "10.1.0.1"}}
        ],
    )
    inv = make_inventory([doc], as_of=AS_OF).inventory
    (pc,) = inv.find("10.1.0.35")
    assert pc.id == host and set(pc.ips) == {"10.1.0.20", "10.1.0.35"}
    assert pc.ips["10.1.0.35"].first_ts == 300
    (gw,) = inv.find(router)
    assert (
        gw.kind == "router"
        and set(gw.ips) == {"10.1.0.1"}
        and gw.behind == {"10.2.0.9", "10.3.0.9", "10.4.0.9"}
    )
    assert gw.role is not None and gw.role.role == "router"
    behind = inv.find("10.3.0.9")
    assert [a.id for a in behind] == ["10.3.0.9"] and behind[0].via == router


def test_reused_ip_goes_to_the_holder_of_the_time() -> None:
    a, b = "00:1b:1b:00:00:0a", "00:1b:1b:00:00:0b"
    ident = [
        {"address": "10.5.0.7", "proto": "modbus", "frame": f, "ts": ts, "fields": {"vendor": v}}
        for f, ts, v in ((3, 150.0, "Old Vendor"), (9, 650.0, "New Vendor"))
    ]
    doc = _doc(
        "reuse",
        hosts={
            "mac": [a, b],
            "ipv4": ["10.5.0.7"],
            "ipv6": [],
            "bindings": [_binding(a, "10.5.0.7", 100, 200), _binding(b, "10.5.0.7", 600, 700)],
        },
        identities=ident,
    )
    inv = make_inventory([doc], as_of=AS_OF).inventory
    assert sorted(x.id for x in inv.find("10.5.0.7")) == [a, b]
    assert inv.find(a)[0].value("vendor") == "Old Vendor" and inv.find(b)[0].value("vendor") == "New Vendor"


def test_same_serial_is_one_device_and_conflicts_are_kept() -> None:
    ident = [
        {
            "address": "10.6.0.1",
            "proto": "enip",
            "frame": 1,
            "ts": 110.0,
            "fields": {"vendor": "Acme", "serial": "0x00c0ffee", "firmware": "2.1"},
        },
        {
            "address": "10.7.0.1",
            "proto": "cip",
            "frame": 2,
            "ts": 120.0,
            "fields": {"vendor": "Acme", "serial": "0x00c0ffee", "firmware": "3.0"},
        },
    ]
    inv = make_inventory([_doc("serial", identities=ident)], as_of=AS_OF).inventory
    (dev,) = inv.find("10.7.0.1")
    assert set(dev.ips) == {"10.6.0.1", "10.7.0.1"}
    body = inventory_body(make_inventory([_doc("serial", identities=ident)], as_of=AS_OF))
    (row,) = [x for x in body["assets"] if x["id"] == dev.id]
    assert row["conflicts"] == [{"field": "firmware", "kind": "changed", "values": ["2.1", "3.0"]}]
    assert [v["sources"][0]["frame"] for v in row["fields"]["firmware"]] == [1, 2]
