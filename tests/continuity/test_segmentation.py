"""Segmentation audit of a capture made by real pymodbus/asyncua stacks (generate_capture.py)."""

from __future__ import annotations

from typing import Any

import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.continuity.conduits import allow_text, entry_allows
from plantwarden.continuity.observed_edges import Edge
from plantwarden.continuity.segmentation import audit, port_ranges
from plantwarden.site.model import Allowed
from tests.continuity.helpers import ZONES_CAPTURE, site


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    return [analyze_capture(ZONES_CAPTURE).doc]


def edge(proto: str, port: int, transport: str = "tcp") -> Edge:
    return Edge("10.0.0.1", "10.0.0.2", transport, port, proto, 1, 2, 100, None, None)


def test_exactly_the_constructed_violations(docs: list[dict[str, Any]]) -> None:
    model, _ = site("zones")
    body = audit(model, docs)
    found = {(v["evidence"]["client"], v["evidence"]["server"], v["service"]) for v in body["violations"]}
    assert found == {
        ("127.0.6.5", "127.0.6.10", "opcua"),  # ops -> cell: the conduit allows modbus only
        ("127.0.6.17", "127.0.6.9", "modbus"),  # office -> cell: no conduit at all
        ("127.0.6.9", "127.0.6.6", "modbus"),  # cell -> ops on 5020: the conduit runs ops -> cell
    }


def test_violations_name_the_conduit_that_would_have_to_allow_them(docs: list[dict[str, Any]]) -> None:
    model, _ = site("zones")
    by_pair = {(v["client_zone"], v["server_zone"]): v for v in audit(model, docs)["violations"]}
    assert by_pair[("ops", "cell")]["needed"] == {
        "conduit": "ops-to-cell",
        "from": "ops",
        "to": "cell",
        "allow": "opcua",
    }
    assert by_pair[("office", "cell")]["reason"] == "no conduit from office to cell"
    reverse = by_pair[("cell", "ops")]
    assert reverse["needed"]["allow"] == "modbus/5020"
    assert "only lets ops open connections to cell" in reverse["reason"]
    assert reverse["evidence"]["packets"] > 0 and reverse["evidence"]["first_ts"] is not None


def test_exposure_paths_from_the_office_into_control(docs: list[dict[str, Any]]) -> None:
    model, _ = site("zones")
    paths = {
        (p["kind"], tuple(h["address"] for h in p["hops"])) for p in audit(model, docs)["exposure_paths"]
    }
    assert paths == {
        ("direct", ("127.0.6.17", "127.0.6.9")),
        ("via_host", ("127.0.6.17", "127.0.6.6", "127.0.6.9")),
    }


def test_control_and_enterprise_hosts_in_one_subnet_is_flat(docs: list[dict[str, Any]]) -> None:
    model, _ = site("zones")
    (flat,) = audit(model, docs)["flat_networks"]
    assert flat["subnet"] == "127.0.6.0/24"
    assert flat["zones"] == {
        "cell": ["127.0.6.10", "127.0.6.9"],
        "office": ["127.0.6.17"],
        "sis": ["127.0.6.13"],
    }


def test_zone_matrix_counts_services(docs: list[dict[str, Any]]) -> None:
    model, _ = site("zones")
    m = audit(model, docs)["matrix"]
    assert set(m["ops"]["cell"]) == {"modbus", "opcua"}
    assert set(m["cell"]["cell"]) == {"opcua"}
    assert m["ops"]["sis"]["modbus"] > 0


def test_without_a_model_zones_are_suggested_from_roles(docs: list[dict[str, Any]]) -> None:
    body = audit(None, docs)
    (zone,) = body["suggested_zones"]
    assert zone["cidrs"] == ["127.0.6.0/24"] and zone["level"] == "control"
    assert "control: 127.0.6.10, 127.0.6.13, 127.0.6.6, 127.0.6.9" in zone["description"]
    assert body["violations"] == []


def test_conduit_entries_match_transport_port_and_protocol() -> None:
    modbus = Allowed.model_validate("modbus")
    assert entry_allows(modbus, edge("modbus", 502))
    assert entry_allows(modbus, edge("", 502))  # not identified: the port decides
    assert not entry_allows(modbus, edge("modbus", 5020))
    assert not entry_allows(Allowed.model_validate("https"), edge("modbus", 443))
    assert entry_allows(Allowed.model_validate("tcp/9100"), edge("", 9100))
    assert entry_allows(Allowed.model_validate("enip"), edge("cip", 44818))
    assert allow_text(edge("modbus", 502)) == "modbus"
    assert allow_text(edge("modbus", 5020)) == "modbus/5020"
    assert allow_text(edge("", 8080)) == "tcp/8080"


SCAN_CAPTURE = ZONES_CAPTURE.with_name("segmentation-scan.pcap")  # tests/data/generate/segmentation_scan.py


def test_port_ranges_collapse_runs() -> None:
    assert port_ranges([502, 21, 22, 23, 80, 0, 81, 22]) == "21-23,80-81,502"
    assert port_ranges(range(1, 1001)) == "1-1000"
    assert port_ranges([]) == ""


def test_a_scan_of_1000_ports_is_one_group() -> None:
    model, _ = site("zones")
    body = audit(model, [analyze_capture(SCAN_CAPTURE).doc])
    assert len(body["violations"]) == 1001  # every port one flow, and one decoded modbus flow
    tcp, modbus = body["violation_groups"]
    assert (tcp["client"], tcp["client_zone"], tcp["server_zone"], tcp["service"]) == (
        "127.0.6.17",
        "office",
        "cell",
        "tcp",
    )
    assert (tcp["ports"], tcp["port_count"], tcp["flows"], tcp["servers"]) == (
        "1-1000",
        1000,
        1000,
        ["127.0.6.9"],
    )
    assert tcp["reasons"] == ["no conduit from office to cell"]
    assert (modbus["service"], modbus["ports"], modbus["flows"]) == ("modbus", "502", 1)
    assert tcp["first_ts"] <= tcp["last_ts"]


def test_groups_keep_clients_and_zone_pairs_apart(docs: list[dict[str, Any]]) -> None:
    model, _ = site("zones")
    body = audit(model, docs)
    groups = body["violation_groups"]
    assert sum(g["violations"] for g in groups) == len(body["violations"])
    keys = [(g["client"], g["client_zone"], g["server_zone"], g["service"]) for g in groups]
    assert len(keys) == len(set(keys))
