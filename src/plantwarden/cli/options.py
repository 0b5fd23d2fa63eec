"""Options shared by every command, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store URL (sqlite:///file.db, postgresql+psycopg://user@host/db) or a SQLite "
        "file path. Default: $PLANTWARDEN_DB or ./plantwarden.db.",
        show_default=False,
    ),
]

SiteOption = Annotated[
    Path | None,
    typer.Option(
        "--site", help="Site model YAML file, used for this run only (plantwarden site load stores one)."
    ),
]

JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Write machine-readable JSON (with a 'schema' field) to stdout."),
]

SiteNameOption = Annotated[
    str | None,
    typer.Option(
        "--site-name",
        envvar="PLANTWARDEN_SITE",
        help="The site of the store to use (one store holds many). Default: $PLANTWARDEN_SITE, "
        "else the site of --site FILE, else the only site stored.",
        show_default=False,
    ),
]
