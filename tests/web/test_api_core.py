"""The first resources: sites (only those one may view), one site, me, the audit log (admin:
the store; others: their sites' entries), and keyset paging over a long audit log."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from plantwarden.people import audit
from plantwarden.store.engine import connected
from tests.web.conftest import headers
from tests.web.shape import assert_error
from tests.web.world import DAIRY, LAB, World


def site_url(name: str, rest: str = "") -> str:
    return f"/api/v1/sites/{quote(name, safe='')}{rest}"


def get(client: TestClient, world: World, user: str, path: str, **params: Any) -> Any:
    response = client.get(path, headers=headers(world, user), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_sites_lists_only_the_sites_one_may_view(client: TestClient, world: World) -> None:
    names = {u: [s["name"] for s in get(client, world, u, "/api/v1/sites")["items"]] for u in world.tokens}
    assert names["admin"] == [DAIRY, LAB]
    assert names["ana"] == names["vic"] == names["eng"] == [DAIRY]
    assert names["lab"] == [LAB]
    dairy = get(client, world, "ana", "/api/v1/sites")["items"][0]
    assert dairy["role"] == "analyst" and dairy["captures"] == 2 and dairy["open_alerts"] > 0


def test_one_site_and_its_hidden_neighbour(client: TestClient, world: World) -> None:
    assert get(client, world, "lab", site_url(LAB))["hosts"] > 0
    hidden = client.get(site_url(DAIRY), headers=headers(world, "lab"))
    assert_error(hidden, 404)
    assert "captures" not in hidden.text and "hosts" not in hidden.text


def test_me(client: TestClient, world: World) -> None:
    me = get(client, world, "eng", "/api/v1/me")
    assert me == {
        "name": "eng",
        "admin": False,
        "via": "token",
        "token_id": me["token_id"],
        "roles": {DAIRY: "engineer"},
    }
    assert isinstance(me["token_id"], int)
    assert get(client, world, "admin", "/api/v1/me")["roles"] == {DAIRY: "admin", LAB: "admin"}


def test_audit_admin_sees_the_store_others_their_sites(client: TestClient, world: World) -> None:
    everything = get(client, world, "admin", "/api/v1/audit", limit=500)["items"]
    seqs = [e["seq"] for e in everything]
    assert seqs == sorted(seqs, reverse=True)  # newest first
    assert any(e["site"] is None for e in everything)  # store-wide (user.add, token.create)
    for user, site in (("ana", DAIRY), ("lab", LAB)):
        mine = get(client, world, user, "/api/v1/audit", limit=500)["items"]
        assert mine and {e["site"] for e in mine} == {site}
        assert mine == get(client, world, user, site_url(site, "/audit"), limit=500)["items"]
    assert_error(client.get(site_url(LAB, "/audit"), headers=headers(world, "ana")), 404)
    grants = get(client, world, "admin", "/api/v1/audit", action="user.grant")["items"]
    assert grants and {e["action"] for e in grants} == {"user.grant"}


def test_keyset_paging_walks_a_long_log_once_in_order(client: TestClient, world: World) -> None:
    with connected(world.url, writes=True) as engine, Session(engine) as session, session.begin():
        for i in range(1200):
            audit.append(session, "bulk", "test.entry", f"entry {i}")
    first = get(client, world, "admin", "/api/v1/audit", limit=500)
    seen: list[int] = [e["seq"] for e in first["items"]]
    cursor = first["next"]
    # entries written meanwhile do not shift the pages that follow
    with connected(world.url, writes=True) as engine, Session(engine) as session, session.begin():
        audit.append(session, "late", "test.entry", "late")
    while cursor is not None:
        page = get(client, world, "admin", "/api/v1/audit", limit=500, cursor=cursor)
        seen += [e["seq"] for e in page["items"]]
        cursor = page["next"]
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen))
    assert seen[-1] == 1 and len(seen) == seen[0]  # every entry, none twice, to the first


def test_a_tokens_last_use_is_written_once_a_minute(client: TestClient, world: World) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from plantwarden.people.models import ApiToken
    from plantwarden.people.tokens import list_tokens
    from plantwarden.store.types import utc_now

    def last_used() -> object:
        return next(t.last_used_at for t in list_tokens(world.url, "vic"))

    get(client, world, "vic", "/api/v1/me")
    first = last_used()
    assert first is not None
    get(client, world, "vic", "/api/v1/me")
    assert last_used() == first  # within the minute: not written again
    with connected(world.url, writes=True) as engine, Session(engine) as session, session.begin():
        session.execute(update(ApiToken).values(last_used_at=utc_now() - timedelta(minutes=2)))
    get(client, world, "vic", "/api/v1/me")
    latest = last_used()
    assert isinstance(latest, type(first)) and latest > utc_now() - timedelta(seconds=30)  # type: ignore[operator]
