"""``plantwarden sensor``: a sensor at the plant, and the sensors a central knows (docs/sensors.md).

At the plant: ``sensor init`` (this store becomes the sensor's), ``sensor --central URL
--token TOKEN (--live IFACE | CAPTURE...)`` (analyse, then push; :mod:`.sensor_run`),
``sensor push``, ``sensor status``, ``sensor export`` (air gap). At the central: ``sensor
register`` (the token, shown once), ``sensor list``, ``sensor import`` (a bundle).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from plantwarden.cli import sensor_keys, sensor_run
from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import err, out
from plantwarden.cli.listing import Cell, CsvOption, Time, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.cli.outfile import ForceOption, guard
from plantwarden.errors import UsageError
from plantwarden.settings import Settings
from plantwarden.sizes import parse_size


class SensorGroup(TyperGroup):
    """``sensor --central ... CAPTURE...`` runs ``sensor run``; ``sensor status`` etc. as usual."""

    def parse_args(
        self,
        ctx: Any,  # typer's vendored click Context
        args: list[str],
    ) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


sensor_app = typer.Typer(
    cls=SensorGroup,
    help="Sensors: analyse at the plant and push to the central (run, init, push, status, export, "
    "rekey, adopt); at the central: register, rotate, list, import.",
    no_args_is_help=True,
)
sensor_app.command("run")(sensor_run.run)
sensor_app.command("rotate")(sensor_keys.rotate)
sensor_app.command("rekey")(sensor_keys.rekey)
sensor_app.command("adopt")(sensor_keys.adopt)


def register(app: typer.Typer) -> None:
    app.add_typer(sensor_app, name="sensor")


def _url(db: str | None) -> str:
    return Settings.load(db).db_url


@sensor_app.command("init")
def init(
    name: Annotated[str, typer.Argument(help="This sensor's name (as registered at the central).")],
    site_name: SiteNameOption = None,
    outbox_max: Annotated[
        str, typer.Option("--outbox-max", help="Outbox cap on disk (warning at 80 %).")
    ] = "1GiB",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Make this store sensor NAME's: what it stores for the site is queued for the central.
    Prints the public key to give to sensor register --public-key at the central."""
    from plantwarden.people.audit import os_actor
    from plantwarden.sensors.identity import init_sensor
    from plantwarden.store.sites import choose_site

    cap = parse_size(outbox_max)
    url = _url(db)
    site = choose_site(url, site_name, create=True, add=site_name is not None)
    me = init_sensor(url, name, site, cap, actor=os_actor(by))
    err.print(
        f"sensor {me.name} of site {me.site}; outbox cap {cap / (1 << 20):.0f} MiB; public key:", markup=False
    )
    out.print(me.public_key, markup=False)


@sensor_app.command("register")
def register_(
    name: Annotated[str, typer.Argument(help="The sensor's name.")],
    site_name: SiteNameOption = None,
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key",
            help="The key sensor init printed (signed batches and bundles).",
            show_default=False,
        ),
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """At the central: register a sensor of a site and print its token once."""
    from plantwarden.people.audit import os_actor
    from plantwarden.sensors.registry import register_sensor
    from plantwarden.store.engine import check_writable
    from plantwarden.store.sites import choose_site

    url = _url(db)
    check_writable(url)
    site = choose_site(url, site_name)
    if site.id is None:
        raise UsageError("the store holds no site yet (plantwarden site load FILE adds one)")
    token = register_sensor(url, name, site, public_key, actor=os_actor(by))
    err.print(
        f"sensor {name} of site {site.name}; its token (shown once: give it to the sensor now):", markup=False
    )
    out.print(token, markup=False)


@sensor_app.command("list")
def list_(json_out: JsonOption = False, as_csv: CsvOption = False, db: DbOption = None) -> None:
    """At the central: the registered sensors, their site, last sequence acknowledged."""
    from plantwarden.sensors.registry import list_sensors

    found = list_sensors(_url(db))
    if json_out:
        from plantwarden import jsonout

        rows = [
            {
                "name": s.name,
                "site": s.site,
                "signed": s.public_key is not None,
                "last_seq": s.last_seq,
                "registered_at": s.registered_at.isoformat(),
                "last_batch_at": s.last_batch_at.isoformat() if s.last_batch_at else None,
            }
            for s in found
        ]
        jsonout.write(jsonout.document("sensors", 1, {"sensors": rows}), "-")
        return
    if not found and not as_csv:
        out.print("no sensors (plantwarden sensor register NAME --site-name SITE)")
        return
    table: list[list[Cell]] = [
        [
            s.name,
            s.site,
            "yes" if s.public_key else "no",
            s.last_seq,
            Time(s.last_batch_at.timestamp() if s.last_batch_at else None),
        ]
        for s in found
    ]
    emit(("name", "site", "signed", "acknowledged", "last batch"), table, as_csv=as_csv)


@sensor_app.command("push")
def push_(
    central: sensor_run.CentralOption = "",
    token: sensor_run.TokenOption = "",
    ca_file: sensor_run.CaFileOption = None,
    retry_for: sensor_run.RetryOption = "30s",
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep pushing as items are queued (until Ctrl-C).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Push the outbox to the central (what a run could not send), and answer the central's
    requests for alerts' evidence frames."""
    from plantwarden.sensors.identity import load_identity

    url = _url(db)
    me = load_identity(url)
    transport = sensor_run._transport(central, token, me.name, ca_file)
    requests = sensor_run.reachback_client(central, token, me.name, ca_file)
    sensor_run.push_now(url, transport, retry_for, follow, requests=requests)
    transport.close()
    requests.close()


@sensor_app.command("status")
def status(json_out: JsonOption = False, db: DbOption = None) -> None:
    """This sensor: outbox depth and size against its cap, oldest item, last acknowledgement."""
    from plantwarden.sensors.status import sensor_status

    doc = sensor_status(_url(db))
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document("sensor-status", 1, doc), "-")
        return
    for key, value in doc.items():
        out.print(f"{key.replace('_', ' ')}: {'-' if value is None else value}", markup=False)


@sensor_app.command("export")
def export(
    out_file: Annotated[Path, typer.Option("--out", help="The bundle file to write.", show_default=False)],
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            min=1,
            help="Start at this sequence number; the items before it were imported "
            "at the central (sensor import printed it) and are dropped.",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Air-gapped plants: write the queued items as one bundle signed with this sensor's key."""
    from plantwarden.sensors.bundle import export_bundle

    guard(out_file, force)
    done = export_bundle(_url(db), out_file, since)
    size = f"{done.bytes / (1 << 20):.1f} MiB"
    dropped = f"; {done.dropped} items before {since} dropped" if done.dropped else ""
    out.print(
        f"{done.path}: items {done.first_seq}..{done.last_seq} ({done.items}, {size}), signed{dropped}",
        markup=False,
    )


@sensor_app.command("import")
def import_(
    bundle: Annotated[Path, typer.Argument(help="A bundle sensor export wrote.", show_default=False)],
    json_out: JsonOption = False,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """At the central: check a bundle's signature and apply it (idempotent; in order)."""
    from plantwarden.people.audit import os_actor
    from plantwarden.sensors.bundle import import_bundle

    ack = import_bundle(_url(db), bundle, actor=os_actor(by))
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document("sensor-import", 1, ack.as_dict()), "-")
        return
    what = "already imported, nothing changed" if ack.duplicate else f"{ack.applied} items applied"
    out.print(
        f"{bundle}: sensor {ack.sensor} items {ack.first_seq}..{ack.last_seq}: {what}; acknowledged up to "
        f"{ack.acknowledged} (at the sensor: plantwarden sensor export --since {ack.acknowledged + 1})",
        markup=False,
    )
