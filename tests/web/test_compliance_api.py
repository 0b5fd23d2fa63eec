"""``GET .../compliance`` (paged, the catalogue's order), ``GET .../compliance/oscal`` and
``POST .../compliance/attest`` on the dairy demo plant, and the page ``/sites/{site}/compliance``:
the answers of ``plantwarden compliance``, errors in the one shape, the statement audited."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from plantwarden.compliance.catalog import load
from plantwarden.people.audit import entries
from plantwarden.store.sites import choose_site
from tests.web.conftest import headers
from tests.web.h3_helpers import cli_json, get, page_url, url, walk
from tests.web.shape import assert_error
from tests.web.signin import HTML, sign_in
from tests.web.world import DAIRY, World


def test_every_requirement_with_its_status_paged_in_the_catalogues_order(
    client: TestClient, world: World
) -> None:
    whole = get(client, world, url("compliance"), limit=500)
    assert whole["next"] is None
    items = whole["items"]
    assert [i["id"] for i in items] == [r.id for r in load("iec62443-3-3").requirements]  # 51 SRs
    assert walk(client, world, url("compliance"), 7) == items  # pages of 7: the same, once each
    cli = cli_json(world, "compliance")
    assert [(i["id"], i["status"]) for i in items] == [(r["id"], r["status"]) for r in cli["requirements"]]
    sr113 = next(i for i in items if i["id"] == "SR 1.13")
    sessions = [e for e in sr113["evidence"] if e["rule"] == "remote.sessions"]
    assert [e["source"] for e in sessions] == ["access", "access"]  # sessions, then the grants' four eyes
    assert sessions[0]["age_days"] is not None and sessions[0]["status"] in ("satisfied", "not satisfied")
    csf = walk(client, world, url("compliance"), 50, framework="nist-csf-2.0")
    assert len(csf) == 106 and all(i["status"] for i in csf)


def test_a_zone_narrows_the_evidence(client: TestClient, world: World) -> None:
    items = get(client, world, url("compliance"), limit=500, zone="control")["items"]
    zones = {e["zone"] for i in items for e in i["evidence"]}
    assert zones <= {"control", None} and "control" in zones


def test_the_oscal_document_is_the_clis(client: TestClient, world: World, tmp_path: object) -> None:
    response = client.get(url("compliance/oscal"), headers=headers(world, "vic"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    doc = json.loads(response.content)
    results = doc["assessment-results"]["results"][0]
    assert results["findings"] and results["observations"]
    again = client.get(url("compliance/oscal"), headers=headers(world, "vic"))
    assert again.content == response.content  # deterministic over the same state


def test_compliance_errors_in_the_one_shape(client: TestClient, world: World) -> None:
    assert_error(client.get(url("compliance")), 401)
    assert_error(client.get(url("compliance/oscal")), 401)
    missing = assert_error(client.get(url("compliance", "no such plant"), headers=headers(world, "lab")), 404)
    other = assert_error(client.get(url("compliance"), headers=headers(world, "lab")), 404)
    assert other["message"] == missing["message"].replace("no such plant", DAIRY)
    vic = headers(world, "vic")
    bad = assert_error(client.get(url("compliance"), headers=vic, params={"framework": "sox"}), 422)
    assert bad["details"][0]["loc"] == ["query", "framework"]
    zone = assert_error(client.get(url("compliance"), headers=vic, params={"zone": "nowhere"}), 422)
    assert "no such zone" in zone["message"] and "control" in zone["message"]
    assert_error(client.get(url("compliance"), headers=vic, params={"limit": 0}), 422)
    assert_error(client.get(url("compliance"), headers=vic, params={"cursor": "junk"}), 422)
    choose_site(world.url, "bare plant", add=True)
    admin = headers(world, "admin")
    assert (
        "site load"
        in assert_error(client.get(url("compliance", "bare plant"), headers=admin), 409)["message"]
    )


def attest(client: TestClient, world: World, user: str, body: object) -> object:
    return client.post(url("compliance/attest"), headers=headers(world, user), json=body)


def test_an_engineer_attests_and_it_is_audited(client: TestClient, world: World) -> None:
    response = attest(client, world, "eng", {"requirement": "SR 1.1", "why": "AD enforces named accounts"})
    assert response.status_code == 201, response.text
    said = response.json()
    assert (said["requirement"], said["by"], said["why"]) == (
        "iec62443-3-3:SR 1.1",
        "eng",
        "AD enforces named accounts",
    )
    sr11 = get(client, world, url("compliance"), limit=1)["items"][0]
    assert sr11["id"] == "SR 1.1" and [s["by"] for s in sr11["statements"]] == ["eng"]
    assert sr11["status"] == "not assessed by plantwarden"  # a statement never changes the status
    last = entries(world.url, choose_site(world.url, DAIRY).id)[-1]
    assert (last.action, last.actor, last.target, last.why) == (
        "compliance.attest",
        "eng",
        "iec62443-3-3:SR 1.1",
        "AD enforces named accounts",
    )
    assert last.details["via"] == "token"


def test_attesting_needs_an_engineer_and_a_known_requirement(client: TestClient, world: World) -> None:
    site = choose_site(world.url, DAIRY).id
    before = len(entries(world.url, site))
    assert (
        "engineer"
        in assert_error(attest(client, world, "ana", {"requirement": "SR 1.1", "why": "x"}), 403)["message"]
    )
    assert_error(client.post(url("compliance/attest"), json={"requirement": "SR 1.1", "why": "x"}), 401)
    unknown = assert_error(attest(client, world, "eng", {"requirement": "SR 99.1", "why": "x"}), 422)
    assert "no requirement 'SR 99.1'" in unknown["message"]
    for body in ({"requirement": "SR 1.1"}, {"requirement": "SR 1.1", "why": ""}, {"why": "x"}):
        assert_error(attest(client, world, "eng", body), 422)
    assert len(entries(world.url, site)) == before  # nothing refused was stored or audited


def test_the_page_weakest_first_with_statuses_in_words_and_symbols(client: TestClient, world: World) -> None:
    page = client.get(page_url("compliance"), headers={**headers(world, "eng"), **HTML})
    assert page.status_code == 200, page.text[:300]
    text = page.text
    assert "\u2717 not satisfied" in text and "\u2013 not assessed by plantwarden" in text
    assert "source access" in text and "days old" in text and 'name="csrf"' in text
    order = [text.index(f'id="g-FR-{n}"') for n in range(1, 8)]
    weakest = get(client, world, url("compliance"), limit=500)["items"]
    scores: dict[str, list[float]] = {}
    for i in weakest:
        if i["score"] is not None:
            scores.setdefault(i["group"], []).append(i["score"])
    means = {g: sum(s) / len(s) for g, s in scores.items()}
    shown = [f"FR {n}" for _, n in sorted(zip(order, range(1, 8), strict=True))]
    judged = [g for g in shown if g in means]
    assert [means[g] for g in judged] == sorted(means[g] for g in judged)  # the weakest first
    assert shown[len(judged) :] == [g for g in shown if g not in means]  # unjudged groups last
    viewer = client.get(page_url("compliance"), headers={**headers(world, "vic"), **HTML})
    assert viewer.status_code == 200 and 'action="/sites/' not in viewer.text.split('id="attest"')[1]


def test_the_page_form_attests_with_the_sessions_csrf_token(client: TestClient, world: World) -> None:
    csrf = sign_in(client, "eng")
    target = page_url("compliance/attest") + "?framework=nist-csf-2.0"
    form = {"csrf": csrf, "requirement": "nist-csf-2.0:PR.AA-01", "why": "badge readers at every door"}
    done = client.post(target, data=form, headers=HTML, follow_redirects=False)
    assert done.status_code == 303, done.text[:300]
    assert "framework=nist-csf-2.0" in done.headers["location"]
    shown = client.get(done.headers["location"], headers=HTML)
    assert "attested: nist-csf-2.0:PR.AA-01" in shown.text and "badge readers at every door" in shown.text
    refused = client.post(target, data={**form, "csrf": "wrong"}, headers=HTML, follow_redirects=False)
    assert refused.status_code == 403
    empty = client.post(target, data={**form, "why": " "}, headers=HTML, follow_redirects=False)
    assert empty.status_code == 422


def test_an_incident_recorded_through_its_service_is_evidence(client: TestClient, world: World) -> None:
    from plantwarden.continuity.source import stored_model
    from plantwarden.incidents.service import OpenRequest, open_incident

    site = choose_site(world.url, DAIRY).id
    model = stored_model(world.url, site)
    assert model is not None
    asset = model.assets[0].name
    req = OpenRequest(title="HMI behaves oddly", assets=(asset,), by="Ole", why="operator call at 03:10")
    open_incident(world.url, site, req, model)
    items = get(client, world, url("compliance"), limit=500, framework="nist-csf-2.0")["items"]
    rsma01 = next(i for i in items if i["id"] == "RS.MA-01")
    assert [(e["source"], e["status"]) for e in rsma01["evidence"]] == [
        ("incidents", "satisfied"),  # the timeline: opened with who and why
        ("incidents", "not enough evidence"),  # no decision taken yet
        ("incidents", "not enough evidence"),  # no evidence preserved
    ]
    assert rsma01["status"] == "partly"
