"""``plantwarden token create|list|revoke``: API tokens (docs/people.md).

``create`` prints the token once, on stdout and alone on its line, so that a script can take
it (``TOKEN=$(plantwarden token create --user ana)``); only its SHA-256 is kept, so it can
never be shown again. A token acts with at most its user's role, on one site or on all of
theirs, and always expires.
"""

from __future__ import annotations

from typing import Annotated

import typer

from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import err, out
from plantwarden.cli.listing import Cell, CsvOption, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)
TOKENS_SCHEMA = ("tokens", 1)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")


@token_app.command("create")
def create(
    user: Annotated[str, typer.Option("--user", help="The user the token acts as.", show_default=False)],
    site_name: Annotated[
        str | None,
        typer.Option(
            "--site-name", help="Limit the token to this site (default: all the user's).", show_default=False
        ),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help="Limit the token to this role (at most the user's).", show_default=False),
    ] = None,
    expires: Annotated[str, typer.Option("--expires", help="Lifetime: 12h, 30d, 8w (at most 366d).")] = "30d",
    name: Annotated[str, typer.Option("--name", help="What the token is for (shown by token list).")] = "",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    from plantwarden.people.audit import os_actor
    from plantwarden.people.roles import check_role
    from plantwarden.people.tokens import create_token, parse_expiry
    from plantwarden.store.engine import check_writable
    from plantwarden.store.sites import choose_site

    url = Settings.load(db).db_url
    lifetime = parse_expiry(expires)
    if role is not None:
        check_role(role)
    check_writable(url)
    site = None
    if site_name is not None:
        site = choose_site(url, site_name)
        if site.id is None:
            raise UsageError("the store holds no site yet (plantwarden site load FILE adds one)")
    token_id, token = create_token(
        url, user, site=site, role=role, expires=lifetime, name=name or f"token of {user}", actor=os_actor(by)
    )
    err.print(
        f"token {token_id} of {user} (shown once: keep it now; it cannot be shown again):", markup=False
    )
    out.print(token, markup=False)


@token_app.command("list")
def list_(
    user: Annotated[
        str | None, typer.Option("--user", help="Only this user's tokens.", show_default=False)
    ] = None,
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """List the API tokens (never the tokens themselves): scope, expiry, last use, state."""
    from plantwarden.people.tokens import list_tokens
    from plantwarden.store.types import utc_now

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    found = list_tokens(Settings.load(db).db_url, user)
    now = utc_now()
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*TOKENS_SCHEMA, {"tokens": [t.as_dict(now) for t in found]}), "-")
        return
    if not found and not as_csv:
        out.print("no tokens (plantwarden token create --user NAME)")
        return

    def at(value: object) -> Time:
        from datetime import datetime

        return Time(value.timestamp() if isinstance(value, datetime) else None)

    rows: list[list[Cell]] = [
        [
            t.id,
            t.user,
            t.name,
            t.site or "all the user's",
            t.role or "the user's",
            at(t.expires_at),
            at(t.last_used_at),
            t.state(now),
        ]
        for t in found
    ]
    emit(
        ("id", "user", "name", "site", "role", "expires", "last used", "state"),
        rows,
        as_csv=as_csv,
        wide=wide,
    )


@token_app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (token list).", show_default=False)],
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Revoke a token: it stops working at once."""
    from plantwarden.people.audit import os_actor
    from plantwarden.people.tokens import revoke_token

    changed = revoke_token(Settings.load(db).db_url, token_id, actor=os_actor(by))
    out.print(f"token {token_id} " + ("revoked" if changed else "was revoked already"), markup=False)
