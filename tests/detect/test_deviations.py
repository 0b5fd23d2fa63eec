"""Deviations from a learned Modbus polling cycle, commands, sweeps, malformed PDUs and loss of
view on the real-stack lab capture detect-ops.pcap (tests/data/generate/detect_ops.py); the
baseline is learned on its ``learn`` phase. DNP3 restarts come from the shared ITI capture."""

from __future__ import annotations

import pytest

from plantwarden.detect.model import Alert
from plantwarden.detect.stream import learn_captures

from .helpers import SHARED, detect, frames
from .lab import OPS, Phase, fired, inside, quiet, run, technique_ids

PLC, PLC2, HMI, HMI2, EWS, SCAN = (
    "10.77.1.10",
    "10.77.1.11",
    "10.77.2.10",
    "10.77.2.11",
    "10.77.2.20",
    "10.77.9.66",
)
DNP3 = SHARED / "dnp3-iti-dnp3_test_data_part1.pcap"
Lab = tuple[list[Alert], dict[str, Phase]]


@pytest.fixture(scope="module")
def lab() -> Lab:
    return run(OPS)


def test_the_learned_cycle_and_benign_engineering_stay_quiet(lab: Lab) -> None:
    alerts, phases = lab
    benign = phases["benign"]
    in_benign = {a.rule for a in alerts if any(benign.first <= f <= benign.last for f in frames(a))}
    assert in_benign == {"new-asset", "new-conversation"}  # the engineering station was not in the baseline
    assert [a for a in alerts if HMI2 in (a.src, a.dst)] == []  # polls all along
    assert [
        a for a in alerts if (a.src, a.dst) == (HMI, PLC) and min(frames(a)) < phases["deviation"].first
    ] == []


@pytest.mark.parametrize(
    ("rule", "detail", "techniques"),
    [
        ("code-outside-baseline", "modbus 2 Read Discrete Inputs; baseline: 1, 3", ["T0855", "T0888"]),
        ("points-outside-baseline", "Read Holding Registers 100-109; baseline: 0-9", ["T0861", "T0836"]),
        ("unit-outside-baseline", "unit 2; baseline: [1]", ["T0846", "T0855"]),
    ],
)
def test_requests_outside_the_learned_channel_fire(
    lab: Lab, rule: str, detail: str, techniques: list[str]
) -> None:
    alerts, phases = lab
    alert = fired(alerts, rule, HMI, PLC)
    assert inside(alert, phases["deviation"]) and alert.details == [detail]
    assert technique_ids(alert) == techniques


def test_modbus_restart_communications_fires_and_return_query_data_does_not(lab: Lab) -> None:
    alerts, phases = lab
    restart = fired(alerts, "device-restart", EWS, PLC)
    assert inside(restart, phases["restart"]) and technique_ids(restart) == ["T0816"]
    assert restart.details == ["modbus Diagnostics: Restart Communications Option (8)"]


def test_a_firmware_image_written_by_ftp_is_a_firmware_update_and_a_recipe_is_not(lab: Lab) -> None:
    alerts, phases = lab
    update = fired(alerts, "firmware-update", EWS, PLC)
    assert inside(update, phases["firmware"]) and technique_ids(update) == ["T0857"]
    assert update.severity.label == "critical"


def test_s7_on_a_modbus_channel_is_a_new_protocol(lab: Lab) -> None:
    alerts, phases = lab
    new = fired(alerts, "new-protocol", HMI, PLC)
    assert inside(new, phases["newproto"]) and technique_ids(new) == ["T0869"]
    assert any(d.startswith("s7comm from 10.77.2.10 to 10.77.1.10; baseline: modbus") for d in new.details)


def test_twelve_unit_ids_are_a_sweep_and_the_polled_unit_is_not(lab: Lab) -> None:
    alerts, phases = lab
    sweep = fired(alerts, "unit-id-sweep", SCAN, PLC)
    assert inside(sweep, phases["units"]) and technique_ids(sweep) == ["T0846", "T0888"]
    assert [a.src for a in alerts if a.rule == "unit-id-sweep"] == [SCAN]


def test_five_devices_answering_identity_requests_are_a_sweep(lab: Lab) -> None:
    alerts, phases = lab
    sweep = fired(alerts, "identity-sweep", EWS, "*")
    assert inside(sweep, phases["identity"]) and technique_ids(sweep) == ["T0888"]
    assert sweep.details == ["5 devices answered bacnet identity requests within 60 s"]


def test_identity_answers_of_devices_the_asker_already_talks_to_are_no_sweep() -> None:
    """Learned on the whole capture, the engineering station's BACnet devices are its own: a
    historian or SCADA server reading the identities of its known devices is no reconnaissance."""
    baseline = learn_captures([str(OPS)])
    assert not [a for a in detect(OPS, baseline=baseline) if a.rule == "identity-sweep"]


def test_malformed_modbus_pdus_fire_only_on_the_fuzzed_connection(lab: Lab) -> None:
    alerts, phases = lab
    malformed = [a for a in alerts if a.rule in ("malformed-pdu", "malformed-it-pdu")]
    assert {(a.src, a.dst) for a in malformed} == {(SCAN, PLC), (PLC, SCAN)}
    assert all(inside(a, phases["malformed"]) for a in malformed)
    request = fired(alerts, "malformed-pdu", SCAN, PLC)
    assert request.details == [
        "modbus.unknown_function: reserved-41",
        "modbus.invalid_length: MBAP length 1, 7 bytes",
    ]
    assert technique_ids(request) == ["T0866", "T0814"]


def test_polling_that_stops_is_loss_of_view_and_polling_that_goes_on_is_not(lab: Lab) -> None:
    alerts, phases = lab
    stopped = fired(alerts, "polling-stopped", HMI, PLC)
    stop = phases["stop"]
    assert all(int(d.split("nothing for ")[1].split(" s")[0]) >= 30 for d in stopped.details)
    assert all(phases["newproto"].first < f < stop.first for f in frames(stopped))  # the last polls
    assert technique_ids(stopped) == ["T0829", "T0814"] and stopped.severity.label == "high"
    assert {d.split(":")[0] for d in stopped.details} == {"3u1@0+10", "1u1@0+8"}
    assert quiet(alerts, {"polling-stopped", "polling-period-changed"}, {(HMI2, PLC2)}) == []


def test_dnp3_cold_and_warm_restarts_fire_unless_learned() -> None:
    alerts = [a for a in detect(DNP3) if a.rule == "device-restart"]
    assert {(a.src, a.dst) for a in alerts} == {("10.0.0.8", "10.0.0.3"), ("10.0.0.9", "10.0.0.3")}
    assert any("Cold Restart" in d for a in alerts for d in a.details)
    learned = learn_captures([str(DNP3)])
    assert [a for a in detect(DNP3, baseline=learned) if a.rule == "device-restart"] == []


def test_stops_reported_as_logged_or_in_many_small_reports_are_the_same_alerts(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The polling rule keeps its stops in arrays and reports them when the log is full and
    at the end (rules.polling.StopLog): a log of one stop gives the same alerts."""
    from plantwarden.detect.rules import polling

    monkeypatch.setattr(polling, "MAX_LOGGED", 1)
    small, _ = run(OPS)
    assert any(a.rule == "polling-stopped" for a in small)
    assert [a.to_json() for a in small] == [a.to_json() for a in lab[0]]
