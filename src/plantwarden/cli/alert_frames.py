"""``plantwarden alert frames ID``: at the central, ask the site's sensors for an alert's
evidence frames (``--why``), see where the request stands, write the delivered pcap
(``--out FILE``). The same service as the API and the alert's page
(:mod:`plantwarden.sensors.frame_requests`); asking and writing are audited."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.cli.outfile import ForceOption, guard
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

if TYPE_CHECKING:
    from plantwarden.sensors.frame_requests import FrameRequestInfo


def frames(
    alert_id: Annotated[str, typer.Argument(help="Alert id, or a unique prefix of it.")],
    why: Annotated[
        str | None,
        typer.Option(
            "--why", help="Ask the sensors for the frames, saying why (audited).", show_default=False
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write the delivered frames to FILE (pcap).", show_default=False),
    ] = None,
    force: ForceOption = False,
    by: ByOption = None,
    json_out: JsonOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """The frames of an alert's evidence from the plant's sensor: --why asks for them, --out
    writes them once delivered; without either, where the request stands."""
    from plantwarden.detect.store_alerts import find_alert
    from plantwarden.people.audit import os_actor, record
    from plantwarden.sensors import frame_requests as service
    from plantwarden.store.choice import site_ref

    url = Settings.load(db).db_url
    if out_file is not None:
        guard(out_file, force)
    ref = site_ref(db, site_name)
    assert ref.id is not None
    alert, _ = find_alert(url, alert_id, ref.id)
    actor = os_actor(by)
    info: FrameRequestInfo | None
    if why is not None:
        info, created = service.request_frames(url, ref.id, alert.id, actor, why)
        if created:
            details = {"request": info.id, "via": "cli"}
            record(
                url,
                actor,
                "alert.frames.request",
                f"alert {alert.id}",
                site_id=ref.id,
                why=why,
                details=details,
            )
    else:
        info = service.latest(url, ref.id, alert.id)
    if out_file is not None:
        done, pcap = service.delivered_pcap(url, ref.id, alert.id)
        try:
            out_file.write_bytes(pcap)
        except OSError as exc:
            raise UsageError(f"{out_file}: cannot write: {exc.strerror or exc}") from exc
        details = {"request": done.id, "sha256": done.pcap_sha256, "frames": done.frames, "via": "cli"}
        record(url, actor, "alert.frames.download", f"alert {alert.id}", site_id=ref.id, details=details)
        out.print(
            f"{out_file}: {done.frames} frames of alert {alert.id} ({done.pcap_size} bytes)", markup=False
        )
        return
    if info is None:
        out.print(
            f"alert {alert.id}: no frames requested (plantwarden alert frames ID --why TEXT)", markup=False
        )
        return
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document("frame-request", 1, info.as_dict()), "-")
        return
    out.print(f"alert {alert.id}: frame request {info.id}: {service.state_text(info)}", markup=False)
