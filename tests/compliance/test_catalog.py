"""The catalogues as data and the reviewed mapping table."""

from __future__ import annotations

import re

import pytest

from plantwarden.compliance.catalog import CPG, CSF, FRAMEWORKS, IEC, load
from plantwarden.compliance.mapping import mapping
from plantwarden.compliance.rules import all_rules
from plantwarden.errors import UsageError


@pytest.mark.parametrize(("framework", "count"), [(IEC, 51), (CSF, 106), (CPG, 38)])
def test_each_catalogue_has_all_its_requirements_once(framework: str, count: int) -> None:
    catalog = load(framework)
    ids = [r.id for r in catalog.requirements]
    assert len(ids) == count and len(set(ids)) == count
    assert catalog.licence and catalog.source and catalog.version


def test_identifiers_are_spelled_as_their_sources_spell_them() -> None:
    assert all(re.fullmatch(r"SR \d\.\d{1,2}", r.id) for r in load(IEC).requirements)
    assert all(re.fullmatch(r"[A-Z]{2}\.[A-Z]{2}-\d{2}", r.id) for r in load(CSF).requirements)
    assert all(re.fullmatch(r"[1-5]\.[A-X]", r.id) for r in load(CPG).requirements)
    assert load(IEC).get("SR 5.1") is not None and load(IEC).get("SR 5.1").group == "FR 5"  # type: ignore[union-attr]
    assert load(CPG).get("2.F").title == "Network Segmentation"  # type: ignore[union-attr]


def test_an_unknown_framework_names_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"iec62443-3-3, nist-csf-2\.0, cisa-cpg"):
        load("iso27001")


def test_the_mapping_names_only_real_requirements_and_rules() -> None:
    table = mapping()
    rules = all_rules()
    assert set(table) == set(FRAMEWORKS)
    used = {rule for reqs in table.values() for names in reqs.values() for rule in names}
    assert used <= set(rules)
    assert used == set(rules), f"rules no requirement uses: {set(rules) - used}"
