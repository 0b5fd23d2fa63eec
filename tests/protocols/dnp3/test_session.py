"""Dnp3Session on link frames of the real ITI captures."""

from __future__ import annotations

from dataclasses import replace

from plantwarden.protocols.base import OpClass
from plantwarden.protocols.dnp3 import SPEC, wire
from tests.recorder import Recorder

from .helpers import SELECT_OPERATE, TEST_DATA, link_frame, segments


def decode(path: object, frames: list[int]) -> Recorder:
    segs = segments(path)  # type: ignore[arg-type]
    session, out = SPEC.new_session(), Recorder()
    for n in frames:
        session.on_pdu(segs[n].payload, segs[n].ctx(), out)
    return out


def test_select_operate_and_their_responses() -> None:
    out = decode(SELECT_OPERATE, [4, 6, 7, 8])
    assert [op.code for op in out.operations] == ["3", "129", "4", "129"]
    assert [op.op_class for op in out.operations] == [OpClass.WRITE] * 4  # responses take the request's class
    assert [op.request for op in out.operations] == [True, False, True, False]
    select = out.operations[0]
    assert select.details["objects"] == [
        {"group": 12, "variation": 1, "qualifier": "0x28", "count": 1, "name": "Binary Output Command (CROB)"}
    ]
    assert out.operations[1].details["iin"] == []
    assert out.anomalies == []


def test_operate_writes_the_crob_value_select_does_not() -> None:
    out = decode(SELECT_OPERATE, [4, 6, 7, 8])
    assert [(v.point, v.value, v.access, v.device) for v in out.values] == [
        ("addr10/binary-output/0", "nul/latch_on", "write", "192.168.60.130")
    ]


def test_write_of_time_is_time_sync_and_restart_and_stop_classes() -> None:
    out = decode(TEST_DATA, [7, 70, 163])
    assert [(op.code, op.op_class) for op in out.operations] == [
        ("2", OpClass.TIME_SYNC),
        ("13", OpClass.RESTART),
        ("18", OpClass.MODE_CHANGE),
    ]


def test_unsolicited_response_reads_analog_inputs() -> None:
    out = decode(TEST_DATA, [40])
    (op,) = out.operations
    assert (op.code, op.op_class, op.request) == ("130", OpClass.IO_DATA, False)
    groups = {o["group"] for o in op.details["objects"]}  # type: ignore[attr-defined]
    assert 32 in groups or 30 in groups
    assert out.values and all(v.access == "read" and v.device == "10.0.0.3" for v in out.values)
    assert all(v.point.startswith("addr4/") for v in out.values)


def test_malformed_qualifier_is_an_anomaly_but_still_counts() -> None:
    out = decode(TEST_DATA, [154])
    assert [op.code for op in out.operations] == ["21"]
    assert [a.name for a in out.anomalies] == ["dnp3.malformed_objects"]


def test_crc_error_is_reported() -> None:
    frame = bytearray(segments(SELECT_OPERATE)[4].payload)
    frame[14] ^= 0x01
    session, out = SPEC.new_session(), Recorder()
    session.on_pdu(bytes(frame), segments(SELECT_OPERATE)[4].ctx(), out)
    assert "dnp3.crc_error" in [a.name for a in out.anomalies]


def test_fragment_split_over_two_segments_counts_once_on_the_last() -> None:
    seg = segments(TEST_DATA)[40]
    length, control, dst, src = wire.link_header(seg.payload) or (0, 0, 0, 0)
    data, _ = wire.user_data(seg.payload, length)
    fragment = data[1:]
    first = link_frame(control, dst, src, bytes([0x40 | 5]) + fragment[:30])  # FIR, seq 5
    last = link_frame(control, dst, src, bytes([0x80 | 6]) + fragment[30:])  # FIN, seq 6
    session, out = SPEC.new_session(), Recorder()
    session.on_pdu(first, replace(seg, frame=seg.frame - 1).ctx(), out)  # two TCP segments
    session.on_pdu(last, seg.ctx(), out)
    assert [op.code for op in out.operations] == ["link:pri/4", "130"]
    assert [op.ctx.frame for op in out.operations] == [seg.frame - 1, seg.frame]
    whole = Recorder()
    SPEC.new_session().on_pdu(seg.payload, seg.ctx(), whole)
    assert [(v.point, v.value) for v in out.values] == [(v.point, v.value) for v in whole.values]


def test_out_of_order_segment_is_dropped() -> None:
    seg = segments(TEST_DATA)[40]
    length, control, dst, src = wire.link_header(seg.payload) or (0, 0, 0, 0)
    data, _ = wire.user_data(seg.payload, length)
    session, out = SPEC.new_session(), Recorder()
    session.on_pdu(link_frame(control, dst, src, bytes([0x40 | 5]) + data[1:30]), seg.ctx(), out)
    session.on_pdu(link_frame(control, dst, src, bytes([0x80 | 9]) + data[30:]), seg.ctx(), out)
    assert [op.code for op in out.operations] == ["link:pri/4", "link:pri/4"]
    assert [a.name for a in out.anomalies] == ["dnp3.transport_sequence"]


def test_link_only_frame_is_coded_by_link_function() -> None:
    seg = segments(SELECT_OPERATE)[6]
    _, control, dst, src = wire.link_header(seg.payload) or (0, 0, 0, 0)
    session, out = SPEC.new_session(), Recorder()
    session.on_pdu(link_frame(control & 0xB0, dst, src, b""), seg.ctx(), out)  # secondary ACK
    session.on_pdu(link_frame(control & 0xF0 | 9, dst, src, b""), seg.ctx(), out)  # request link status
    assert [(op.code, op.name) for op in out.operations] == [
        ("link:sec/0", "ACK"),
        ("link:pri/9", "Request Link Status"),
    ]


def _fragment_of(seg_no: int) -> tuple[int, int, int, bytes]:
    seg = segments(TEST_DATA)[seg_no]
    length, control, dst, src = wire.link_header(seg.payload) or (0, 0, 0, 0)
    data, _ = wire.user_data(seg.payload, length)
    return control, dst, src, data[1:]


def test_segments_completed_in_the_same_captured_frame_are_the_fragments_operation() -> None:
    """tshark counts the application function, not a link function per segment, when the
    fragment completes in the frame holding its segments (write_vto_empty_string.pcap)."""
    control, dst, src, fragment = _fragment_of(40)
    ctx = segments(TEST_DATA)[40].ctx()
    session, out = SPEC.new_session(), Recorder()
    session.on_pdu(link_frame(control, dst, src, bytes([0x40 | 5]) + fragment[:30]), ctx, out)
    assert out.operations == []  # held until the fragment completes or the frame is over
    session.on_pdu(link_frame(control, dst, src, bytes([0x80 | 6]) + fragment[30:]), ctx, out)
    assert [op.code for op in out.operations] == ["130"]


def test_a_held_segment_is_a_link_operation_when_the_flow_ends_before_its_fragment() -> None:
    control, dst, src, fragment = _fragment_of(40)
    session, out = SPEC.new_session(), Recorder()
    session.on_pdu(
        link_frame(control, dst, src, bytes([0x40 | 5]) + fragment[:30]), segments(TEST_DATA)[40].ctx(), out
    )
    session.flush(out)
    assert [op.code for op in out.operations] == ["link:pri/4"]


def test_user_data_of_any_link_function_but_0_9_11_is_an_application_fragment() -> None:
    """Test Link States (2) and reserved functions (5, 10) with user data carry a fragment
    (opendnp3 conformance 6.6.2.2 and 6.6.2.5); Reset Link and Request Link Status do not."""
    control, dst, src, fragment = _fragment_of(40)
    ctx = segments(TEST_DATA)[40].ctx()
    codes = []
    for function in (2, 5, 10, 0, 9):
        out = Recorder()
        SPEC.new_session().on_pdu(
            link_frame(control & 0xF0 | function, dst, src, bytes([0xC0]) + fragment), ctx, out
        )
        codes.append(out.operations[0].code)
    assert codes == ["130", "130", "130", "link:pri/0", "link:pri/9"]


def test_a_link_frame_whose_header_crc_fails_is_discarded() -> None:
    frame = bytearray(segments(SELECT_OPERATE)[4].payload)
    frame[8] ^= 0x01  # the header CRC (9.2.6: the frame is discarded)
    session, out = SPEC.new_session(), Recorder()
    session.on_pdu(bytes(frame), segments(SELECT_OPERATE)[4].ctx(), out)
    assert out.operations == []
    assert [a.name for a in out.anomalies] == ["dnp3.crc_error"]
