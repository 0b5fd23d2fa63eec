"""Remote access, SMB, zones and conduits, public addresses, dual-homed hosts and ARP sweeps on
the real-stack lab capture detect-zones.pcap (tests/data/generate/detect_zones.py), with the
site model detect_zones_site.yaml; the baseline is learned on the capture's ``learn`` phase."""

from __future__ import annotations

import pytest

from plantwarden.detect.model import Alert

from .helpers import frames
from .lab import ZONES, Phase, fired, inside, quiet, run, technique_ids

PLC, HMI, IT, FS, PUB = "10.77.1.10", "10.77.2.10", "10.77.9.10", "10.77.9.20", "198.51.100.7"
REMOTE = {"remote-access-to-ot", "external-remote-access"}
SMB = {"smb-to-ot", "smb1-to-ot"}


@pytest.fixture(scope="module")
def lab() -> tuple[list[Alert], dict[str, Phase]]:
    return run(ZONES, site=True)


def test_the_benign_phase_raises_nothing(lab: tuple[list[Alert], dict[str, Phase]]) -> None:
    alerts, phases = lab
    benign = phases["benign"]
    assert [a.rule for a in alerts if any(benign.first <= f <= benign.last for f in frames(a))] == []


def test_ssh_rdp_vnc_into_ot_hosts_fire(lab: tuple[list[Alert], dict[str, Phase]]) -> None:
    alerts, phases = lab
    ssh = fired(alerts, "remote-access-to-ot", IT, PLC)
    desk = fired(alerts, "remote-access-to-ot", IT, HMI)
    assert inside(ssh, phases["remote"]) and inside(desk, phases["remote"])
    assert technique_ids(ssh) == ["T0886"] and ssh.severity.label == "high"
    assert ssh.details == ["ssh session: port 22"]
    assert desk.details == ["rdp session: port 3389", "vnc session: port 5900"]


def test_learned_maintenance_and_office_sessions_are_quiet(lab: tuple[list[Alert], dict[str, Phase]]) -> None:
    alerts, _ = lab
    assert quiet(alerts, REMOTE | SMB | {"public-to-ot"}, {(HMI, PLC), (IT, FS), (PUB, FS)}) == []


def test_ssh_from_a_public_address_is_external_remote_access(
    lab: tuple[list[Alert], dict[str, Phase]],
) -> None:
    alerts, phases = lab
    external = fired(alerts, "external-remote-access", PUB, PLC)
    public = fired(alerts, "public-to-ot", PUB, PLC)
    assert inside(external, phases["public"]) and inside(public, phases["public"])
    assert technique_ids(external) == ["T0822", "T0883"] and external.severity.label == "critical"
    assert technique_ids(public) == ["T0883", "T0822"] and public.severity.label == "critical"
    assert not [a for a in alerts if a.rule == "remote-access-to-ot" and a.src == PUB]


def test_smb1_and_smb2_toward_the_hmi_fire(lab: tuple[list[Alert], dict[str, Phase]]) -> None:
    alerts, phases = lab
    smb1, smb2 = fired(alerts, "smb1-to-ot", IT, HMI), fired(alerts, "smb-to-ot", IT, HMI)
    assert inside(smb1, phases["smb"]) and inside(smb2, phases["smb"])
    assert smb1.details == ["Negotiate Protocol (1:0x72)"] and technique_ids(smb1) == ["T0866", "T0886"]
    assert smb2.details == ["NEGOTIATE (2:0x00)"] and technique_ids(smb2) == ["T0886", "T0867"]


def test_flows_outside_the_conduits_fire_and_the_conduit_is_quiet(
    lab: tuple[list[Alert], dict[str, Phase]],
) -> None:
    alerts, phases = lab
    to_plc, to_hmi = fired(alerts, "outside-conduit", IT, PLC), fired(alerts, "outside-conduit", IT, HMI)
    assert technique_ids(to_plc) == ["T0886"] and to_plc.severity.label == "high"
    assert [d.split(": ")[0] for d in to_plc.details] == [
        "10.77.9.10 (enterprise) -> 10.77.1.10 (control) tcp/22",
        "10.77.9.10 (enterprise) -> 10.77.1.10 (control) tcp/502",
    ]
    conduit = phases["conduit"]
    assert any(conduit.first <= f <= conduit.last for f in frames(to_plc))
    assert all(phases["remote"].first <= f <= phases["conduit"].last for f in frames(to_plc) + frames(to_hmi))
    assert (
        len([a for a in alerts if a.rule == "outside-conduit"]) == 2
    )  # polling and SSH over the conduit: none


def test_a_host_sending_in_two_zones_is_dual_homed_and_the_router_is_not(
    lab: tuple[list[Alert], dict[str, Phase]],
) -> None:
    alerts, phases = lab
    dual = fired(alerts, "dual-homed-host", "10.77.1.30", "10.77.2.30")
    assert inside(dual, phases["dual"]) and technique_ids(dual) == ["T0886"]
    assert dual.details == [
        "MAC 02:77:00:00:00:06 sends as 10.77.1.30 (control) and as 10.77.2.30 (operations)"
    ]
    assert [a.src for a in alerts if a.rule == "dual-homed-host"] == ["10.77.1.30"]


def test_arp_for_twenty_unused_addresses_is_a_sweep(lab: tuple[list[Alert], dict[str, Phase]]) -> None:
    alerts, phases = lab
    sweep = fired(alerts, "arp-sweep", IT, "*")
    assert inside(sweep, phases["arp"]) and technique_ids(sweep) == ["T0846", "T0842"]
    assert [a.src for a in alerts if a.rule == "arp-sweep"] == [IT]  # hosts resolving their peers: quiet


def test_without_the_site_model_ot_hosts_are_those_seen_speaking_modbus() -> None:
    alerts, phases = run(ZONES, site=False)
    assert not {a.rule for a in alerts} & {"outside-conduit", "dual-homed-host"}
    assert inside(fired(alerts, "remote-access-to-ot", IT, HMI), phases["remote"])  # the HMI polls Modbus
    assert inside(fired(alerts, "external-remote-access", PUB, PLC), phases["public"])
    assert inside(fired(alerts, "public-to-ot", PUB, PLC), phases["public"])
    assert quiet(alerts, REMOTE | SMB | {"public-to-ot"}, {(HMI, PLC), (IT, FS), (PUB, FS)}) == []
