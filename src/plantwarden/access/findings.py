"""The access rules: what a session can break of a grant, each an ATT&CK for ICS-mapped rule.

They are detection rules like the others (:mod:`plantwarden.detect.rules`): their findings
become alerts with evidence frames, production at risk, and the grant they broke.
"""

from __future__ import annotations

from plantwarden.detect.model import RuleInfo, Severity

CONFIRM = "Confirm with the grant's approver who is connected and why; "
END = "if the session is not covered, end it at the conduit firewall or the remote-access gateway, "
KEEP = "keep the target running, and review what was changed during the session."

NO_GRANT = RuleInfo(
    "access-no-grant",
    "Remote session outside any access grant",
    Severity.HIGH,
    ("T0822", "T0886"),
    CONFIRM.replace("the grant's approver", "the asset's owner") + END + KEEP,
)
BEFORE = RuleInfo(
    "access-before-window",
    "Remote session before its grant's window",
    Severity.HIGH,
    ("T0822", "T0859"),
    CONFIRM + END + KEEP,
)
AFTER = RuleInfo(
    "access-after-expiry",
    "Remote session after its grant ended",
    Severity.HIGH,
    ("T0822", "T0859"),
    CONFIRM + END + KEEP,
)
STILL_OPEN = RuleInfo(
    "access-open-after-expiry",
    "Remote session still open after its grant ended",
    Severity.HIGH,
    ("T0822", "T0859"),
    CONFIRM + "end the session at the gateway (IEC 62443-3-3 SR 2.6), " + KEEP,
)
OTHER_ASSET = RuleInfo(
    "access-other-asset",
    "Remote session to an asset outside its grant",
    Severity.HIGH,
    ("T0886", "T0859"),
    CONFIRM + END + KEEP,
)
OTHER_PROTOCOL = RuleInfo(
    "access-other-protocol",
    "Remote session by a protocol its grant does not allow",
    Severity.MEDIUM,
    ("T0886",),
    CONFIRM + END + KEEP,
)
CHANGE_UNDER_VIEW = RuleInfo(
    "access-change-under-view-only",
    "Write or program download under a view-only grant",
    Severity.CRITICAL,
    ("T0843", "T0855"),
    CONFIRM + "compare the controller's program and values with the approved ones; " + KEEP,
)
BYPASS = RuleInfo(
    "access-gateway-bypassed",
    "Vendor session that bypassed the remote-access gateway",
    Severity.HIGH,
    ("T0822", "T0886"),
    "Find the path the session took (VPN, remote-desktop tool, cellular modem) and close it; "
    "vendor sessions go through the declared gateway. " + KEEP,
)

RULES = (NO_GRANT, BEFORE, AFTER, STILL_OPEN, OTHER_ASSET, OTHER_PROTOCOL, CHANGE_UNDER_VIEW, BYPASS)
