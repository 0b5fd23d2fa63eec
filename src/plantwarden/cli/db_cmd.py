"""``plantwarden db``: the store's schema."""

from __future__ import annotations

import typer

app = typer.Typer(help="The store (SQLite file by default, PostgreSQL by URL).", no_args_is_help=True)
