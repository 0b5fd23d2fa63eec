"""Validation of one capture's analysis document before it is stored."""

from __future__ import annotations

import pytest

from plantwarden.errors import InputError
from plantwarden.store.capture_doc import parse_capture_doc

from .helpers import MODBUS_DOC, capture_doc


def test_the_documented_shape_is_accepted() -> None:
    parsed = parse_capture_doc(MODBUS_DOC)
    assert parsed.name == "modbus.pcap"
    assert [c.code for c in parsed.conversations] == ["17", "8:exc"]
    assert parsed.skipped[0].first_frame == 118


def test_bare_host_addresses_become_entries_without_figures() -> None:
    parsed = parse_capture_doc(MODBUS_DOC)
    assert [h.address for h in parsed.hosts.mac] == ["00:02:b3:ce:70:51", "00:20:78:00:62:0d"]
    assert parsed.hosts.mac[0].packets is None
    assert parsed.hosts.ipv4[0].packets == 60


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"sha256": "abc"}, "sha256"),
        ({"packets": "118"}, "packets"),
        ({"first_ts": float("nan")}, "first_ts"),
        (
            {
                "conversations": [
                    {
                        "src": "a",
                        "dst": "b",
                        "proto": "modbus",
                        "code": 3,
                        "count": 1,
                        "first_ts": 1.0,
                        "last_ts": 1.0,
                    }
                ]
            },
            "conversations.0.code",
        ),
        ({"anomalies": [{"name": "modbus.x", "frame": 0}]}, "anomalies.0.frame"),
        ({"hosts": {"ipv4": [7]}}, "hosts.ipv4.0"),
    ],
)
def test_bad_fields_are_named_with_the_capture(change: dict[str, object], where: str) -> None:
    with pytest.raises(InputError) as info:
        parse_capture_doc(capture_doc("bad.pcap", **change))
    message = str(info.value)
    assert message.startswith(f"capture bad.pcap: invalid analysis document: {where}")
    assert "\n" not in message


def test_a_missing_field_is_named() -> None:
    doc = capture_doc("nosize.pcap")
    del doc["size"]
    with pytest.raises(InputError, match=r"^capture nosize.pcap: .*size: Field required"):
        parse_capture_doc(doc)


def test_a_non_object_is_refused() -> None:
    with pytest.raises(InputError, match="must be a JSON object, not list"):
        parse_capture_doc([MODBUS_DOC])


def test_the_fingerprint_follows_the_content() -> None:
    same = parse_capture_doc(capture_doc("a.pcap")).fingerprint()
    assert parse_capture_doc(capture_doc("a.pcap")).fingerprint() == same
    assert parse_capture_doc(capture_doc("a.pcap", packets=119)).fingerprint() != same
