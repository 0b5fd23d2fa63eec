"""The web application on both backends (SQLite file and PostgreSQL): tokens and sessions,
sites hidden from those who may not view them, keyset paging of the audit log, sign-out."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from plantwarden.people import audit, tokens, users
from plantwarden.site.use import read_site
from plantwarden.store.engine import connected
from plantwarden.store.sites import choose_site, store_site_version
from plantwarden.web.app import create_app
from tests.conftest import ROOT
from tests.web.signin import sign_in
from tests.web.world import PASSWORD

DAIRY = "Molkerei Talblick (dairy, example)"


def _world(url: str) -> dict[str, str]:
    for path in (
        ROOT / "examples" / "dairy" / "site.yaml",
        ROOT / "tests" / "cli" / "data" / "modbus_site.yaml",
    ):
        model, text = read_site(path)
        store_site_version(url, model, path.name, text)
    made = {}
    for name, site in (("ana", DAIRY), ("lab", "modbus lab")):
        users.add_user(url, name, PASSWORD, is_admin=False, actor="setup")
        users.grant(url, name, choose_site(url, site), "analyst", actor="setup")
        _, made[name] = tokens.create_token(
            url, name, site=None, role=None, expires=timedelta(days=1), name="t", actor="setup"
        )
    return made


def test_the_application_on_both_backends(store_url: str) -> None:
    made = _world(store_url)
    with connected(store_url, writes=True) as engine, Session(engine) as session, session.begin():
        site_id = choose_site(store_url, DAIRY).id
        for i in range(120):
            audit.append(session, "bulk", "test.entry", f"entry {i}", site_id=site_id)
    with TestClient(create_app(store_url), raise_server_exceptions=False) as client:
        ana = {"Authorization": f"Bearer {made['ana']}"}
        assert [s["name"] for s in client.get("/api/v1/sites", headers=ana).json()["items"]] == [DAIRY]
        hidden = client.get("/api/v1/sites/modbus%20lab", headers=ana)
        assert hidden.status_code == 404 and "no site 'modbus lab'" in hidden.text
        seen: list[int] = []
        cursor = None
        while True:
            params = {"limit": "50", **({"cursor": cursor} if cursor else {})}
            page = client.get(
                f"/api/v1/sites/{quote(DAIRY, safe='')}/audit", headers=ana, params=params
            ).json()
            seen += [e["seq"] for e in page["items"]]
            cursor = page["next"]
            if cursor is None:
                break
        assert len(seen) == 121 and seen == sorted(seen, reverse=True)  # 120 + the grant
        csrf = sign_in(client, "lab")
        assert client.get("/api/v1/me").json()["roles"] == {"modbus lab": "analyst"}
        assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
        assert client.get("/api/v1/me").status_code == 401
