"""A CIP reply whose request is not in the capture takes the meaning the flow's requests gave
the same service, or a Logix tag read only when its data is tag data.

On enip-ndpi-ethernetIP.pcap the client reads a vendor class (0x72) with service 0x4C: tshark
names both sides "Unknown Service (0x4c)". The first replies of one flow come before any
request of it: they were named Read_Tag (read) while every request of the flow was
unknown-0x4c (other).
"""

from __future__ import annotations

from collections import defaultdict

from enip_frames import CPPPO, SHARED, frames

from plantwarden.protocols.enip import SPEC
from tests.recorder import Recorder

NDPI = SHARED / "enip-ndpi-ethernetIP.pcap"


def _ops(path: object, skip: set[int] | None = None) -> Recorder:
    sessions: dict[object, object] = {}
    rec = Recorder()
    for frame in frames(path):  # type: ignore[arg-type]
        if skip and frame.number in skip:
            continue
        ctx = frame.ctx
        key = tuple(sorted([(ctx.src, ctx.sport), (ctx.dst, ctx.dport)]))
        session = sessions.setdefault(key, SPEC.new_session())
        session.on_pdu(frame.payload, ctx, rec)  # type: ignore[attr-defined]
    return rec


def test_requests_and_replies_of_a_service_have_one_name_per_flow() -> None:
    names: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for op in _ops(NDPI).ops:
        if op.proto == "cip":
            client = op.ctx.src if op.request else op.ctx.dst
            server = op.ctx.dst if op.request else op.ctx.src
            names[(client, server, op.code.split(":")[0])].add(op.name)
    assert names[("141.81.0.10", "141.81.0.63", "0x4c")] == {"unknown-0x4c"}
    assert all(len(found) == 1 for found in names.values()), names


def test_an_unpaired_logix_read_reply_is_still_a_read() -> None:
    paired = [op for op in _ops(CPPPO).ops if op.code == "0x4c:rsp"]
    requests = {op.ctx.frame for op in _ops(CPPPO).ops if op.code == "0x4c:req"}
    unpaired = [op for op in _ops(CPPPO, skip=requests).ops if op.code == "0x4c:rsp"]
    assert [op.name for op in unpaired] == [op.name for op in paired]
    assert {op.name for op in unpaired} == {"Read_Tag"}
