"""Detection rules, one module per family; :func:`all_rules` builds one of each."""

from __future__ import annotations

from plantwarden.detect.model import RuleInfo
from plantwarden.detect.rules.access import AccessRules
from plantwarden.detect.rules.anomalies import AnomalyRules
from plantwarden.detect.rules.base import Rule, Shared
from plantwarden.detect.rules.commands import CommandRules
from plantwarden.detect.rules.deviation import DeviationRules
from plantwarden.detect.rules.inventory import InventoryRules
from plantwarden.detect.rules.polling import PollingRules
from plantwarden.detect.rules.remote import RemoteRules
from plantwarden.detect.rules.scans import ScanRules
from plantwarden.detect.rules.silence import SilenceRules
from plantwarden.detect.rules.zones import ZoneRules

FAMILIES: tuple[type[Rule], ...] = (
    InventoryRules,
    CommandRules,
    DeviationRules,
    PollingRules,
    SilenceRules,
    ScanRules,
    AnomalyRules,
    RemoteRules,
    ZoneRules,
    AccessRules,
)


def all_rules(shared: Shared) -> list[Rule]:
    return [family(shared) for family in FAMILIES]


def catalog() -> list[RuleInfo]:
    """Every named rule, in family order."""
    return [info for family in FAMILIES for info in family.infos]
