"""``plantwarden db``: the store's schema.

The store is imported inside each command so that ``plantwarden --help`` stays fast.
"""

from __future__ import annotations

import typer

from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.settings import Settings

app = typer.Typer(help="The store (SQLite file by default, PostgreSQL by URL).", no_args_is_help=True)

STATUS_SCHEMA = ("db-status", 1)


@app.command()
def upgrade(db: DbOption = None) -> None:
    """Create or migrate the store's schema to this plantwarden's newest revision."""
    from plantwarden.store.engine import describe, ensure_current

    url = Settings.load(db).db_url
    revision = ensure_current(url)
    out.print(f"store {describe(url)} is at revision {revision} (head)", markup=False)


@app.command()
def status(db: DbOption = None, json: JsonOption = False, site_name: SiteNameOption = None) -> None:
    """Show the store's revision and sites, and one site's versions and captures (migrating it first)."""
    from plantwarden import jsonout
    from plantwarden.store.choice import site_ref
    from plantwarden.store.status import store_status

    info = store_status(Settings.load(db).db_url, site_ref(db, site_name).id)
    if json:
        jsonout.write(jsonout.document(*STATUS_SCHEMA, info.as_dict()), "-")
        return
    site = f"{info.current_site} v{info.current_site_version}" if info.current_site else "none"
    for label, value in (
        ("store", f"{info.url} ({info.backend})"),
        ("revision", f"{info.revision} (head {info.head})"),
        ("sites", f"{info.sites} (this one: {info.site or 'none yet'}; plantwarden sites lists them)"),
        ("site versions", f"{info.site_versions} (current: {site})"),
        ("captures", str(info.captures)),
        ("hosts", str(info.hosts)),
        ("conversations", str(info.conversations)),
        ("anomalies", str(info.anomalies)),
    ):
        out.print(f"{label + ':':<15} {value}", markup=False)
