"""``plantwarden sensor --central URL --token TOKEN (--live IFACE | CAPTURE...)``: analyse at
the plant as ``analyze --detect`` does, into this sensor's store, then push the outbox.

The analysis is stored (and queued) first; pushing comes after. When the central cannot be
reached within ``--retry-for``, the items stay queued, the command says so and ends with
exit code 0: they are sent by the next run or by ``plantwarden sensor push``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.console import err, out
from plantwarden.cli.options import DbOption
from plantwarden.settings import Settings

if TYPE_CHECKING:
    from plantwarden.sensors.reach_client import CentralRequests
    from plantwarden.sensors.reachback import Answer
    from plantwarden.sensors.transport import HttpTransport, Transport

CentralOption = Annotated[
    str,
    typer.Option(
        "--central",
        help="The central's address, https://HOST[:PORT].",
        envvar="PLANTWARDEN_CENTRAL",
        show_default=False,
    ),
]
TokenOption = Annotated[
    str,
    typer.Option(
        "--token",
        help="This sensor's token (sensor register at the central).",
        envvar="PLANTWARDEN_SENSOR_TOKEN",
        show_default=False,
    ),
]
CaFileOption = Annotated[
    str | None,
    typer.Option(
        "--ca-file", help="CA certificates (PEM) that sign the central's certificate.", show_default=False
    ),
]
RetryOption = Annotated[
    str, typer.Option("--retry-for", help="Keep retrying an unreachable central this long (e.g. 30s, 10m).")
]


def run(
    captures: Annotated[
        list[str] | None,
        typer.Argument(help="Capture files (pcap/pcapng, may be gzipped).", show_default=False),
    ] = None,
    central: CentralOption = "",
    token: TokenOption = "",
    ca_file: CaFileOption = None,
    live: Annotated[
        str | None, typer.Option("--live", help="Listen on INTERFACE with tcpdump/dumpcap (never sends).")
    ] = None,
    live_for: Annotated[str | None, typer.Option("--for", help="--live: stop after DURATION.")] = None,
    count: Annotated[int | None, typer.Option("--count", min=1, help="--live: stop after N frames.")] = None,
    retry_for: RetryOption = "30s",
    db: DbOption = None,
) -> None:
    """Analyse (as analyze --detect) into this sensor's store, then push to the central."""
    from plantwarden.cli.analyze_cmd import analyze
    from plantwarden.sensors.identity import load_identity

    url = Settings.load(db).db_url
    me = load_identity(url)
    transport = _transport(central, token, me.name, ca_file)  # a bad address: before any analysis
    requests = reachback_client(central, token, me.name, ca_file)
    try:
        analyze(captures, db=db, site_name=me.site, detect=True, live=live, live_for=live_for, count=count)
    finally:
        push_now(url, transport, retry_for, requests=requests)
    transport.close()
    requests.close()


def _transport(central: str, token: str, name: str, ca_file: str | None) -> HttpTransport:
    from plantwarden.errors import UsageError
    from plantwarden.sensors.transport import HttpTransport

    if not central or not token:
        raise UsageError(
            "give --central URL and --token TOKEN (or $PLANTWARDEN_CENTRAL, $PLANTWARDEN_SENSOR_TOKEN)"
        )
    return HttpTransport(central, name, token, ca_file)


def reachback_client(central: str, token: str, name: str, ca_file: str | None) -> CentralRequests:
    """The client that picks up the central's frame requests (docs/sensors.md, Reachback)."""
    from plantwarden.sensors.reach_client import CentralRequests

    return CentralRequests(central, name, token, ca_file)


def _said(answer: Answer) -> None:
    out.print(
        f"frame request {answer.request_id} (alert {answer.alert_id}): {answer.outcome}, {answer.detail}",
        markup=False,
    )


def push_now(
    url: str,
    transport: Transport,
    retry_for: str,
    follow: bool = False,
    requests: CentralRequests | None = None,
) -> None:
    """Push the outbox, answering the central's frame requests each round (``requests``), and
    say what happened; an unreachable central is not an error."""
    from plantwarden.durations import parse_seconds
    from plantwarden.sensors.outbox import depth
    from plantwarden.sensors.push import push
    from plantwarden.sensors.reachback import Reachback

    limit = parse_seconds(retry_for, option="--retry-for")
    reach = None if requests is None else Reachback(url, requests, on_answer=_said)
    report = push(
        url,
        transport,
        retry_for=None if follow else limit,
        follow=(lambda: True) if follow else None,
        between=reach,
    )
    if report.items:
        out.print(
            f"sent {report.items} items in {report.batches} batches; the central acknowledged up to "
            f"{report.acknowledged}",
            markup=False,
        )
    if report.gave_up is not None:
        left = depth(url)
        err.print(
            f"central unreachable ({report.gave_up}); {left.items} items ({left.bytes / (1 << 20):.1f} MiB) "
            "stay queued and are sent by the next run or plantwarden sensor push",
            markup=False,
        )
    elif not report.items:
        out.print("nothing queued for the central", markup=False)
