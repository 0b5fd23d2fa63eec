"""The safety gate's rules G1-G3, its deciders from the RACI's EHS role, the gray area without
one, and safety systems never offered for isolation."""

from __future__ import annotations

from datetime import UTC, datetime

from plantwarden.detect.store_baselines import load_baseline
from plantwarden.incidents.context import Context
from plantwarden.incidents.ladder import ladder
from plantwarden.incidents.options import CUTS_SAFETY
from plantwarden.incidents.safety import gate
from plantwarden.site.model import RoleKind, SiteModel

NOW = datetime(2026, 12, 9, 11, 0, tzinfo=UTC)


def ctx(model: SiteModel, source: str | None, target: str | None, db: str | None = None) -> Context:
    baseline = load_baseline(db) if db else None
    return Context(model, source, target, NOW, NOW, baseline)


def test_g1_a_safety_system_involved(dairy: SiteModel) -> None:
    g = gate(ctx(dairy, "scada-a", "sis-01"))
    assert g.required and g.reasons[0] == "G1: the target sis-01 is a safety system (sis)"
    assert g.safety_assets == ("sis-01",) and g.deciders == ("ehs-officer",)


def test_g2_the_target_runs_a_line_a_safety_system_protects(dairy: SiteModel) -> None:
    g = gate(ctx(dairy, "ews-01", "plc-recv"))
    assert g.reasons == ("G2: plc-recv runs line reception-processing, which needs safety system sis-01",)


def test_g3_traffic_with_a_safety_system_in_the_baseline(dairy: SiteModel, demo_db: str) -> None:
    g = gate(ctx(dairy, "qa-ws-01", "scada-a", demo_db))
    assert "G3: scada-a exchanges traffic with safety system sis-01 (baseline)" in g.reasons
    assert g.required


def test_no_safety_function_no_gate_to_wait_for(dairy: SiteModel, demo_db: str) -> None:
    # packaging is fed by filling, which is fed by reception: it does not run the process the SIS protects
    g = gate(ctx(dairy, "qa-ws-01", "plc-pack", demo_db))
    assert not g.required and g.reasons == () and g.deciders == ("ehs-officer",)


def test_without_an_ehs_role_the_gate_is_a_gray_area(dairy: SiteModel) -> None:
    roles = tuple(r for r in dairy.roles if r.kind != RoleKind.EHS)
    g = gate(ctx(dairy.model_copy(update={"roles": roles}), "ews-01", "plc-proc"))
    assert g.required and g.deciders == () and g.gray is not None and "no role of kind ehs" in g.gray


def test_a_safety_system_is_never_offered_for_isolation_or_blocking(dairy: SiteModel, demo_db: str) -> None:
    offered, withheld = ladder(ctx(dairy, "scada-a", "sis-01", demo_db))
    assert all(o.acts_on != "sis-01" for o in offered)
    assert (
        dict(withheld)["containment.isolate-target"]
        == "never isolate or query a safety system: sis-01 is sis"
    )
    offered, withheld = ladder(ctx(dairy, "sis-01", "scada-a", demo_db))
    assert {o for o, _ in withheld} >= {"containment.block-source", "containment.isolate-source"}
    assert all(o.acts_on != "sis-01" for o in offered)


def test_cutting_a_host_off_the_sis_is_marked(dairy: SiteModel, demo_db: str) -> None:
    offered, _ = ladder(ctx(dairy, "qa-ws-01", "scada-a", demo_db))
    target = next(o for o in offered if o.id == "containment.isolate-target")
    assert [m.text for m in target.marks if m.mark == CUTS_SAFETY] == [
        "cuts scada-a off safety system sis-01 (baseline)"
    ]
    assert target.partners == ("scada-b carries scada-pair",) and target.stops == ()
    # without a baseline, a conduit between the zones is taken as the flow (conservative)
    offered, _ = ladder(ctx(dairy, "qa-ws-01", "ews-01"))
    source = next(o for o in offered if o.id == "containment.isolate-target")
    assert [m.text for m in source.marks] == [
        "cuts ews-01 off safety system sis-01 (no baseline: conduit operations-to-safety)"
    ]
