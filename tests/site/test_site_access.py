"""The site model's ``access`` section: optional (old files stay valid), standing grants with
an end, four eyes, known vendor/assets/zone, and an approver R or A in the RACI; each
problem located at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden.access.grants import declared
from plantwarden.errors import SiteModelError
from plantwarden.site.loader import load_site_text
from plantwarden.site.model_access import DEFAULT_MAX_GRANT_HOURS

ROOT = Path(__file__).resolve().parents[2]
DAIRY = (ROOT / "examples" / "dairy" / "site.yaml").read_text()
HEAD, _, _ = DAIRY.partition("\n# Vendor remote access")
GRANT = """
access:
  grants:
    - name: g1
      vendor: Siemens AG
      person: Pat
      assets: [plc-recv]
      protocols: [s7comm]
      start: 2026-12-12T06:00
      end: 2026-12-12T10:00
      reason: test
      requested_by: Jonas Weber
      approved_by: Anna Keller
"""


def problems(text: str) -> list[str]:
    with pytest.raises(SiteModelError) as info:
        load_site_text(text, "site.yaml")
    return [str(p) for p in info.value.problems]


def test_a_site_without_the_section_is_valid_and_has_the_default_limit() -> None:
    model = load_site_text(HEAD, "site.yaml")
    assert model.access.max_grant_hours == DEFAULT_MAX_GRANT_HOURS and model.access.grants == ()
    assert model.counts()["grants"] == 0


def test_the_dairy_declares_its_vendor_grant_in_site_time() -> None:
    model = load_site_text(DAIRY, "site.yaml")
    (g,) = declared(model)
    assert (g.key, g.company, g.assets, g.protocols, g.operations) == (
        "siemens-ews-sunday", "Siemens AG", ("ews-01",), ("ssh",), "view",
    )  # fmt: skip
    assert g.start.isoformat() == "2026-11-22T05:00:00+00:00"  # 06:00 in Berlin (CET)
    assert g.state(g.start) == "active" and g.state(g.end) == "expired"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("      end: 2026-12-12T10:00\n", "", "missing required key 'end'"),
        ("end: 2026-12-12T10:00", "end: 2026-12-12T05:00", "is not after start"),
        ("end: 2026-12-12T10:00", "end: 2028-12-12T10:00", "at most 366 days"),
        ("approved_by: Anna Keller", "approved_by: Jonas Weber", "four eyes"),
        ("vendor: Siemens AG", "vendor: Siemens", "vendor 'Siemens' is not defined"),
        ("assets: [plc-recv]", "assets: [plc-nope]", "asset 'plc-nope' is not defined"),
        ("assets: [plc-recv]", "zone: nowhere", "zone 'nowhere' is not defined"),
        ("protocols: [s7comm]", "protocols: [ftp]", "protocols"),
        ("approved_by: Anna Keller", "approved_by: Sofia Richter", "neither Responsible nor Accountable"),
    ],
)
def test_bad_grants_are_located(old: str, new: str, expected: str) -> None:
    text = HEAD + GRANT.replace(old, new)
    found = problems(text)
    assert any(expected in p for p in found), found
    line = next(p for p in found if expected in p).split(":")[1]
    assert int(line) > HEAD.count("\n")  # in the access section, not elsewhere


def test_grant_names_are_unique() -> None:
    body = GRANT.split("  grants:\n")[1]
    found = problems(HEAD + GRANT + body.replace("name: g1", "name: g1").replace("plc-recv", "plc-proc"))
    assert any("'g1' is already defined" in p for p in found), found
