"""Production lines, dependency edges and redundancy groups (what production needs to run)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_core.core_schema import ValidationInfo

from plantwarden.site.types import Frozen, Name, Text

Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Line(Frozen):
    """A production line and what an hour of its standstill costs."""

    name: Name
    downtime_cost_per_hour: Money = Field(description="Cost of one hour of standstill, in the site currency.")
    requires: tuple[Name, ...] = Field(default=(), description="Assets, services or groups the line needs.")
    description: Text | None = None


class Dependency(Frozen):
    """``dependent`` stops ``buffer_minutes`` after ``requires`` fails (0: at once)."""

    dependent: Name = Field(description="Asset, service or line that needs the other.")
    requires: Name = Field(description="Asset, service, line or redundancy group it needs.")
    buffer_minutes: Annotated[float, Field(ge=0, allow_inf_nan=False)] = Field(
        default=0, description="Minutes the dependent keeps running after the dependency fails."
    )
    note: Text | None = None


class RedundancyGroup(Frozen):
    """``k`` of the ``members`` must be up for the group to be up."""

    name: Name
    members: tuple[Name, ...] = Field(min_length=1, description="Assets or services.")
    k: int = Field(ge=1, description="How many members must be up (1 <= k <= number of members).")
    description: Text | None = None

    @field_validator("k")
    @classmethod
    def _k_of_n(cls, value: int, info: ValidationInfo) -> int:
        members = info.data.get("members")
        if members is not None and value > len(members):
            n = len(members)
            raise ValueError(f"k = {value} but the group has only {n} members (expected 1 <= k <= {n})")
        return value
