"""Site model versions: a new version becomes current, history is kept, the same file is no new version."""

from __future__ import annotations

from datetime import UTC

import pytest
from pydantic import BaseModel

from plantwarden.errors import InputError, StoreError
from plantwarden.store.engine import ensure_current
from plantwarden.store.sites import choose_site, current_site_document, site_history, store_site_version


class Site(BaseModel):
    name: str


class Asset(BaseModel):
    name: str
    ip: str


class SiteModel(BaseModel):
    """A stand-in with the shape of plantwarden.site's model: ``site.name`` plus content."""

    site: Site
    assets: list[Asset] = []


def model(name: str = "plant-a", *assets: str) -> SiteModel:
    return SiteModel(
        site=Site(name=name), assets=[Asset(name=a, ip=f"10.0.0.{i + 1}") for i, a in enumerate(assets)]
    )


def test_a_new_store_has_no_site(store_url: str) -> None:
    ensure_current(store_url)  # plantwarden db upgrade
    assert choose_site(store_url).id is None
    assert current_site_document(store_url, choose_site(store_url).id) is None
    assert site_history(store_url) == []


def test_first_version_is_stored_and_current(store_url: str) -> None:
    m = model("plant-a", "plc1")
    assert store_site_version(store_url, m, "site.yaml", "text v1") == 1
    assert current_site_document(store_url, choose_site(store_url).id) == m.model_dump(mode="json")
    (only,) = site_history(store_url)
    assert (only.site_name, only.version, only.source_path, only.is_current) == (
        "plant-a",
        1,
        "site.yaml",
        True,
    )
    assert only.loaded_at.tzinfo == UTC
    assert len(only.source_sha256) == 64


def test_a_new_version_replaces_the_current_and_keeps_history(store_url: str) -> None:
    store_site_version(store_url, model("plant-a", "plc1"), "site.yaml", "text v1")
    v2 = model("plant-a", "plc1", "hmi1")
    assert store_site_version(store_url, v2, "site.yaml", "text v2") == 2
    assert current_site_document(store_url, choose_site(store_url).id) == v2.model_dump(mode="json")
    history = site_history(store_url)
    assert [(h.version, h.is_current) for h in history] == [(1, False), (2, True)]
    assert history[0].source_sha256 != history[1].source_sha256


def test_the_same_file_twice_is_no_new_version(store_url: str) -> None:
    assert store_site_version(store_url, model("plant-a", "plc1"), "site.yaml", "text v1") == 1
    assert store_site_version(store_url, model("plant-a", "plc1"), "other/site.yaml", "text v1") == 1
    assert len(site_history(store_url)) == 1


def test_going_back_to_an_older_file_is_a_new_version(store_url: str) -> None:
    store_site_version(store_url, model("plant-a", "plc1"), "site.yaml", "text v1")
    store_site_version(store_url, model("plant-a", "plc2"), "site.yaml", "text v2")
    assert store_site_version(store_url, model("plant-a", "plc1"), "site.yaml", "text v1") == 3
    assert [h.is_current for h in site_history(store_url)] == [False, False, True]


def test_versions_count_per_site_and_each_site_has_its_current(store_url: str) -> None:
    """Loading another site's file adds that site beside the first; it replaces nothing."""
    store_site_version(store_url, model("plant-a", "plc1"), "a.yaml", "a1")
    assert store_site_version(store_url, model("plant-b", "plc9"), "b.yaml", "b1") == 1
    assert store_site_version(store_url, model("plant-a", "plc2"), "a.yaml", "a2") == 2
    current = [(h.site_name, h.version) for h in site_history(store_url) if h.is_current]
    assert current == [("plant-b", 1), ("plant-a", 2)]
    a, b = choose_site(store_url, "plant-a"), choose_site(store_url, "plant-b")
    assert current_site_document(store_url, a.id) == model("plant-a", "plc2").model_dump(mode="json")
    assert current_site_document(store_url, b.id) == model("plant-b", "plc9").model_dump(mode="json")
    assert [h.version for h in site_history(store_url, a.id)] == [1, 2]
    # the same text for another site is that site's version, not "unchanged"
    assert store_site_version(store_url, model("plant-b", "plc9"), "b.yaml", "a2") == 2


def test_the_first_model_names_the_default_site_of_earlier_analyses(store_url: str) -> None:
    """analyze, then site load: one site (what was analysed belongs to the plant loaded)."""
    from plantwarden.store.imports import list_captures, record_capture

    from .helpers import MODBUS_DOC

    record_capture(store_url, MODBUS_DOC)
    assert choose_site(store_url).name == "default"
    store_site_version(store_url, model("plant-a"), "a.yaml", "a1")
    only = choose_site(store_url)
    assert only.name == "plant-a"
    assert [c.name for c in list_captures(store_url, only.id)] == ["modbus.pcap"]
    store_site_version(store_url, model("plant-b"), "b.yaml", "b1")  # a second plant: a new site
    assert [c.name for c in list_captures(store_url, choose_site(store_url, "plant-b").id)] == []


def test_a_model_without_a_site_name_is_refused(store_url: str) -> None:
    with pytest.raises(InputError, match=r"^site.yaml: the site model has no site.name"):
        store_site_version(store_url, Asset(name="x", ip="1.2.3.4"), "site.yaml", "text")
    with pytest.raises(StoreError, match=r"^no plantwarden store at "):  # refused before any store was made
        site_history(store_url)
