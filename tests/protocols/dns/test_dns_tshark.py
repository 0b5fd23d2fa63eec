"""DNS, mDNS and LLMNR from dig and dnsmasq (it-dnsmasq.pcap) and a real Windows mDNS query."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from protocols.itkit.it_helpers import DNSMASQ, EMRE, conversations, identities, needs_tshark, tshark_rows

TYPES = {"1": "A", "28": "AAAA", "33": "SRV", "12": "PTR", "16": "TXT"}


@needs_tshark
@pytest.mark.parametrize("path", [DNSMASQ, EMRE], ids=lambda p: p.name)
def test_queries_and_responses_per_pair_equal_tshark(path: Path) -> None:
    rows = tshark_rows(
        path,
        "dns || mdns || llmnr",
        "ip.src",
        "ip.dst",
        "frame.protocols",
        "dns.flags.response",
        "dns.qry.type",
    )
    theirs: Counter[tuple[str, ...]] = Counter()
    for src, dst, protos, resp, qtypes in rows:
        proto = "mdns" if ":mdns" in protos else "llmnr" if ":llmnr" in protos else "dns"
        kind = "response" if resp in ("1", "True") else "query"
        theirs[(src, dst, proto, f"{kind}:{TYPES[qtypes.split(',')[0]]}")] += 1
    mine = Counter(
        {
            (c["src"], c["dst"], c["proto"], c["code"]): c["count"]
            for c in conversations(path, "dns", "mdns", "llmnr")
        }
    )
    assert theirs and mine == theirs


@needs_tshark
def test_address_records_become_names_as_tshark_reads_them() -> None:
    rows = tshark_rows(
        DNSMASQ,
        "(dns || mdns || llmnr) && (dns.a || dns.aaaa)",
        "frame.protocols",
        "dns.resp.name",
        "dns.a",
        "dns.aaaa",
    )
    theirs = set()
    for protos, names, a, aaaa in rows:
        proto = "mdns" if ":mdns" in protos else "llmnr" if ":llmnr" in protos else "dns"
        addrs = [x for x in (a + "," + aaaa).split(",") if x]
        resolved = [n for n in names.split(",") if not n.startswith("_") and n != "<Root>"]
        for addr in addrs:
            theirs.add((proto, addr, resolved[0]))
    mine = set()
    for proto in ("dns", "mdns", "llmnr"):
        for i in identities(DNSMASQ, proto):
            mine.add((proto, i["address"], i["fields"].get("dns_name") or i["fields"]["hostname"]))
    assert theirs and mine == theirs


def test_domain_controller_locator_answer_marks_the_dc() -> None:
    dcs = [i for i in identities(DNSMASQ, "dns") if i["fields"].get("role") == "domain_controller"]
    assert [(i["address"], i["fields"]["domain"]) for i in dcs] == [("10.77.5.10", "plant.lan")]
