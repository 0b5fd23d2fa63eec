"""Incidents on both stores (SQLite and PostgreSQL): opened by hand on a stored site model,
decided, closed; the audit chain holds; another site does not see them."""

from __future__ import annotations

import pytest

from plantwarden.errors import NotFoundError
from plantwarden.incidents import service
from plantwarden.incidents.decide import decide
from plantwarden.incidents.service import OpenRequest
from plantwarden.people import audit
from plantwarden.site.use import read_site
from plantwarden.store.sites import choose_site, store_site_version
from tests.conftest import ROOT

SITE = ROOT / "examples" / "dairy" / "site.yaml"


def test_an_incident_from_open_to_closed(store_url: str) -> None:
    model, text = read_site(SITE)
    store_site_version(store_url, model, str(SITE), text)
    site = choose_site(store_url, model.site.name).id
    req = OpenRequest(
        title="pasteuriser PLC in STOP", assets=("plc-proc",), source="ews-01", by="lea", why="HMI alarm"
    )
    inc = service.open_incident(store_url, site, req, model)
    assert inc.label == "INC-1" and inc.document["lines"] == ["reception-processing", "filling", "packaging"]
    decide(store_url, site, "INC-1", "safety.clear", "Markus Braun", "SIS healthy", model)
    inc = decide(
        store_url,
        site,
        "INC-1",
        "containment.isolate-target",
        "lea",
        "foreign code on the PLC",
        model,
        override="plant manager unreachable, EHS agrees",
    )
    assert inc.state == "contained" and inc.decisions[-1].predicted_cost_per_hour == 30000.0
    inc = decide(store_url, site, "INC-1", "stabilise.manual", "Anna Keller", "hand operation", model)
    assert inc.state == "stabilised"
    service.close(store_url, site, "INC-1", "Anna Keller", "lessons: EWS on its own VLAN")
    assert audit.verify(store_url).broken_at is None
    actions = [e.action for e in audit.entries(store_url) if e.target == "INC-1"]
    assert actions == ["incident.open"] + ["incident.decide"] * 3 + ["incident.close"]
    other = choose_site(store_url, "other plant", add=True).id
    assert service.list_incidents(store_url, other) == []
    with pytest.raises(NotFoundError):
        service.get_incident(store_url, other, "INC-1")
