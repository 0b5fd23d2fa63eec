"""The alert queue through the API: worst first as ``plantwarden alerts`` orders it, filters,
keyset pages that stay put while alerts arrive, actions with who and why (audited), bulk
acknowledge, and who may do what (viewer 403, another site 404, bad input 422)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from plantwarden.continuity.source import stored_model
from plantwarden.detect.impact import impact_fn
from plantwarden.detect.model import Alert, Severity
from plantwarden.detect.order import worst_first
from plantwarden.detect.queue import SiteView, parse_query
from plantwarden.detect.store_alerts import list_alerts, record_alerts
from plantwarden.store.sites import choose_site
from tests.web.conftest import headers
from tests.web.shape import assert_error
from tests.web.test_api_core import get, site_url
from tests.web.world import DAIRY, LAB, World

ALERTS = site_url(DAIRY, "/alerts")


def every(client: TestClient, world: World, user: str = "vic", limit: int = 500, **params: Any) -> list[Any]:
    """Every page of the list, in order."""
    items: list[Any] = []
    cursor = None
    while True:
        extra = {} if cursor is None else {"cursor": cursor}
        page = get(client, world, user, ALERTS, limit=limit, **params, **extra)
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items


def cli_order(world: World, **filters: str) -> list[str]:
    """What ``plantwarden alerts`` lists, in its order (the CLI's services)."""
    site = choose_site(world.url, DAIRY)
    view = SiteView(stored_model(world.url, site.id))
    query = parse_query(**filters, site=view.site)  # type: ignore[arg-type]
    return [
        a.id for a in worst_first(view.named(a) for a in list_alerts(world.url, query=query, site=site.id))
    ]


def test_worst_first_like_the_cli_and_pages_walk_it_once(client: TestClient, world: World) -> None:
    everything = every(client, world)
    ids = [a["id"] for a in everything]
    assert len(ids) > 30 and ids == cli_order(world)
    assert [a["id"] for a in every(client, world, limit=7)] == ids  # 7 at a time: the same, once
    first = everything[0]
    assert first["severity"] == "critical" and first["at_risk_per_hour"] == 30000.0
    assert first["src_name"] and first["dst_name"] != first["dst"]  # named by the site model
    assert "EUR/h" in first["at_risk"]


def test_pages_do_not_shift_when_alerts_arrive(client: TestClient, world: World) -> None:
    before = [a["id"] for a in every(client, world)]
    page = get(client, world, "vic", ALERTS, limit=10)
    site = choose_site(world.url, DAIRY)
    now = datetime.now(UTC).timestamp()
    news = [  # worse than anything on the first page, and one that sorts among the next pages
        Alert(id=f"A{i:012x}", rule="port-scan", title="t", severity=Severity(sev), techniques=[],
              src="10.10.10.99", dst=f"10.10.40.{i}", assets=[], first_ts=now, last_ts=now, count=1,
              evidence=[], response="r", impact={"cost_per_hour": cost, "currency": "EUR", "lines": []})
        for i, sev, cost in ((201, 4, 99999.0), (202, 2, 0.0))
    ]  # fmt: skip
    record_alerts(world.url, news, site=site.id)
    rest: list[str] = []
    cursor = page["next"]
    while cursor is not None:
        more = get(client, world, "vic", ALERTS, limit=10, cursor=cursor)
        rest += [a["id"] for a in more["items"]]
        cursor = more["next"]
    walked = [a["id"] for a in page["items"]] + rest
    assert len(walked) == len(set(walked))  # nothing twice
    assert [x for x in walked if x not in {n.id for n in news}] == before  # nothing lost or moved
    assert "A0000000000c9" not in walked  # the critical one sorts before the cursor: next walk
    assert every(client, world)[0]["id"] == "A0000000000c9"


def test_filters_keep_what_the_cli_keeps(client: TestClient, world: World) -> None:
    for filters in (
        {"state": "new"},
        {"severity": "high"},
        {"rule": "port-scan,outside-conduit"},
        {"asset": "plc-fill-a"},
        {"asset": "10.10.10.101", "severity": "critical"},
        {"since": "2000-01-01", "until": "2100-01-01"},
    ):
        got = [a["id"] for a in every(client, world, **filters)]
        assert got == cli_order(world, **filters), filters
        assert got, filters
    assert every(client, world, since="2100-01-01") == []
    assert {a["rule"] for a in every(client, world, rule="port-scan")} == {"port-scan"}


def test_zone_and_line_filters(client: TestClient, world: World) -> None:
    site = stored_model(world.url, choose_site(world.url, DAIRY).id)
    assert site is not None
    # an asset's addresses: its IPs and MACs (as for --asset NAME)
    safety = {str(x).lower() for a in site.assets if a.zone == "control" for x in (*a.ips, *a.macs)}
    control = every(client, world, zone="control")
    assert control and [a for a in control if a["src"] not in safety and a["dst"] not in safety] == []
    assert len(control) < len(every(client, world))
    filling = every(client, world, line="filling")
    price = impact_fn(site)
    stops = {  # the addresses of the assets whose failure stops the filling line
        str(x).lower()
        for a in site.assets
        if any(stop["line"] == "filling" for stop in (price([a.name]) or {}).get("lines", []))
        for x in (*a.ips, *a.macs)
    }
    assert filling and all(a["src"] in stops or a["dst"] in stops for a in filling)
    everything = every(client, world)
    assert len(filling) < len(everything)
    assert {a["id"] for a in everything if "filling" in a["at_risk"]} <= {a["id"] for a in filling}
    both = every(client, world, zone="control", line="filling")
    assert {a["id"] for a in both} == {a["id"] for a in control} & {a["id"] for a in filling}


def test_bad_filters_and_cursors_are_named(client: TestClient, world: World) -> None:
    bad = client.get(ALERTS, headers=headers(world, "vic"), params={"state": "opn", "zone": "moon"})
    error = assert_error(bad, 422)
    assert [d["loc"] for d in error["details"]] == [["query", "state"], ["query", "zone"]]
    assert "opn" in error["message"] and "new, acknowledged, closed" in error["message"]
    assert "moon" in error["details"][1]["message"] and "control" in error["details"][1]["message"]
    for params in ({"severity": "dire"}, {"since": "yesterday-ish"}, {"cursor": "nope"}, {"limit": "0"},
                   {"since": "2026-12-07", "until": "2026-12-01"}, {"asset": "no-such-plc"}):  # fmt: skip
        assert_error(client.get(ALERTS, headers=headers(world, "vic"), params=params), 422)
    assert_error(client.get(ALERTS + "/A12", headers=headers(world, "vic")), 422)


def test_one_alert_with_its_history(client: TestClient, world: World) -> None:
    top = every(client, world)[0]
    assert get(client, world, "vic", f"{ALERTS}/{top['id']}")["history"] == []
    act = client.post(
        f"{ALERTS}/{top['id']}/ack", headers=headers(world, "ana"), json={"why": "looking at it"}
    )
    assert act.status_code == 200, act.text
    shown = get(client, world, "vic", f"{ALERTS}/{top['id']}")
    assert shown["state"] == "acknowledged" and shown["response"] and shown["impact"]
    assert [(h["action"], h["by"], h["why"], h["state"]) for h in shown["history"]] == [
        ("ack", "ana", "looking at it", "acknowledged")
    ]
    assert_error(client.get(f"{ALERTS}/A000000000000", headers=headers(world, "vic")), 404)


def post(client: TestClient, world: World, user: str, path: str, why: str = "because") -> Any:
    return client.post(path, headers=headers(world, user), json={"why": why})


def bulk(client: TestClient, world: World, user: str, ids: list[str], why: str = "x") -> Any:
    return client.post(ALERTS + "/ack", headers=headers(world, user), json={"ids": ids, "why": why})


def test_actions_follow_the_lifecycle_and_are_audited(client: TestClient, world: World) -> None:
    learnable = next(a for a in every(client, world) if a["rule"] == "write-from-new-host")
    one = f"{ALERTS}/{learnable['id']}"
    assert (
        post(client, world, "ana", one + "/close", "handled by the night shift").json()["state"] == "closed"
    )
    error = assert_error(post(client, world, "ana", one + "/ack"), 409)
    assert "already closed" in error["message"]
    assert post(client, world, "ana", one + "/reopen").json()["state"] == "new"
    assert post(client, world, "ana", one + "/mute").json()["state"] == "closed"
    assert post(client, world, "ana", one + "/unmute").json()["state"] == "closed"
    assert post(client, world, "ana", one + "/reopen").json()["state"] == "new"
    learned = post(client, world, "eng", one + "/learn", "the new engineering station")
    assert learned.status_code == 200 and learned.json()["state"] == "closed"
    history = [(h["action"], h["by"]) for h in learned.json()["history"]]
    assert history == [("close", "ana"), ("reopen", "ana"), ("mute", "ana"), ("unmute", "ana"),
                       ("reopen", "ana"), ("learn", "eng")]  # fmt: skip
    entries = get(client, world, "admin", site_url(DAIRY, "/audit"), limit=20)["items"]
    mine = [e for e in entries if e["target"] == f"alert {learnable['id']}"]
    assert [e["action"] for e in reversed(mine)] == [
        "alert.close", "alert.reopen", "alert.mute", "alert.unmute", "alert.reopen", "alert.learn"
    ]  # fmt: skip
    assert mine[-1]["why"] == "handled by the night shift" and mine[-1]["actor"] == "ana"
    assert mine[-1]["details"]["via"] == "token" and mine[-1]["details"]["rule"] == "write-from-new-host"
    assert isinstance(mine[0]["details"]["baseline_version"], int)


def test_who_may_act(client: TestClient, world: World) -> None:
    top = every(client, world)[0]["id"]
    denied = assert_error(post(client, world, "vic", f"{ALERTS}/{top}/ack"), 403)
    assert "analyst" in denied["message"]
    assert_error(
        client.post(ALERTS + "/ack", headers=headers(world, "vic"), json={"ids": [top], "why": "x"}), 403
    )
    hidden = post(client, world, "lab", f"{ALERTS}/{top}/ack")  # the dairy does not exist for lab
    assert_error(hidden, 404)
    assert "critical" not in hidden.text
    other = client.get(site_url(LAB, f"/alerts/{top}"), headers=headers(world, "lab"))
    assert_error(other, 404)  # the dairy's alert under the lab's own site: not found either
    assert_error(client.post(f"{ALERTS}/{top}/ack", headers=headers(world, "ana"), json={}), 422)
    assert_error(client.post(f"{ALERTS}/{top}/ack", headers=headers(world, "ana"), json={"why": ""}), 422)
    assert get(client, world, "vic", f"{ALERTS}/{top}")["history"] == []  # nothing changed


def test_bulk_acknowledge(client: TestClient, world: World) -> None:
    some = [a["id"] for a in every(client, world)[3:8]]
    done = client.post(
        ALERTS + "/ack", headers=headers(world, "ana"), json={"ids": some, "why": "shift start"}
    )
    assert done.status_code == 200, done.text
    assert [(a["id"], a["state"]) for a in done.json()["acknowledged"]] == [(i, "acknowledged") for i in some]
    entries = get(client, world, "ana", site_url(DAIRY, "/audit"), action="alert.ack")["items"]
    assert sorted(e["target"] for e in entries) == sorted(f"alert {i}" for i in some)
    assert {e["why"] for e in entries} == {"shift start"}
    # one unknown id: nothing changes
    rest = [a["id"] for a in every(client, world, state="new")[:2]]
    missing = client.post(
        ALERTS + "/ack", headers=headers(world, "ana"), json={"ids": [*rest, "A000000000000"], "why": "x"}
    )
    assert "A000000000000" in assert_error(missing, 404)["message"]
    assert {a["state"] for a in every(client, world) if a["id"] in rest} == {"new"}
    assert_error(
        client.post(ALERTS + "/ack", headers=headers(world, "ana"), json={"ids": [], "why": "x"}), 422
    )
    assert_error(
        client.post(ALERTS + "/ack", headers=headers(world, "ana"), json={"ids": ["x"], "why": "x"}), 422
    )


def test_the_union_of_ranges_reads_what_the_or_reads(world: World) -> None:
    """web/api/keyset_union.py against web/paging.keyset, from every row as cursor, filtered or not."""
    from sqlalchemy import create_engine

    from plantwarden.detect.listing import QueueFilter, queue_select
    from plantwarden.detect.store_alerts import AlertQuery
    from plantwarden.web import paging
    from plantwarden.web.api.alerts import KEYS
    from plantwarden.web.api.keyset_union import keyset_union

    site = choose_site(world.url, DAIRY)
    assert site.id is not None
    engine = create_engine(world.url)
    with engine.connect() as conn:
        for flt in (QueueFilter(AlertQuery()), QueueFilter(AlertQuery(states=frozenset({"new"}))),
                    QueueFilter(AlertQuery(severity=Severity.HIGH))):  # fmt: skip
            start = paging.PageRequest(500, None)
            everything = list(conn.execute(paging.keyset(queue_select(site.id, flt), KEYS, start)))
            assert everything
            for row in everything:
                after = (
                    row.severity_rank,
                    row.at_risk_per_hour,
                    row.last_ts,
                    row.rule,
                    row.src,
                    row.dst,
                    row.id,
                )
                page = paging.PageRequest(5, after)
                ors = [r.id for r in conn.execute(paging.keyset(queue_select(site.id, flt), KEYS, page))]
                ranges = [r.id for r in conn.execute(keyset_union(queue_select(site.id, flt), KEYS, page))]
                assert ranges == ors
    engine.dispose()
