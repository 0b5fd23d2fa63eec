"""Tabletop exercises: the scenario's source from the model, the same playbook, nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plantwarden.detect.store_baselines import load_baseline
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.incidents.exercise import exercise
from plantwarden.site.model import SiteModel

NOW = datetime(2026, 12, 9, 11, 0, tzinfo=UTC)  # a Wednesday, no maintenance window


def test_ransomware_in_the_office_offers_separating_it_from_ot(dairy: SiteModel, demo_db: str) -> None:
    pb, src, title = exercise(dairy, "plc-proc", "ransomware-it", NOW, load_baseline(demo_db))
    assert src == "qa-ws-01" and title.startswith("Exercise: ransomware on qa-ws-01")
    sep = pb.option("containment.separate-it-ot")
    assert sep is not None and sep.device == "fw-itot"
    # by hand, examples/dairy/site.yaml without dc-01, erp-01, fs-01, qa-ws-01:
    # erp-01 -> erp-link -> mes-01 (480 min of orders) -> label-printing -> lblprt-1/2 (+15)
    #   -> label-printers -> labeller-01 (+30) -> packaging (+5) = 530 min;
    # mes-01 (480) -> filling (+120) = 600 min; dc-01 -> active-directory -> scada-a/b (+720)
    #   -> scada-pair -> reception-processing = 720 min
    assert [(s.line, s.after_minutes, s.cost_per_hour) for s in sep.stops] == [
        ("packaging", 530.0, 6500.0),
        ("filling", 600.0, 14000.0),
        ("reception-processing", 720.0, 9500.0),
    ]
    ids = [o.id for o in pb.step("containment").options]
    assert ids == [
        "containment.block-source",
        "containment.isolate-source",
        "containment.separate-it-ot",
        "containment.isolate-target",
    ]


def test_an_unauthorized_command_to_the_sis(dairy: SiteModel, demo_db: str) -> None:
    pb, src, _ = exercise(dairy, "sis-01", "unauthorized-command", NOW, load_baseline(demo_db))
    assert src == "ews-01"  # the first engineering workstation with a conduit into the safety zone
    assert pb.gate.reasons[0] == "G1: the target sis-01 is a safety system (sis)"
    assert pb.step("containment").owners == ("ehs-officer",)  # RACI: sis-01's Accountable
    assert all(o.acts_on != "sis-01" for o in pb.step("containment").options)
    assert (
        "containment.isolate-target",
        "never isolate or query a safety system: sis-01 is sis",
    ) in pb.withheld


def test_hmi_compromise_takes_the_hmi_of_the_assets_own_line(dairy: SiteModel) -> None:
    pb, src, _ = exercise(dairy, "plc-fill-a", "hmi-compromise", NOW)
    assert src == "hmi-fill" and not pb.gate.required and pb.exercise
    pb, src, _ = exercise(dairy, "plc-fill-a", "hmi-compromise", NOW, source="hmi-pack")
    assert src == "hmi-pack"


@pytest.mark.parametrize(
    ("asset", "name", "source", "error"),
    [
        ("plc-nope", "hmi-compromise", None, NotFoundError),
        ("plc-proc", "flood", None, UsageError),
        ("plc-proc", "hmi-compromise", "nobody", NotFoundError),
    ],
)
def test_bad_exercises(
    dairy: SiteModel, asset: str, name: str, source: str | None, error: type[Exception]
) -> None:
    with pytest.raises(error):
        exercise(dairy, asset, name, NOW, source=source)
