"""DHCP from busybox udhcpc and dnsmasq (it-dnsmasq.pcap) agrees with tshark's fields."""

from __future__ import annotations

from collections import Counter

from protocols.itkit.it_helpers import DNSMASQ, conversations, identities, needs_tshark, tshark_rows


@needs_tshark
def test_message_types_per_pair_equal_tshark() -> None:
    rows = tshark_rows(DNSMASQ, "dhcp", "ip.src", "ip.dst", "dhcp.option.dhcp")
    theirs = Counter((r[0], r[1], r[2]) for r in rows)
    mine = Counter({(c["src"], c["dst"], c["code"]): c["count"] for c in conversations(DNSMASQ, "dhcp")})
    assert theirs and mine == theirs


@needs_tshark
def test_client_identity_equals_tshark_options() -> None:
    rows = tshark_rows(
        DNSMASQ,
        "dhcp.option.dhcp == 3",
        "dhcp.hw.mac_addr",
        "dhcp.option.hostname",
        "dhcp.option.vendor_class_id",
        "dhcp.option.request_list_item",
    )
    macs, host, vendor, prl = rows[0]
    mac = macs.split(",")[0]
    mine = [i for i in identities(DNSMASQ, "dhcp") if i["frame"] == 5]
    assert mine[0]["address"] == mac
    fields = mine[0]["fields"]
    assert (fields["hostname"], fields["vendor_class"], fields["dhcp_fingerprint"]) == (host, vendor, prl)
    assert fields["hostname"] == "eng-ws01"


@needs_tshark
def test_ack_gives_the_leased_address_and_the_server_role() -> None:
    (row,) = tshark_rows(
        DNSMASQ,
        "dhcp.option.dhcp == 5",
        "dhcp.hw.mac_addr",
        "dhcp.ip.your",
        "ip.src",
        "dhcp.option.domain_name",
    )
    row[0] = row[0].split(",")[0]
    found = {(i["address"], tuple(sorted(i["fields"].items()))) for i in identities(DNSMASQ, "dhcp")}
    assert (row[0], (("domain", row[3]), ("ip", row[1]))) in found
    assert (row[2], (("role", "dhcp_server"),)) in found
