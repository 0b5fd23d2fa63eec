"""Logins and the RACI's people: ``anna.keller`` is ``Anna Keller`` for the approval check,
the four-eyes check and the incident's deciders (a login holds no spaces)."""

from __future__ import annotations

from plantwarden.access.raci import approval_problem
from plantwarden.incidents.decide import acts_as
from plantwarden.people.persons import person_key, same_person
from plantwarden.site.use import read_site
from tests.conftest import ROOT


def test_separators_and_case_do_not_count() -> None:
    assert person_key("Anna Keller") == person_key("anna.keller") == person_key("ANNA_KELLER") == "annakeller"
    assert same_person("jonas-weber", "Jonas Weber")
    assert not same_person("anna.keller", "Anna Kellerman") and not same_person("", "")


def test_logins_hold_the_roles_of_their_people() -> None:
    model, _ = read_site(ROOT / "examples" / "dairy" / "site.yaml")
    # before: only "Anna Keller" itself passed; the login anna.keller was nobody in the RACI
    assert approval_problem(model, "anna.keller", ["plc-fill-a"]) is None
    assert approval_problem(model, "Anna Keller", ["plc-fill-a"]) is None
    assert approval_problem(model, "markus.braun", ["plc-fill-a"]) is not None
    assert acts_as(model, ("ehs-officer",), "markus.braun")
    assert acts_as(model, ("ehs-officer",), "ehs-officer")
    assert not acts_as(model, ("ehs-officer",), "anna.keller")
