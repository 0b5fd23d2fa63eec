"""``GET .../plan``, ``POST .../plan/run`` and ``POST .../plan/items/{item}/pin|move|exclude`` on
the dairy demo plant (its end-of-support assets are the items): viewers read, engineers plan
(``plan.edit``), pins are kept by the next run, errors in the one shape, changes audited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from plantwarden.people import audit
from tests.web.conftest import headers
from tests.web.h3_helpers import url
from tests.web.shape import assert_error
from tests.web.world import World


def test_viewers_read_engineers_plan_and_pins_are_kept(client: TestClient, world: World) -> None:
    assert_error(client.get(url("plan"), headers=headers(world, "vic")), 404)
    assert_error(client.post(url("plan/run"), headers=headers(world, "vic"), json={"why": "x"}), 403)
    first = client.post(url("plan/run"), headers=headers(world, "eng"), json={"why": "monthly review"})
    assert first.status_code == 200, first.text
    plan = first.json()
    at = {i["id"]: i["window"] for i in plan["items"]}
    assert plan["status"] == "optimal" and at["scada-a"] != at["scada-b"]  # the 1-of-2 SCADA pair
    assert client.get(url("plan"), headers=headers(world, "vic")).json()["run"] == plan["run"]
    target = at["scada-b"]
    body = {"window": target, "why": "vendor on site"}
    pinned = client.post(url("plan/items/scada-a/pin"), headers=headers(world, "eng"), json=body)
    assert pinned.status_code == 200, pinned.text
    assert pinned.json() == {
        "item": "scada-a",
        "kind": "pin",
        "window": target,
        "by": "eng",
        "why": "vendor on site",
    }
    again = client.post(url("plan/run"), headers=headers(world, "eng"), json={"why": "after the pin"}).json()
    now = {i["id"]: i["window"] for i in again["items"]}
    assert now["scada-a"] == target and now["scada-b"] != target
    assert {c["item"] for c in again["changes"]} == {"scada-a", "scada-b"}
    actions = [(e.action, e.actor, e.why) for e in audit.entries(world.url)]
    assert ("plan.run", "eng", "monthly review") in actions and (
        "plan.pin",
        "eng",
        "vendor on site",
    ) in actions
    assert audit.verify(world.url).broken_at is None


def test_an_engineer_plans_with_cpsat_and_the_run_records_it(client: TestClient, world: World) -> None:
    eng = headers(world, "eng")
    bad = client.post(url("plan/run"), headers=eng, json={"why": "x", "solver": "gurobi"})
    assert_error(bad, 422)
    cbc = client.post(url("plan/run"), headers=eng, json={"why": "default"}).json()
    done = client.post(url("plan/run"), headers=eng, json={"why": "explain", "solver": "cpsat"})
    assert done.status_code == 200, done.text
    plan = done.json()
    assert plan["solver"].startswith("CP-SAT (OR-Tools ") and cbc["solver"].startswith("CBC ")
    assert plan["status"] == "optimal" and abs(plan["objective"] - cbc["objective"]) < 1e-3
    assert client.get(url("plan"), headers=headers(world, "vic")).json()["solver"] == plan["solver"]


def test_bad_pins_in_the_one_shape(client: TestClient, world: World) -> None:
    bad = {"window": "nowhere", "why": "x"}
    error = assert_error(
        client.post(url("plan/items/plc-nowhere/pin"), headers=headers(world, "eng"), json=bad), 422
    )
    assert "plc-nowhere" in error["message"]
    error = assert_error(
        client.post(url("plan/items/scada-a/move"), headers=headers(world, "eng"), json=bad), 422
    )
    assert "nowhere" in error["message"]
    assert_error(client.post(url("plan/items/scada-a/melt"), headers=headers(world, "eng"), json=bad), 422)
    assert_error(client.post(url("plan/items/scada-a/pin"), headers=headers(world, "vic"), json=bad), 403)


def test_the_plan_page_shows_windows_lines_and_controls(client: TestClient, world: World) -> None:
    from tests.web.h3_helpers import page_url
    from tests.web.test_h3_pages import HTML, sign_in, text_of

    sign_in(client, "vic")
    assert "No plan yet" in text_of(client.get(page_url("plan"), headers=HTML).text)
    plan = client.post(url("plan/run"), headers=headers(world, "eng"), json={"why": "page"}).json()
    words = text_of(client.get(page_url("plan"), headers=HTML).text)
    first = plan["windows"][0]
    assert first["id"] in words and "Money at risk per line" in words
    assert all(c["owner"] in words for c in plan["controls"])
    assert f"{plan['lines'][0]['line']}" in words


def test_the_controls_are_checked_for_viewers_without_storing(client: TestClient, world: World) -> None:
    from plantwarden.plan import evidence_store
    from plantwarden.store.sites import choose_site
    from tests.web.world import DAIRY

    assert_error(client.get(url("plan/controls"), headers=headers(world, "vic")), 404)
    plan = client.post(url("plan/run"), headers=headers(world, "eng"), json={"why": "review"}).json()
    got = client.get(url("plan/controls"), headers=headers(world, "vic"))
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["run"] == plan["run"] and len(body["controls"]) == len(plan["controls"]) > 0
    assert {c["item"] for c in body["controls"]} == {c["item"] for c in plan["controls"]}
    # nothing analysed since the plan ran: every control waits for data, none is called holding
    assert body["counts"]["no_data"] == len(body["controls"]) and body["counts"]["holds"] == 0
    assert all(c["owner"] and c["check"] and c["summary"] for c in body["controls"])
    site_id = choose_site(world.url, DAIRY).id
    assert site_id is not None
    assert evidence_store.stored(world.url, site_id, plan["run"]) == []  # a GET writes nothing


def test_the_plan_page_says_whether_each_control_holds(client: TestClient, world: World) -> None:
    from tests.web.h3_helpers import page_url
    from tests.web.test_h3_pages import HTML, sign_in, text_of

    plan = client.post(url("plan/run"), headers=headers(world, "eng"), json={"why": "review"}).json()
    sign_in(client, "vic")
    page = client.get(page_url("plan"), headers=HTML)
    assert page.status_code == 200, page.text[:300]
    words = text_of(page.text)
    assert "Do the controls hold?" in words
    assert f"{len(plan['controls'])} no data yet" in words and "no capture analysed since" in words
