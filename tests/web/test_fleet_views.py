"""The cross-site views over three plants (the dairy, the modbus lab, the cheese plant loaded
with ``site load`` and analysed with ``--site-name``): production at risk per site and the two
fleet questions, in the API, on the ``/fleet`` page and on the command line. Each user sees
only the sites they may view; every answer is the per-site services' (tests/fleet/expect.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from plantwarden.fleet.risk import production_at_risk
from plantwarden.store.sites import choose_site
from plantwarden.web.app import create_app
from tests.fleet import expect
from tests.web.conftest import headers
from tests.web.fleet_world import CHEESE, cli
from tests.web.shape import assert_error
from tests.web.signin import HTML, sign_in
from tests.web.world import DAIRY, LAB, World

#: who sees which sites
SEES = {
    "admin": [CHEESE, LAB, DAIRY],
    "nora": [CHEESE, DAIRY],  # the provider's analyst, given two plants
    "ana": [DAIRY],
    "kurt": [CHEESE],
    "lab": [LAB],
}


@pytest.fixture
def fleet_client(fleet_world: World) -> Iterator[TestClient]:
    with TestClient(create_app(fleet_world.url), raise_server_exceptions=False) as client:
        yield client


def _hidden(user: str) -> list[str]:
    return [s for s in (DAIRY, LAB, CHEESE) if s not in SEES[user]]


def test_production_at_risk_per_site_you_may_view(fleet_client: TestClient, fleet_world: World) -> None:
    url = fleet_world.url
    for user, seen in SEES.items():
        answer = fleet_client.get("/api/v1/fleet/risk", headers=headers(fleet_world, user))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert sorted(s["site"] for s in body["sites"]) == sorted(seen), user
        rows, _ = production_at_risk(url, [choose_site(url, s) for s in seen])
        assert body["sites"] == json.loads(json.dumps([r.as_dict() for r in rows])), user
        for hidden in _hidden(user):
            assert hidden not in answer.text
    rows, _ = production_at_risk(url, [choose_site(url, s) for s in SEES["nora"]])
    for row in rows:
        expect.check_site_risk(url, row)
    assert rows[0].site == DAIRY and rows[0].at_risk_per_hour > rows[1].at_risk_per_hour > 0
    assert fleet_client.get("/api/v1/fleet/risk").status_code == 401


def test_which_sites_run_a_firmware_on_a_line_without_redundancy(
    fleet_client: TestClient, fleet_world: World
) -> None:
    params = {"firmware": "V3.3.0", "vendor": "Siemens"}
    for user, seen in SEES.items():
        answer = fleet_client.get("/api/v1/fleet/firmware", params=params, headers=headers(fleet_world, user))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert sorted(body["sites"]) == sorted(seen) and body["query"] == {**params, "model": None}
        for site in seen:
            alone, others = expect.firmware_assets(fleet_world.url, site, "V3.3.0")
            assert {i["asset"] for i in body["items"] if i["site"] == site} == alone
            assert {i["asset"] for i in body["others"] if i["site"] == site} == others
        assert {i["site"] for i in body["items"]} == set(seen) - {LAB}  # both plants' S7 PLCs
        for hidden in _hidden(user):
            assert hidden not in answer.text
    ring = fleet_client.get(
        "/api/v1/fleet/firmware",
        params={"firmware": "17.9", "model": "1783-MMS10"},
        headers=headers(fleet_world, "kurt"),
    ).json()
    assert [i["single_point_of_failure"] for i in ring["items"]] == [True]
    assert ring["others"] and all(o["covered_by"] and not o["lines"] for o in ring["others"])


def test_which_assets_have_a_known_exploited_vulnerability_and_an_exposure_path(
    fleet_client: TestClient, fleet_world: World
) -> None:
    for user, seen in SEES.items():
        answer = fleet_client.get("/api/v1/fleet/kev", headers=headers(fleet_world, user))
        body = answer.json()
        assert sorted(body["sites"]) == sorted(seen)
        wanted = set().union(*(expect.kev_exposed(fleet_world.url, s) for s in seen))
        assert expect.as_set(body["items"]) == wanted, user
        assert all(i["exposure"]["level"] in ("O", "C") for i in body["items"])
        for hidden in _hidden(user):
            assert hidden not in answer.text
    assert expect.kev_exposed(fleet_world.url, CHEESE)  # the office PC reaches a KEV PLC


@pytest.mark.parametrize(
    "params",
    [{}, {"firmware": ""}, {"firmware": "   "}, {"firmware": "x" * 201}, {"firmware": "1.0", "vendor": ""}],
)
def test_a_bad_question_is_refused_in_the_one_shape(
    fleet_client: TestClient, fleet_world: World, params: dict[str, str]
) -> None:
    answer = fleet_client.get("/api/v1/fleet/firmware", params=params, headers=headers(fleet_world, "nora"))
    error = assert_error(answer, 422)
    assert "firmware" in json.dumps(error) or "vendor" in json.dumps(error)


def test_the_fleet_page_shows_only_your_sites(fleet_client: TestClient) -> None:
    sign_in(fleet_client, "ana")
    page = fleet_client.get("/fleet", headers=HTML)
    assert page.status_code == 200 and DAIRY in page.text
    assert CHEESE not in page.text and LAB not in page.text
    assert 'href="/fleet"' in fleet_client.get(f"/sites/{quote(DAIRY, safe='')}", headers=HTML).text
    for path in ("/fleet/firmware?firmware=V3.3.0", "/fleet/kev"):
        for extra in ({}, {"HX-Request": "true"}):
            shown = fleet_client.get(path, headers={**HTML, **extra})
            assert shown.status_code == 200 and CHEESE not in shown.text and LAB not in shown.text
            assert ("<html" in shown.text) is not bool(extra)  # htmx gets the answer alone
    assert "plc-recv" in fleet_client.get("/fleet/firmware?firmware=V3.3.0", headers=HTML).text
    blank = fleet_client.get("/fleet/firmware?firmware=+", headers=HTML)
    assert blank.status_code == 422 and "firmware" in blank.text


def test_the_provider_analyst_sees_both_plants_on_the_page(fleet_client: TestClient) -> None:
    sign_in(fleet_client, "nora")
    page = fleet_client.get("/fleet", headers=HTML).text
    assert DAIRY in page and CHEESE in page and LAB not in page
    table = page[page.index('id="fleet-risk"') :]
    assert table.index(DAIRY) < table.index(CHEESE)  # worst first
    kev = fleet_client.get("/fleet/kev", headers={**HTML, "HX-Request": "true"}).text
    assert "plc-vat" in kev and "CVE-2023-6448" in kev


def test_the_fleet_commands(fleet_world: World) -> None:
    url = fleet_world.url
    risk = json.loads(cli(url, "fleet", "risk", "--json").stdout)
    assert risk["schema"] == "plantwarden.fleet-risk/1"
    assert sorted(s["site"] for s in risk["sites"]) == sorted(SEES["admin"])
    rows, _ = production_at_risk(url, [choose_site(url, s) for s in SEES["admin"]])
    assert risk["sites"] == json.loads(json.dumps([r.as_dict() for r in rows]))
    asked = ("fleet", "firmware", "IOS XE 17.9.3", "--vendor", "Rockwell", "--json")
    firmware = json.loads(cli(url, *asked).stdout)
    for site in (DAIRY, CHEESE):
        alone, _ = expect.firmware_assets(url, site, "IOS XE 17.9.3")
        assert {i["asset"] for i in firmware["items"] if i["site"] == site} == alone and alone
    kev = cli(url, "fleet", "kev", "--csv").stdout.splitlines()
    assert kev[0].startswith("site,asset,CVE") and len(kev) - 1 == len(
        set().union(*(expect.kev_exposed(url, s) for s in SEES["admin"]))
    )
    table = cli(url, "fleet", "risk").stdout
    assert table.index(DAIRY) < table.index(CHEESE)
    old = json.loads(cli(url, "fleet", "--json").stdout)  # the alerts view as before
    assert old["schema"] == "plantwarden.fleet-alerts/1" and len(old["sites"]) == 3
    refusals = (("fleet", "firmware", " "), ("fleet", "--json", "risk"), ("fleet", "risk", "--json", "--csv"))
    for bad in refusals:
        refused = cli(url, *bad, check=False)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert refused.stderr.count("\n") == 1


def test_a_site_that_cannot_be_answered_is_left_out_with_its_reason(
    fleet_client: TestClient, fleet_world: World
) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from plantwarden.store.engine import connected
    from plantwarden.store.models import SiteVersion

    lab = choose_site(fleet_world.url, LAB).id
    with connected(fleet_world.url, writes=True) as engine, Session(engine) as session, session.begin():
        broken = {"site": {"name": LAB}, "zones": "not a list"}  # a model an older release wrote
        session.execute(update(SiteVersion).where(SiteVersion.site_id == lab).values(document=broken))
    admin = headers(fleet_world, "admin")
    for path, params in (("risk", {}), ("firmware", {"firmware": "V3.3.0"}), ("kev", {})):
        body = fleet_client.get(f"/api/v1/fleet/{path}", params=params, headers=admin).json()
        assert [s["site"] for s in body["skipped"]] == [LAB]
        assert "no longer valid" in body["skipped"][0]["reason"]
    risk = fleet_client.get("/api/v1/fleet/risk", headers=admin).json()
    assert sorted(s["site"] for s in risk["sites"]) == sorted([DAIRY, CHEESE])
    run = cli(fleet_world.url, "fleet", "risk")
    assert run.returncode == 0 and f"skipped {LAB}: the stored site model is no longer valid" in run.stderr
