"""What every fleet view shares: the sites asked, and the sites that could not be answered.

A fleet answer covers many sites; one site whose stored model no longer validates (or has a
dependency cycle) must not hide the others. Such a site is left out of the answer and named
in ``skipped`` with its one-line reason, the same line its own commands print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from plantwarden.errors import PlantwardenError
from plantwarden.store.sites import SiteRef

T = TypeVar("T")

#: Vulnerability statuses still open (nothing done yet, or work under way), as the plan reads them.
OPEN_STATUSES = ("not_remediated", "in_progress")


@dataclass(frozen=True, slots=True)
class Skipped:
    site: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"site": self.site, "reason": self.reason}


def per_site(sites: list[SiteRef], answer: Callable[[SiteRef], T]) -> tuple[list[T], list[Skipped]]:
    """``answer`` for each site with an id; a site it refuses is skipped with its reason."""
    found: list[T] = []
    skipped: list[Skipped] = []
    for ref in sites:
        if ref.id is None:
            continue
        try:
            found.append(answer(ref))
        except PlantwardenError as exc:
            skipped.append(Skipped(ref.name, exc.message))
    return found, skipped
