"""Who may approve a grant: a person of a role Responsible or Accountable for every asset.

The RACI row that applies is the one :mod:`plantwarden.continuity.raci` resolves for the
asset and the ``changes`` activity (a remote session is a change window), which falls back
to the asset's own entry, the entries of the lines that need it, and the site-wide one. A
person "holds" a role when named in its ``people`` or equal to its ``team``, compared by
:func:`plantwarden.people.persons.person_key` (the login ``anna.keller`` is ``Anna Keller``).
"""

from __future__ import annotations

from plantwarden.people.persons import person_key
from plantwarden.site.model import SiteModel


def role_holders(model: SiteModel) -> dict[str, set[str]]:
    """Each role id and the people (and team name) who hold it, case-folded."""
    return {
        r.id: {person_key(p) for p in r.people} | ({person_key(r.team)} if r.team else set())
        for r in model.roles
    }


def approver_roles(model: SiteModel, asset: str) -> set[str]:
    """The role ids Responsible or Accountable for changes to ``asset``."""
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.raci import Resolver

    row = Resolver(model, build_graph(model)).resolve("asset", asset, "changes")
    return set(row.roles["responsible"]) | set(row.roles["accountable"])


def approval_problem(model: SiteModel, person: str, assets: list[str]) -> str | None:
    """Why ``person`` may not approve access to ``assets`` (None: they may)."""
    holders = role_holders(model)
    mine = {rid for rid, people in holders.items() if person_key(person) in people}
    for asset in assets:
        allowed = approver_roles(model, asset)
        if not mine & allowed:
            listed = ", ".join(sorted(allowed)) or "none: the RACI names nobody"
            return (
                f"{person!r} is neither Responsible nor Accountable for {asset!r} in the RACI "
                f"(roles that are: {listed})"
            )
    return None


def zone_assets(model: SiteModel, zone: str) -> list[str]:
    return [a.name for a in model.assets if a.zone == zone]
