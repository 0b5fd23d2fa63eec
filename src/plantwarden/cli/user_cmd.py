"""``plantwarden user add|list|disable|enable|passwd|grant|revoke``: local users and their
roles per site (docs/people.md).

A password is read from a hidden prompt (asked twice) or, for scripts, from the first line of
standard input (``--password-stdin``); never from an argument, where it would show in the
process list and the shell history. There is no default user and no default password: the
first admin is created here (``user add NAME --admin``). Every change goes to the audit log,
by the operating-system user unless ``--by`` names someone.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import out
from plantwarden.cli.listing import CsvOption, Styled, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

if TYPE_CHECKING:
    from plantwarden.store.sites import SiteRef

user_app = typer.Typer(
    help="Local users and their roles per site (for the web console and API).", no_args_is_help=True
)

USERS_SCHEMA = ("users", 1)
NameArg = Annotated[str, typer.Argument(help="The user's name.", show_default=False)]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]
SiteArg = Annotated[str, typer.Option("--site-name", help="The site of the store.", show_default=False)]


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")


def _password(from_stdin: bool) -> str:
    """The new password: from stdin's first line, else a hidden prompt asked twice."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin: standard input holds no password")
        return password
    if not sys.stdin.isatty():
        raise UsageError(
            "no terminal to ask the password on: give it on standard input with --password-stdin"
        )
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


@user_app.command("add")
def add(
    name: NameArg,
    admin: Annotated[bool, typer.Option("--admin", help="Admin on every site (may manage users).")] = False,
    password_stdin: PasswordStdin = False,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Add a local user; the password is asked twice (or read with --password-stdin)."""
    from plantwarden.people.audit import os_actor
    from plantwarden.people.users import add_user
    from plantwarden.store.engine import check_writable

    url = Settings.load(db).db_url
    check_writable(url, create=True)
    add_user(url, name, _password(password_stdin), is_admin=admin, actor=os_actor(by))
    out.print(f"added user {name}" + (" (admin on every site)" if admin else ""), markup=False)


@user_app.command("passwd")
def passwd(
    name: NameArg, password_stdin: PasswordStdin = False, by: ByOption = None, db: DbOption = None
) -> None:
    """Set a user's password (asked twice, or read with --password-stdin)."""
    from plantwarden.people.audit import os_actor
    from plantwarden.people.users import set_password

    set_password(Settings.load(db).db_url, name, _password(password_stdin), actor=os_actor(by))
    out.print(f"password of {name} changed", markup=False)


@user_app.command("disable")
def disable(name: NameArg, by: ByOption = None, db: DbOption = None) -> None:
    """Disable a user: no login, and their tokens stop working (kept for the audit log)."""
    from plantwarden.people.audit import os_actor
    from plantwarden.people.users import set_disabled

    changed = set_disabled(Settings.load(db).db_url, name, True, actor=os_actor(by))
    out.print(f"user {name} " + ("disabled" if changed else "was disabled already"), markup=False)


@user_app.command("enable")
def enable(name: NameArg, by: ByOption = None, db: DbOption = None) -> None:
    """Enable a disabled user again."""
    from plantwarden.people.audit import os_actor
    from plantwarden.people.users import set_disabled

    changed = set_disabled(Settings.load(db).db_url, name, False, actor=os_actor(by))
    out.print(f"user {name} " + ("enabled" if changed else "was enabled already"), markup=False)


@user_app.command("grant")
def grant(
    name: NameArg,
    site_name: SiteArg,
    role: Annotated[
        str, typer.Option("--role", help="viewer, analyst, engineer, approver or admin.", show_default=False)
    ],
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Give a user a role on one site (replacing the role held there)."""
    from plantwarden.people import users
    from plantwarden.people.audit import os_actor
    from plantwarden.people.roles import check_role

    url = Settings.load(db).db_url
    check_role(role)
    before = users.grant(url, name, _site(url, site_name), role, actor=os_actor(by))
    was = "" if before is None else f" (was {before})"
    out.print(f"{name} is {role} on site {site_name}{was}", markup=False)


def _site(url: str, name: str) -> SiteRef:
    from plantwarden.store.sites import choose_site

    ref = choose_site(url, name)
    if ref.id is None:
        raise UsageError("the store holds no site yet (plantwarden site load FILE adds one)")
    return ref


@user_app.command("revoke")
def revoke(name: NameArg, site_name: SiteArg, by: ByOption = None, db: DbOption = None) -> None:
    """Take a user's role on one site away."""
    from plantwarden.people import users
    from plantwarden.people.audit import os_actor

    url = Settings.load(db).db_url
    role = users.revoke(url, name, _site(url, site_name), actor=os_actor(by))
    out.print(f"{name} is no longer {role} on site {site_name}", markup=False)


@user_app.command("list")
def list_(
    json_out: JsonOption = False, as_csv: CsvOption = False, wide: WideOption = False, db: DbOption = None
) -> None:
    """List the users: admin or not, roles per site, created, disabled (never a password)."""
    from plantwarden.people.users import list_users

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    found = list_users(Settings.load(db).db_url)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*USERS_SCHEMA, {"users": [u.as_dict() for u in found]}), "-")
        return
    if not found and not as_csv:
        out.print("no users (plantwarden user add NAME --admin creates the first admin)")
        return
    rows = [
        [
            u.name,
            "admin (every site)" if u.is_admin else "",
            ", ".join(f"{site}: {role}" for site, role in sorted(u.roles.items())),
            Time(u.created_at.timestamp()),
            Styled("disabled", "bold red") if u.disabled_at is not None else "active",
        ]
        for u in found
    ]
    emit(("user", "admin", "roles", "created", "state"), rows, as_csv=as_csv, wide=wide)
