"""BACnet client and server: the side that sends confirmed requests is the client (clause 5.1,
the requesting BACnet-user), whatever the ports and whoever spoke first.

In the dairy demo plant the cold stores answer bms-head's Who-Is with an I-Am before
bms-head reads their present values: both sides use UDP 47808, so the first datagram made
the cold stores the clients, and `dependencies` suggested that bms-head depends on them.
"""

from __future__ import annotations

from typing import Any

from bacnet_frames import ctx, datagrams

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.inventory import make_inventory
from plantwarden.protocols.bacnet import SPEC
from plantwarden.site import load_site
from tests.conftest import ROOT
from tests.recorder import Recorder

DAIRY = ROOT / "examples" / "dairy"
HEAD, COLD = "10.10.60.10", ("10.10.60.11", "10.10.60.12")


def _bacnet_edges(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (e["client"], e["server"])
        for e in doc["edges"]
        if e["proto"] == "bacnet" and e["server"] in (*COLD, HEAD)
    }


def test_the_side_sending_confirmed_requests_is_the_client_of_the_flow() -> None:
    doc = analyze_capture(DAIRY / "captures" / "normal.pcap").doc
    assert _bacnet_edges(doc) == {(HEAD, COLD[0]), (HEAD, COLD[1])}
    first = {
        (c["src"], c["dst"]) for c in doc["conversations"] if c["proto"] == "bacapp" and c["code"] == "1:0"
    }
    assert first == {(COLD[0], HEAD), (COLD[1], HEAD)}  # the I-Am that came first, still from the cold stores


def test_the_communication_map_names_bms_head_the_client_of_the_cold_stores() -> None:
    doc = analyze_capture(DAIRY / "captures" / "normal.pcap").doc
    report = make_inventory([doc], load_site(DAIRY / "site.yaml"))
    names = {a.id: a.name for a in report.inventory.assets}
    bacnet = {
        (names.get(e.client, e.client), names.get(e.server, e.server))
        for e in report.edges
        if e.proto == "bacnet"
    }
    assert ("bms-head", "bms-cold-1") in bacnet and ("bms-head", "bms-cold-2") in bacnet
    assert not {("bms-cold-1", "bms-head"), ("bms-cold-2", "bms-head")} & bacnet


def test_requester_is_the_side_with_the_confirmed_requests_or_none() -> None:
    session, rec = SPEC.new_session(), Recorder()
    frames = datagrams()
    session.on_pdu(frames[1][3], ctx(*frames[1][:3]), rec)  # I-Am: unconfirmed, decides nothing
    assert rec.ops[-1].code == "1:0"
    assert session.requester() is None
    for frame, src, dst, payload in frames[2:]:
        session.on_pdu(payload, ctx(frame, src, dst), rec)
    requesters = {(op.ctx.src, op.ctx.sport) for op in rec.ops if op.code.startswith("0:")}
    assert session.requester() in requesters
