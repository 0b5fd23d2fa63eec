"""CIP layouts, on paths and messages built by pycomm3 and cpppo (real stacks)."""

from __future__ import annotations

from enip_frames import CPPPO, frames
from pycomm3.cip import PADDED_EPATH, LogicalSegment, PortSegment
from pycomm3.cip.data_types import DataSegment

from plantwarden.protocols.base import OpClass
from plantwarden.protocols.cip import wire
from plantwarden.protocols.cip.classify import meaning, tag_points
from plantwarden.protocols.enip import wire as enip_wire


def test_epath_ports_and_logical_segments_from_pycomm3() -> None:
    raw = PADDED_EPATH.encode(
        [
            PortSegment("enet", "10.1.2.3"),
            PortSegment("bp", 2),
            LogicalSegment(0x6B, "class_id"),
            LogicalSegment(0x1234, "instance_id"),
            LogicalSegment(3, "attribute_id"),
        ],
        length=False,
    )
    path = wire.epath(raw)
    assert path is not None
    assert path.ports == [(2, "10.1.2.3"), (1, "2")]
    assert (path.class_id, path.instance, path.attribute) == (0x6B, 0x1234, 3)


def test_epath_symbolic_tag_with_element() -> None:
    segments = [DataSegment("Program:Main.Counts"), LogicalSegment(5, "member_id")]
    raw = PADDED_EPATH.encode(segments, length=False)
    path = wire.epath(raw)
    assert path is not None and path.tag == "Program:Main.Counts[5]"


def test_epath_rejects_truncated_and_unknown_segments() -> None:
    raw = PADDED_EPATH.encode([DataSegment("Motor"), LogicalSegment(0x1234, "instance_id")], length=False)
    assert wire.epath(raw[:-1]) is None
    assert wire.epath(b"\xe0\x00") is None


def _cip_of(number: int) -> bytes:
    frame = next(f for f in frames(CPPPO) if f.number == number)
    items = enip_wire.rr_items(frame.payload)
    assert items is not None
    return next(i.data for i in items if i.type_id == 0x00B2)


def test_unconnected_send_and_multiple_service_packet_from_cpppo() -> None:
    req = wire.request(_cip_of(78))  # cpppo client --multiple: Unconnected Send around an MSP
    assert req is not None and req.service == 0x52
    send = wire.unconnected_send(req.data)
    assert send is not None
    assert wire.epath(send.route) is not None
    inner = wire.request(send.message)
    assert inner is not None and inner.service == 0x0A
    services = wire.msp_services(inner.data)
    assert services is not None
    assert [m[0] for m in services] == [0x4C, 0x4D, 0x4D, 0x4C, 0x4C, 0x4C, 0x4D]


def test_response_status_from_cpppo_reply() -> None:
    rsp = wire.response(_cip_of(79))
    assert rsp is not None and rsp.service == 0x0A and rsp.general_status == 0
    assert wire.response(b"\xcc\x00") is None


def test_service_meaning_depends_on_the_object() -> None:
    cm = wire.epath(
        PADDED_EPATH.encode([LogicalSegment(6, "class_id"), LogicalSegment(1, "instance_id")], length=False)
    )
    tag = wire.epath(PADDED_EPATH.encode([DataSegment("Speed")], length=False))
    identity = wire.epath(
        PADDED_EPATH.encode([LogicalSegment(1, "class_id"), LogicalSegment(1, "instance_id")], length=False)
    )
    assert meaning(0x52, cm).name == "Unconnected_Send"
    assert meaning(0x52, tag).name == "Read_Tag_Fragmented"
    assert meaning(0x4E, cm).op_class is OpClass.SESSION
    assert meaning(0x4D, tag).op_class is OpClass.WRITE
    assert meaning(0x0E, identity).op_class is OpClass.DIAGNOSTICS
    assert meaning(0x05, identity).op_class is OpClass.RESTART
    assert meaning(0x07, cm).op_class is OpClass.MODE_CHANGE
    assert meaning(0x7E, cm).name == "unknown-0x7e"


def test_tag_points() -> None:
    assert tag_points("Speed", 1) == ["Speed"]
    assert tag_points("A[2]", 3) == ["A[2]", "A[3]", "A[4]"]
    assert tag_points("A", 2, 4) == ["A[4]", "A[5]"]
