"""The asset, map, what-if, SPOF, segmentation, RACI and lifecycle pages render for a viewer
signed in with a password (a real session), say their states in words, and show another
site's pages as the same 404 page as a missing site."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.web.h3_helpers import page_url
from tests.web.world import DAIRY, LAB, PASSWORD

HTML = {"Accept": "text/html"}


def sign_in(client: TestClient, name: str) -> None:
    form = client.get("/login", headers=HTML).text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf": token.group(1), "next": "/"},
        headers=HTML,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]


def text_of(html: str) -> str:
    """The page's words, tags removed (what a screen reader or a colour-blind reader gets)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def viewer(client: TestClient) -> TestClient:
    sign_in(client, "vic")
    return client


def page(client: TestClient, rest: str, site: str = DAIRY, status: int = 200) -> str:
    response = client.get(page_url(rest, site), headers=HTML)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_the_asset_list_says_the_differences_in_words(viewer: TestClient) -> None:
    words = text_of(page(viewer, "assets"))
    assert "≠ differs" in words and "∅ not observed" in words and "? not declared" in words
    assert "firmware: declared V4.4, observed V3.3.0" in words
    filtered = text_of(page(viewer, "assets?zone=control&status=differs"))
    assert "plc-proc" in filtered and "lblprt-1" not in filtered
    empty = text_of(page(viewer, "assets?zone=safety&status=not+declared"))
    assert "No asset matches these filters" in empty


def test_the_asset_page_shows_each_fields_provenance(viewer: TestClient) -> None:
    html = page(viewer, "assets/plc-proc")
    words = text_of(html)
    assert "Fields and where each came from" in words
    assert re.search(r"firmware V3\.3\.0 high s7comm \S+ frame \d+", words), words[:2000]
    assert "Where the site model and the traffic differ" in words and "V4.4" in words
    assert "Identities seen" in words and "10.10.40.12" in words
    assert f'href="/sites/{quote(DAIRY, safe="")}/assets/' in html  # conversations link their peers
    silent = text_of(page(viewer, "assets/lblprt-2"))
    assert "Never observed" in silent and "ZT410 label printer" in silent


def test_the_map_links_every_asset_to_its_page(viewer: TestClient) -> None:
    html = page(viewer, "map")
    svg = html[html.index("<svg") : html.index("</svg>")]
    links = re.findall(r'<a href="([^"]+)"', svg)
    base = f"/sites/{quote(DAIRY, safe='')}/assets/"
    assert links and all(link.startswith(base) for link in links)
    assert base + "lblprt-2" in links and base + "plc-proc" in links
    for link in links[:3]:
        assert viewer.get(link, headers=HTML).status_code == 200
    words = text_of(html)
    assert "Conversations no conduit allows" in words and "ssh" in words


def test_the_what_if_page_without_scripts_and_its_htmx_result(viewer: TestClient) -> None:
    words = text_of(page(viewer, "what-if"))
    assert "Pick one or more assets" in words and "lblprt-1" in words
    both = "what-if?fail=lblprt-1&fail=lblprt-2&outage=4h"
    words = text_of(page(viewer, both))
    assert "1 line stops: 6,500 EUR/h" in words and "22,208 EUR over 240 min" in words
    assert "labeller-01 (asset) down at minute 30, after a 30 min buffer" in words
    assert "stopped at 35 min" in words
    fragment = viewer.get(page_url("what-if/result?fail=lblprt-1&fail=lblprt-2"), headers=HTML)
    assert fragment.status_code == 200 and "<html" not in fragment.text and "packaging" in fragment.text
    wrong = text_of(viewer.get(page_url("what-if/result?fail=lblprt-9"), headers=HTML).text)
    assert "'lblprt-9' is not an asset" in wrong
    alone = text_of(viewer.get(page_url("what-if/result?fail=lblprt-1"), headers=HTML).text)
    assert "No line stops" in alone


def test_the_continuity_pages_render(viewer: TestClient) -> None:
    spof = text_of(page(viewer, "spof"))
    assert "1 sw-ctrl-01 asset 30,000 EUR/h" in spof and "lblprt-1 + lblprt-2" in spof
    segmentation = text_of(page(viewer, "segmentation"))
    assert "dmz → operations: 1 violation, 1 flow" in segmentation
    raci = text_of(page(viewer, "raci"))
    assert "Gray areas" in raci and "⚠ no Responsible; no Accountable" in raci
    lifecycle = text_of(page(viewer, "lifecycle?at=2030-01-01"))
    assert "End of support at 2030-01-01" in lifecycle and "out of support" in lifecycle


@pytest.mark.parametrize(
    "rest",
    [
        "assets",
        "assets/plc-proc",
        "map",
        "what-if",
        "what-if/result",
        "spof",
        "segmentation",
        "raci",
        "lifecycle",
    ],
)
def test_another_sites_page_is_the_404_of_a_missing_site(client: TestClient, rest: str) -> None:
    sign_in(client, "lab")
    hidden = page(client, rest, DAIRY, 404)
    missing = page(client, rest, "no such plant", 404)
    assert text_of(hidden).replace(DAIRY, "X") == text_of(missing).replace("no such plant", "X")
    assert page(
        client,
        rest.replace("plc-proc", "10.0.0.1"),
        LAB,
        404 if "/" in rest and "result" not in rest else 200,
    )


def test_a_page_without_a_session_goes_to_sign_in(client: TestClient) -> None:
    answer = client.get(page_url("what-if"), headers=HTML, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
