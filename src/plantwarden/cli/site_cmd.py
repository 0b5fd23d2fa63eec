"""``plantwarden site``: validate, describe and store the site model."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The declared site model (zones, conduits, assets, lines, RACI, windows).", no_args_is_help=True
)
