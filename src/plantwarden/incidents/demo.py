"""The demo's incident: opened once from the demo plant's PLC STOP alert (a second ``make
demo`` finds it again and stores nothing), with the evidence and the playbook."""

from __future__ import annotations

from pathlib import Path

from plantwarden.detect.store_alerts import list_alerts
from plantwarden.incidents.generate import for_incident
from plantwarden.incidents.playbook import Playbook
from plantwarden.incidents.records import IncidentView
from plantwarden.incidents.service import OpenRequest, get_incident, list_incidents, open_incident
from plantwarden.site.model import SiteModel

DEMO_RULE = "mode-change"  # the PLC STOP of the pasteuriser PLC


def demo_incident(
    db_url: str, site: int | None, model: SiteModel, evidence_dir: Path
) -> tuple[IncidentView, Playbook] | None:
    alerts = [a for a in list_alerts(db_url, site=site) if a.rule == DEMO_RULE]
    if not alerts:
        return None
    alert = max(alerts, key=lambda a: (a.severity, a.first_ts))
    known = next((i for i in list_incidents(db_url, site) if alert.id in i.document.get("alerts", [])), None)
    if known is not None:
        incident = get_incident(db_url, site, known.label)
    else:
        req = OpenRequest(
            alerts=(alert.id,),
            by="plantwarden demo",
            why="the demo plant's PLC STOP alert",
            evidence_dir=evidence_dir,
            how={"via": "cli"},  # plantwarden demo
        )
        incident = open_incident(db_url, site, req, model)
    return incident, for_incident(db_url, site, incident, model)
