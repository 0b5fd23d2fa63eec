"""Roles per site and what each may do: one ordered list, one table of actions, one check.

``viewer < analyst < engineer < approver < admin``: each role may do what the ones below it
may. An admin user (``is_admin``) is admin on every site. The API calls :func:`can`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plantwarden.errors import UsageError

ROLES = ("viewer", "analyst", "engineer", "approver", "admin")

#: Every action, named once, with the lowest role that may do it.
ACTIONS: dict[str, str] = {
    "view": "viewer",
    "alert.work": "analyst",  # ack, close, learn, mute, reopen, unmute
    "alert.frames": "analyst",  # ask a sensor for an alert's evidence frames, download them
    "site.edit": "engineer",  # load a site model
    "baseline.edit": "engineer",  # learn, import, edit baselines
    "plan.edit": "engineer",
    "capture.upload": "engineer",
    "compliance.attest": "engineer",  # a statement on a requirement
    "vuln.status": "engineer",  # what is done about a vulnerability (accepting a risk too)
    "grant.request": "engineer",  # request a vendor's remote-access grant
    "grant.approve": "approver",  # access grants: approve, deny, revoke
    "incident.work": "analyst",  # open, note, decide (unmarked options), close
    "incident.override": "approver",
    "user.manage": "admin",  # users, roles, other users' tokens
}


def rank(role: str) -> int:
    return ROLES.index(role)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    return role


def lower(a: str | None, b: str | None) -> str | None:
    """The lesser of two roles (None: no role)."""
    if a is None or b is None:
        return None
    return a if rank(a) <= rank(b) else b


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a user, their role per site id, and (for a token) its scope."""

    user_id: int
    name: str
    is_admin: bool
    roles: dict[int, str] = field(default_factory=dict)
    token_id: int | None = None
    scope_site: int | None = None  # a token limited to one site
    scope_role: str | None = None  # a token limited to a role

    def role_on(self, site_id: int | None) -> str | None:
        """The role this principal holds on the site (None: none; no site: its highest anywhere)."""
        if self.scope_site is not None and site_id != self.scope_site:
            return None
        if self.is_admin:
            held: str | None = "admin"
        elif site_id is None:
            held = max(self.roles.values(), key=rank, default=None)
        else:
            held = self.roles.get(site_id)
        return held if self.scope_role is None else lower(held, self.scope_role)


def can(principal: Principal, site_id: int | None, action: str) -> bool:
    """Whether ``principal`` may do ``action`` on the site (``site_id`` None: store-wide, e.g.
    managing users, which only an admin may)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if site_id is None and not principal.is_admin:
        return False
    held = principal.role_on(site_id)
    return held is not None and rank(held) >= rank(ACTIONS[action])
