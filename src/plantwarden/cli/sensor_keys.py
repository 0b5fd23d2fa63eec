"""``plantwarden sensor rotate`` (at the central) and ``sensor rekey`` / ``sensor adopt`` (at the
plant): re-registering a sensor with a new token and key (docs/sensors.md, "Rotating")."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from plantwarden.cli import sensor_run
from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import err, out
from plantwarden.cli.options import DbOption
from plantwarden.settings import Settings


def rotate(
    name: Annotated[str, typer.Argument(help="The sensor's name.")],
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key",
            help="The new key sensor rekey printed (batches signed with the old one are refused at once).",
            show_default=False,
        ),
    ] = None,
    grace: Annotated[
        str, typer.Option("--grace", help="How long the old token stays valid (0s: revoked at once).")
    ] = "0s",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """At the central: a new token for sensor NAME (shown once), optionally its new key."""
    from plantwarden.durations import parse_seconds
    from plantwarden.people.audit import os_actor
    from plantwarden.sensors.rotation import rotate_sensor

    seconds = parse_seconds(grace, option="--grace")
    url = Settings.load(db).db_url
    token = rotate_sensor(url, name, public_key, timedelta(seconds=seconds), actor=os_actor(by))
    old = f"valid for {grace} more" if seconds > 0 else "revoked"
    key = "; its new key replaces the old one" if public_key is not None else ""
    err.print(f"sensor {name}: the old token is {old}{key}; its new token (shown once):", markup=False)
    out.print(token, markup=False)


def rekey(by: ByOption = None, db: DbOption = None) -> None:
    """At the plant: make a new signing key (kept aside until sensor adopt); prints its public key
    for sensor rotate --public-key at the central."""
    from plantwarden.people.audit import os_actor
    from plantwarden.sensors.rotation import rekey as make_key

    key = make_key(Settings.load(db).db_url, actor=os_actor(by))
    err.print(
        "a new key, not used yet; at the central: plantwarden sensor rotate NAME --public-key KEY, "
        "then here: plantwarden sensor adopt; its public key:",
        markup=False,
    )
    out.print(key, markup=False)


def adopt(
    central: sensor_run.CentralOption = "",
    token: sensor_run.TokenOption = "",
    ca_file: sensor_run.CaFileOption = None,
    retry_for: sensor_run.RetryOption = "30s",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """At the plant: sign with the key sensor rekey made from now on; with --central and the new
    --token, push what is queued at once."""
    from plantwarden.people.audit import os_actor
    from plantwarden.sensors.identity import load_identity
    from plantwarden.sensors.rotation import adopt as use_key

    url = Settings.load(db).db_url
    me = load_identity(url)
    transport = sensor_run._transport(central, token, me.name, ca_file) if central or token else None
    key = use_key(url, actor=os_actor(by))
    err.print(f"sensor {me.name} now signs with its new key {key}", markup=False)
    if transport is not None:
        sensor_run.push_now(url, transport, retry_for)
        transport.close()
