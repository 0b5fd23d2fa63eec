"""The site model's ``remediation`` section (plantwarden.plan): effort, vendor qualification, order.

Every key is optional, so a site file without the section still loads (backward compatible).

```yaml
remediation:
  roles:            # defaults per asset role (built-in defaults in plantwarden.plan.defaults)
    plc: {duration_hours: 2, downtime_hours: 2, line_stop: true}
  assets:           # per-asset overrides
    plc-fill-a: {duration_hours: 3}
  qualification:    # declared per vendor (Rockwell / Siemens publish such lists)
    - {vendor: Siemens, state: held, until: 2027-03-01, note: "FW V4.6 under test"}
  order:            # an upgrade that needs another first
    - {first: hmi-fill, then: plc-fill-a, note: "HMI software before PLC firmware"}
  crew_hours_per_window: 16
```
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from plantwarden.site.types import Frozen, Name, Text

Hours = Annotated[float, Field(ge=0, le=24 * 14, allow_inf_nan=False)]


class Qualification(StrEnum):
    QUALIFIED = "qualified"
    NOT_YET = "not_yet"
    HELD = "held"
    NOT_APPLICABLE = "not_applicable"


class Effort(Frozen):
    """How long the work takes, how long the asset is down, whether its lines must stop."""

    duration_hours: Hours | None = None
    downtime_hours: Hours | None = None
    line_stop: bool | None = Field(default=None, description="The lines the asset feeds must stop.")


class VendorQualification(Frozen):
    """A vendor's qualification state of its target versions; ``until`` is when it is expected."""

    vendor: Text
    state: Qualification
    until: date | None = Field(default=None, description="Date from which the version may be installed.")
    note: Text | None = None


class Order(Frozen):
    """``then`` is updated no earlier than the window that updates ``first``."""

    first: Name
    then: Name
    note: Text | None = None


class Remediation(Frozen):
    roles: dict[str, Effort] = Field(default_factory=dict, description="Per asset role.")
    assets: dict[str, Effort] = Field(default_factory=dict, description="Per asset name.")
    qualification: tuple[VendorQualification, ...] = ()
    order: tuple[Order, ...] = ()
    crew_hours_per_window: Hours | None = Field(default=None, description="Work hours one window holds.")
