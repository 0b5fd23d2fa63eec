"""What the ``detect``, ``baseline`` and ``alert`` commands do, without the terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantwarden import __version__, jsonout
from plantwarden.capture.filehash import FileHash
from plantwarden.detect import edit, outputs
from plantwarden.detect.baseline import Baseline
from plantwarden.detect.compiled import Tables
from plantwarden.detect.engine import Detector
from plantwarden.detect.model import Alert
from plantwarden.detect.store_alerts import act, mutes, record_alerts
from plantwarden.detect.store_baselines import load_baseline, load_tables, store_baseline
from plantwarden.detect.stream import RunResult, detect_captures
from plantwarden.durations import parse_seconds
from plantwarden.site.model import SiteModel

UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``10m``, ``1h30m``, ``2d`` -> seconds."""
    return parse_seconds(text, bare="s", option="--learn-for")


@dataclass
class DetectOptions:
    captures: list[str]
    db_url: str
    site: SiteModel | None = None
    learn_for_s: float | None = None
    store: bool = True
    jsonl: str | None = None
    syslog: str | None = None
    webhook: str | None = None
    first_digest: FileHash | None = None  # the first capture's SHA-256, started by the caller
    site_id: int | None = None  # the chosen site's (plantwarden.store.sites.choose_site)
    site_name: str | None = None  # its name (a learned baseline's site)


@dataclass
class DetectReport:
    alerts: list[Alert]
    run: RunResult
    baseline_version: int | None
    notes: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return jsonout.document(
            "detect",
            1,
            {
                "plantwarden": __version__,
                "captures": self.run.captures,
                "packets": self.run.packets,
                "baseline_version": self.baseline_version,
                "notes": self.notes,
                "alerts": [a.to_json() for a in self.alerts],
            },
        )


def site_name(site: SiteModel | None) -> str | None:
    return site.site.name if site is not None else None


@dataclass
class Prepared:
    """A detector set up for a run: the stored baseline (unless learning), mutes, impact."""

    opts: DetectOptions
    detector: Detector
    baseline_version: int | None
    notes: list[str]


def prepare(opts: DetectOptions) -> Prepared:
    notes: list[str] = []
    known: Tables | None = None
    version: int | None = None
    if opts.learn_for_s is None:
        stored = load_tables(opts.db_url, opts.site_id) if opts.store else None
        if stored is not None:
            known, version = stored
        if known is None:
            notes.append(
                "no baseline: rules that compare with a baseline are off (use --learn-for or baseline learn)"
            )
    muted = mutes(opts.db_url, opts.site_id) if opts.store else set()
    impact = None
    if opts.site is not None:
        from plantwarden.detect.impact import impact_fn  # NetworkX: only with a site model

        impact = impact_fn(opts.site)
    check = (lambda r, s, d: (r, s, d) in muted) if muted else None  # no mutes: nothing to ask per finding
    detector = Detector(known, opts.site, muted=check, impact=impact)
    if opts.store and opts.site is not None and opts.site_id is not None:
        from plantwarden.access.service import stored as stored_grants

        detector.shared.access_grants = stored_grants(opts.db_url, opts.site_id)
    return Prepared(opts, detector, version, notes)


def conclude(
    prepared: Prepared, run: RunResult, documents: dict[int, dict[str, Any]] | None = None
) -> DetectReport:
    """Store what was learned and the alerts, send them; the report. ``documents``: the
    alerts' JSON if the caller made it already (``record_alerts``)."""
    opts, version, notes = prepared.opts, prepared.baseline_version, prepared.notes
    if run.learned is not None:
        notes.append(f"baseline learned from frames 1-{run.learned_until_frame} of {run.captures[0]}")
        if opts.store:
            version = store_baseline(
                opts.db_url, run.learned, f"learned from the first {opts.learn_for_s:g} s", opts.site_id
            )
    alerts = record_alerts(opts.db_url, run.alerts, documents, opts.site_id) if opts.store else run.alerts
    if opts.store:
        _record_sessions(prepared)
    send(alerts, opts)
    return DetectReport(alerts, run, version, notes)


def _record_sessions(prepared: Prepared) -> None:
    """The remote sessions the access rules held against the grants (for ``access report``)."""
    from plantwarden.detect.rules.access import AccessRules

    opts, rules = prepared.opts, prepared.detector.rules
    access = next((r for r in rules if isinstance(r, AccessRules)), None)
    if access is None or not access.verdicts or opts.site is None or opts.site_id is None:
        return
    from plantwarden.access.store_sessions import record_sessions

    record_sessions(opts.db_url, opts.site_id, opts.site, access.grants, access.verdicts)


def run_detect(opts: DetectOptions) -> DetectReport:
    """Detection over the captures: in the analysis pass when a baseline is stored
    (detect.stream.detect_captures), in detection's own Python pass when learning."""
    prepared = prepare(opts)
    name = opts.site_name or site_name(opts.site)
    run = detect_captures(opts.captures, prepared.detector, opts.learn_for_s, name, first=opts.first_digest)
    return conclude(prepared, run)


def send(alerts: list[Alert], opts: DetectOptions) -> None:
    if opts.jsonl is not None:
        outputs.write_jsonl(alerts, opts.jsonl)
    if opts.syslog is not None and alerts:
        outputs.send_syslog(alerts, opts.syslog, __version__)
    if opts.webhook is not None and alerts:
        outputs.post_webhook(alerts, opts.webhook)


def alert_action(
    db_url: str, alert_id: str, action: str, by: str, why: str, site_id: int | None, site: str | None
) -> tuple[Alert, int | None]:
    """Record the action on the site's alert; ``learn`` also stores a new version of the site's
    baseline with the alert's facts."""
    alert = act(db_url, alert_id, action, by, why, site_id)
    version = None
    if action == "learn":
        current = load_baseline(db_url, site_id) or Baseline(site=site)
        version = store_baseline(
            db_url, edit.apply(current, alert.learn), f"alert {alert.id} learned by {by}: {why}", site_id
        )
    return alert, version
