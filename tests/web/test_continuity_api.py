"""``POST .../impact``, ``GET .../spof``, ``.../spof/pairs``, ``.../segmentation``,
``.../raci``, ``.../lifecycle``, ``.../lifecycle/shares``, ``.../baselines`` on the dairy demo
plant: the answers of ``plantwarden impact``/``spof``/``raci``/``lifecycle``/``baseline``,
their validation errors in the one shape, a site without a model (409), nothing audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from plantwarden.detect.store_baselines import load_baseline
from plantwarden.people.audit import verify
from plantwarden.store.sites import choose_site
from plantwarden.web.app import create_app
from tests.web.conftest import headers
from tests.web.h3_helpers import cli_json, get, url, walk
from tests.web.shape import assert_error
from tests.web.world import DAIRY, World


def post_impact(client: TestClient, world: World, body: Any, user: str = "vic") -> Any:
    return client.post(url("impact"), headers=headers(world, user), json=body)


def test_what_if_on_the_two_label_printers(client: TestClient, world: World) -> None:
    response = post_impact(client, world, {"fail": ["lblprt-1", "lblprt-2"], "outage": "4h"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["currency"] == "EUR" and body["outage_minutes"] == 240
    [line] = body["lines"]
    assert line["line"] == "packaging" and line["after_minutes"] == 35 and line["cost_per_hour"] == 6500
    assert [(s["name"], s["buffer_minutes"]) for s in line["path"]][1:] == [
        ("label-printers", 0),
        ("labeller-01", 30),
        ("packaging", 5),
    ]
    assert "1 of 2 needed" in line["path"][1]["note"]
    assert body["cost"] == pytest.approx(6500 * (240 - 35) / 60)
    cli = cli_json(world, "impact", "--fail", "lblprt-1", "--fail", "lblprt-2", "--for", "4h")
    for key in ("failed", "outage_minutes", "cost_per_hour", "cost", "lines", "down"):
        assert body[key] == cli[key], key  # the CLI's engine, the same answer


def test_one_printer_alone_stops_nothing(client: TestClient, world: World) -> None:
    body = post_impact(client, world, {"fail": ["lblprt-1"]}).json()
    assert body["lines"] == [] and body["cost_per_hour"] == 0 and body["cost"] is None
    assert body["down"] == {"lblprt-1": 0.0}


def test_what_if_refuses_bad_bodies_in_the_one_shape(client: TestClient, world: World) -> None:
    error = assert_error(
        post_impact(client, world, {"fail": ["lblprt-1", "lblprt-3"], "outage": "soon"}), 422
    )
    assert [d["loc"] for d in error["details"]] == [["body", "fail", 1], ["body", "outage"]]
    assert "did you mean" in error["details"][0]["message"]
    for bad in ({"fail": []}, {}, {"fail": "lblprt-1"}, {"fail": [""]}, {"fail": ["x"] * 201}):
        error = assert_error(post_impact(client, world, bad), 422)
        assert error["details"][0]["loc"][:2] == ["body", "fail"], bad
    raw = client.post(
        url("impact"),
        headers=headers(world, "vic"),
        content=b"[1, 2",
    )
    assert_error(raw, 422)


def test_a_what_if_changes_nothing_and_is_not_audited(client: TestClient, world: World) -> None:
    before = verify(world.url).count
    assert post_impact(client, world, {"fail": ["sw-ctrl-01"]}).status_code == 200
    assert verify(world.url).count == before


def test_spof_ranked_as_the_cli_ranks_them(client: TestClient, world: World) -> None:
    singles = walk(client, world, url("spof"), 3)
    cli = cli_json(world, "spof", "--pairs")
    stopping = [s for s in cli["singles"] if s["lines"]]
    assert [s["name"] for s in singles] == [s["name"] for s in stopping]
    assert [s["rank"] for s in singles] == list(range(1, len(singles) + 1))
    assert singles[0]["name"] == "sw-ctrl-01" and singles[0]["cost_per_hour"] == 30000
    every = walk(client, world, url("spof"), 500, all="true")
    assert len(every) == len(cli["singles"]) > len(singles)
    pairs = walk(client, world, url("spof/pairs"), 2)
    assert [p["members"] for p in pairs] == [p["members"] for p in cli["pairs"]]
    assert ["lblprt-1", "lblprt-2"] in [p["members"] for p in pairs]


def test_segmentation_by_zone_pair(client: TestClient, world: World) -> None:
    pairs = walk(client, world, url("segmentation"), 500)
    keys = [(p["client_zone"], p["server_zone"]) for p in pairs]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert walk(client, world, url("segmentation"), 3) == pairs
    violated = walk(client, world, url("segmentation"), 500, violations="true")
    assert violated and all(p["violations"] > 0 and p["groups"] for p in violated)
    ssh = next(p for p in violated if (p["client_zone"], p["server_zone"]) == ("dmz", "operations"))
    assert ssh["groups"][0]["service"] == "ssh" and "does not allow ssh" in ssh["groups"][0]["reasons"][0]
    for p in violated:
        assert all(
            (g["client_zone"], g["server_zone"]) == (p["client_zone"], p["server_zone"]) for g in p["groups"]
        )
        assert p["violations"] == sum(g["violations"] for g in p["groups"])


def test_raci_and_its_gray_areas(client: TestClient, world: World) -> None:
    rows = walk(client, world, url("raci"), 500)
    gray = walk(client, world, url("raci"), 7, gray="true")
    cli = cli_json(world, "raci")
    assert len(rows) == len(cli["matrix"]) and len(gray) == len(cli["gray_areas"]) > 0
    assert all(r["gray"] for r in gray) and any(not r["gray"] for r in rows)
    assert all("no Responsible" in r["gray"] for r in gray if not r["responsible"])


def test_lifecycle_per_asset_and_shares(client: TestClient, world: World) -> None:
    old = walk(client, world, url("lifecycle"), 500, at="2000-01-01", legacy="true")
    late = walk(client, world, url("lifecycle"), 500, at="2040-01-01", legacy="true")
    assert len(old) < len(late) and all(a["legacy"] for a in late)
    assert {a["asset"] for a in old} <= {a["asset"] for a in late}
    shares = get(client, world, url("lifecycle/shares"), at="2026-01-01")
    cli = cli_json(world, "lifecycle", "--at", "2026-01-01")
    assert shares["zones"] == cli["zones"] and shares["lines"] == cli["lines"]
    assert shares["alignment"] == cli["alignment"]
    error = assert_error(
        client.get(url("lifecycle"), headers=headers(world, "vic"), params={"at": "13/13"}), 422
    )
    assert error["details"][0]["loc"] == ["query", "at"]


def test_baselines(client: TestClient, world: World) -> None:
    [version] = walk(client, world, url("baselines"), 1)
    assert version["version"] == 1 and version["current"] and "normal.pcap" in version["source"]
    detail = get(client, world, url("baselines/1"))
    stored = load_baseline(world.url, choose_site(world.url, DAIRY).id, 1)
    assert stored is not None
    assert detail["channels"] == len(stored.channels) and detail["talkers"] == len(stored.talkers)
    assert_error(client.get(url("baselines/2"), headers=headers(world, "vic")), 404)
    assert_error(client.get(url("baselines/0"), headers=headers(world, "vic")), 422)


def test_what_needs_a_site_model_says_so_with_409(world: World) -> None:
    choose_site(world.url, "bare plant", add=True)
    with TestClient(create_app(world.url), raise_server_exceptions=False) as client:
        admin = headers(world, "admin")
        for rest in ("spof", "raci", "lifecycle", "map"):
            error = assert_error(client.get(url(rest, "bare plant"), headers=admin), 409)
            assert "plantwarden site load" in error["message"]
        assert_error(client.post(url("impact", "bare plant"), headers=admin, json={"fail": ["x"]}), 409)
        assets = client.get(url("assets", "bare plant"), headers=admin)
        assert assets.status_code == 200 and assets.json() == {"items": [], "next": None}
