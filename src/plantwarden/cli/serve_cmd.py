"""``plantwarden serve``: the web console and REST API on the store (docs/web.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption
from plantwarden.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8765,
    cert: Annotated[
        Path | None, typer.Option("--cert", help="TLS certificate (PEM); with --key serves HTTPS.")
    ] = None,
    key: Annotated[Path | None, typer.Option("--key", help="TLS private key (PEM).")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
    max_batch: Annotated[
        str,
        typer.Option(
            "--max-batch",
            help="The largest sensor batch body taken (larger: 413).",
            envvar="PLANTWARDEN_MAX_BATCH",
        ),
    ] = "64MiB",
    db: DbOption = None,
) -> None:
    """Serve the web console and the REST API (/api/v1) on the store until Ctrl-C.

    Sign in with a user of the store (plantwarden user add NAME --admin makes the first);
    the API takes tokens (plantwarden token create)."""
    from plantwarden.sizes import parse_size
    from plantwarden.web.serve import ServeOptions, run

    limit = parse_size(max_batch, option="--max-batch")
    options = ServeOptions(Settings.load(db).db_url, host, port, cert, key, workers, limit)

    def announce(url: str) -> None:
        out.print(f"plantwarden console at {url} (API: {url}api/v1, Ctrl-C stops it)", markup=False)

    run(options, announce)
