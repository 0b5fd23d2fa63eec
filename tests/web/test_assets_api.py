"""``GET .../assets`` (declared versus observed, filters, paging), ``GET .../assets/{asset}``
(provenance, differences, conversations, alerts, timeline), ``GET .../conversations`` and
``GET .../map`` on the dairy demo plant: what ``plantwarden assets``/``asset``/``map`` say."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import headers
from tests.web.h3_helpers import cli_json, get, url, walk
from tests.web.shape import assert_error
from tests.web.world import DAIRY, LAB, World


def by_name(items: list[dict]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {i["name"]: i for i in items}


def test_assets_say_declared_versus_observed(client: TestClient, world: World) -> None:
    rows = by_name(walk(client, world, url("assets"), 500))
    assert {r["status"] for r in rows.values()} == {"matches", "differs", "not declared", "not observed"}
    proc = rows["plc-proc"]
    assert proc["status"] == "differs" and proc["declared"] and proc["observed"]
    firmware = next(d for d in proc["differences"] if d["field"] == "firmware")
    assert firmware["declared_value"] == "V4.4" and firmware["observed"] == ["V3.3.0"]
    assert {e["capture"] for e in firmware["evidence"]} == {"normal.pcap", "incidents.pcap"}
    silent = rows["lblprt-2"]
    assert silent["status"] == "not observed" and silent["id"] is None and silent["ips"] == ["10.10.30.62"]
    stranger = next(r for r in rows.values() if r["status"] == "not declared")
    assert not stranger["declared"] and stranger["observed"] and stranger["ips"]
    # the same comparison as the CLI's: its mismatches and silent assets, by name
    cli = cli_json(world, "assets")["declared"]
    assert {r["name"] for r in rows.values() if r["status"] == "not observed"} == set(cli["silent"])
    assert {r["name"] for r in rows.values() if r["status"] == "differs"} == {
        m["declared"] for m in cli["mismatches"]
    }
    differences = sum(len(r["differences"]) for r in rows.values())
    assert differences == len(cli["mismatches"])


def test_asset_filters(client: TestClient, world: World) -> None:
    everything = walk(client, world, url("assets"), 500)
    control = walk(client, world, url("assets"), 500, zone="control")
    assert control and all(r["zone"] == "control" for r in control)
    assert len(control) == sum(r["zone"] == "control" for r in everything)
    packaging = by_name(walk(client, world, url("assets"), 500, line="packaging"))
    assert {"lblprt-1", "lblprt-2", "labeller-01"} <= set(packaging) and len(packaging) < len(everything)
    assert set(packaging) == {r["name"] for r in everything if "packaging" in r["lines"]}
    plcs = walk(client, world, url("assets"), 500, role="plc")
    assert plcs and all("plc" in (r["role"], r["declared_role"]) for r in plcs)
    siemens = walk(client, world, url("assets"), 500, vendor="SIEMENS")
    assert siemens and all("siemens" in r["vendor"].lower() for r in siemens)
    differs = walk(client, world, url("assets"), 500, status="differs")
    assert {r["name"] for r in differs} == {r["name"] for r in everything if r["differences"]}


def test_an_unknown_filter_value_is_422_naming_the_valid_ones(client: TestClient, world: World) -> None:
    response = client.get(url("assets"), headers=headers(world, "vic"), params={"zone": "moon", "line": "x"})
    error = assert_error(response, 422)
    assert [d["loc"] for d in error["details"]] == [["query", "zone"], ["query", "line"]]
    assert "control" in error["details"][0]["message"] and "packaging" in error["details"][1]["message"]
    error = assert_error(client.get(url("assets"), headers=headers(world, "vic"), params={"zone": ""}), 422)
    assert error["details"][0]["loc"] == ["query", "zone"]


def test_asset_pages_are_stable_and_complete(client: TestClient, world: World) -> None:
    whole = get(client, world, url("assets"), limit=500)["items"]
    for limit in (1, 4, 7):
        paged = walk(client, world, url("assets"), limit)
        assert [r["name"] for r in paged] == [r["name"] for r in whole]
    assert [r["name"] for r in whole] == sorted(r["name"] for r in whole)


def test_one_asset_with_the_provenance_of_every_field(client: TestClient, world: World) -> None:
    proc = get(client, world, url("assets/plc-proc"))
    assert get(client, world, url("assets/10.10.40.12"))["name"] == "plc-proc"
    assert get(client, world, url(f"assets/{proc['macs'][0].upper()}"))["name"] == "plc-proc"
    observed = proc["observed_as"]
    firmware = observed["fields"]["firmware"]
    assert [v["value"] for v in firmware] == ["V3.3.0"]
    assert firmware[0]["confidence"] == "high"
    assert {(s["proto"], s["capture"]) for s in firmware[0]["sources"]} >= {("s7comm", "normal.pcap")}
    assert all(s["frame"] for s in firmware[0]["sources"])
    assert proc["declared_as"]["firmware"] == "V4.4"
    assert proc["lines"] == ["reception-processing", "filling", "packaging"]
    assert proc["conversations"] and all(
        proc["id"] in (c["client"], c["server"]) for c in proc["conversations"]
    )
    times = [e["ts"] for e in proc["timeline"]]
    assert times == sorted(times) and {e["kind"] for e in proc["timeline"]} >= {"address", "field"}
    cli = cli_json(world, "asset", "plc-proc")["assets"][0]
    assert observed["fields"] == cli["fields"] and observed["ips"] == cli["ips"]


def test_an_asset_shows_the_alerts_naming_it(client: TestClient, world: World) -> None:
    alerts = cli_json(world, "alerts")["alerts"]
    target = next(a for a in alerts if a["dst"].count(".") == 3)
    asset = get(client, world, url(f"assets/{target['dst']}"))
    assert target["id"] in {a["id"] for a in asset["alerts"]}
    addresses = set(asset["ips"]) | set(asset["macs"])
    assert all({a["src"], a["dst"]} & addresses for a in asset["alerts"])
    assert any(e["kind"] == "alert" for e in asset["timeline"])


def test_a_declared_asset_never_observed_has_a_page(client: TestClient, world: World) -> None:
    silent = get(client, world, url("assets/lblprt-2"))
    assert silent["observed_as"] is None and silent["declared_as"]["product"] == "ZT410 label printer"
    assert silent["conversations"] == [] and silent["timeline"] == []


def test_an_unknown_asset_is_404_and_another_sites_asset_is_not_shown(
    client: TestClient, world: World
) -> None:
    error = assert_error(client.get(url("assets/nothing-here"), headers=headers(world, "vic")), 404)
    assert "nothing-here" in error["message"]
    hidden = client.get(url("assets/plc-proc"), headers=headers(world, "lab"))
    assert_error(hidden, 404)
    assert "plc-proc" not in hidden.text and "10.10.40.12" not in hidden.text


def test_conversations_filtered_and_paged(client: TestClient, world: World) -> None:
    everything = walk(client, world, url("conversations"), 500)
    assert len(everything) == len(cli_json(world, "map")["edges"])
    assert walk(client, world, url("conversations"), 37) == everything
    printer = walk(client, world, url("conversations"), 500, asset="lblprt-1")
    assert printer and all("lblprt-1" in (c["client_name"], c["server_name"]) for c in printer)
    s7 = walk(client, world, url("conversations"), 500, proto="s7comm")
    assert s7 and all(c["proto"] == "s7comm" for c in s7)
    error = assert_error(
        client.get(url("conversations"), headers=headers(world, "vic"), params={"proto": "x", "asset": "y"}),
        422,
    )
    assert {tuple(d["loc"]) for d in error["details"]} == {("query", "asset"), ("query", "proto")}


def test_the_zone_map(client: TestClient, world: World) -> None:
    body = get(client, world, url("map"))
    nodes = {n["name"]: n for n in body["nodes"]}
    assert [z["name"] for z in body["zones"]][:3] == ["enterprise", "dmz", "operations"]
    assert {"plc-proc", "lblprt-1", "lblprt-2"} <= set(nodes) and not nodes["lblprt-2"]["observed"]
    assert any(not n["declared"] for n in nodes.values())
    assert all(e["client"] in nodes or e["client"].count(".") == 3 for e in body["edges"])
    violations = [e for e in body["edges"] if e["violation"]]
    assert violations and any(e["services"] == ["ssh"] for e in violations)
    lab = client.get(url("map", LAB), headers=headers(world, "lab"))
    assert lab.status_code == 200 and "plc-proc" not in lab.text
    assert DAIRY not in lab.text
