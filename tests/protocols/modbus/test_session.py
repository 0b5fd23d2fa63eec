"""ModbusSession on ADUs made by pymodbus: codes, pairing, values, identity, anomalies."""

from __future__ import annotations

import pytest
from pymodbus.pdu import ExceptionResponse
from pymodbus.pdu.bit_message import (
    ReadCoilsRequest,
    ReadDiscreteInputsRequest,
    WriteMultipleCoilsRequest,
    WriteSingleCoilRequest,
)
from pymodbus.pdu.diag_message import (
    ForceListenOnlyModeRequest,
    RestartCommunicationsOptionRequest,
    ReturnQueryDataRequest,
)
from pymodbus.pdu.mei_message import ReadDeviceInformationRequest
from pymodbus.pdu.other_message import ReportDeviceIdRequest
from pymodbus.pdu.register_message import (
    MaskWriteRegisterRequest,
    ReadHoldingRegistersRequest,
    ReadInputRegistersRequest,
    ReadWriteMultipleRegistersRequest,
    WriteMultipleRegistersRequest,
    WriteSingleRegisterRequest,
)

from plantwarden.protocols.base import OpClass
from plantwarden.protocols.modbus import SPEC
from tests.recorder import Recorder

from .helpers import IDENTITY, SERVER, Exchange, ctx


@pytest.fixture(scope="module")
def mb() -> Exchange:
    return Exchange()


def run(mb: Exchange, request: object) -> Recorder:
    """Decode request and response of one exchange in a fresh session."""
    req, rsp = mb.run(request)  # type: ignore[arg-type]
    out = Recorder()
    session = SPEC.new_session()
    session.on_pdu(req, ctx(True, 1), out)
    session.on_pdu(rsp, ctx(False, 2), out)
    return out


def test_read_holding_registers_pairs_values_with_the_request_address(mb: Exchange) -> None:
    out = run(mb, ReadHoldingRegistersRequest(address=10, count=5, dev_id=1, transaction_id=7))
    req, rsp = out.operations
    assert (req.code, req.request, req.op_class) == ("3", True, OpClass.READ)
    assert (rsp.code, rsp.request, rsp.name) == ("3", False, "Read Holding Registers")
    assert req.details["address"] == 10 and req.details["quantity"] == 5
    assert [(v.point, v.value, v.access) for v in out.values] == [
        (f"unit1/holding/{10 + i}", 1010 + i, "read") for i in range(5)
    ]
    assert all(v.device == SERVER for v in out.values)
    assert out.anomalies == []


def test_read_input_registers_and_bits(mb: Exchange) -> None:
    regs = run(mb, ReadInputRegistersRequest(address=20, count=3, dev_id=1, transaction_id=1))
    assert [(v.point, v.value) for v in regs.values] == [
        (f"unit1/input/{20 + i}", 2020 + i) for i in range(3)
    ]
    coils = run(mb, ReadCoilsRequest(address=0, count=10, dev_id=1, transaction_id=2))
    assert [v.value for v in coils.values] == [i % 3 == 0 for i in range(10)]
    inputs = run(mb, ReadDiscreteInputsRequest(address=4, count=12, dev_id=1, transaction_id=3))
    assert [(v.point, v.value) for v in inputs.values][:2] == [
        ("unit1/discrete-input/4", True),
        ("unit1/discrete-input/5", False),
    ]
    assert len(inputs.values) == 12 and inputs.operations[1].code == "2"


def test_single_writes_are_write_operations_with_values(mb: Exchange) -> None:
    coil = run(mb, WriteSingleCoilRequest(address=7, bits=[True], dev_id=1, transaction_id=4))
    assert [op.op_class for op in coil.operations] == [OpClass.WRITE, OpClass.WRITE]
    assert [(v.point, v.value, v.access) for v in coil.values] == [("unit1/coil/7", True, "write")]
    reg = run(mb, WriteSingleRegisterRequest(address=11, registers=[4242], dev_id=1, transaction_id=5))
    assert [(v.point, v.value) for v in reg.values] == [("unit1/holding/11", 4242)]
    assert reg.operations[0].code == "6" and reg.anomalies == []


def test_multiple_writes_carry_every_value(mb: Exchange) -> None:
    coils = run(
        mb, WriteMultipleCoilsRequest(address=30, bits=[True, False, True], dev_id=1, transaction_id=6)
    )
    assert [(v.point, v.value) for v in coils.values] == [
        ("unit1/coil/30", True),
        ("unit1/coil/31", False),
        ("unit1/coil/32", True),
    ]
    regs = run(mb, WriteMultipleRegistersRequest(address=40, registers=[7, 8, 9], dev_id=1, transaction_id=8))
    assert regs.operations[0].details["values"] == [7, 8, 9]
    assert regs.operations[1].details["quantity"] == 3
    assert [op.code for op in coils.operations + regs.operations] == ["15", "15", "16", "16"]


def test_mask_write_and_read_write_multiple(mb: Exchange) -> None:
    mask = run(
        mb, MaskWriteRegisterRequest(address=12, and_mask=0xF2, or_mask=0x25, dev_id=1, transaction_id=9)
    )
    assert mask.operations[0].details.items() >= {"address": 12, "and_mask": 0xF2, "or_mask": 0x25}.items()
    rw = ReadWriteMultipleRegistersRequest(
        read_address=40, read_count=3, write_address=50, write_registers=[55, 56], dev_id=1, transaction_id=10
    )
    out = run(mb, rw)
    written = [(v.point, v.value) for v in out.values if v.access == "write"]
    read = [v.point for v in out.values if v.access == "read"]
    assert written == [("unit1/holding/50", 55), ("unit1/holding/51", 56)]
    assert read == ["unit1/holding/40", "unit1/holding/41", "unit1/holding/42"]
    assert out.anomalies == [] and mask.anomalies == []


def test_exception_response_code_and_name(mb: Exchange) -> None:
    out = run(mb, ReadHoldingRegistersRequest(address=95, count=20, dev_id=1, transaction_id=16))
    rsp = out.operations[1]
    assert (rsp.code, rsp.request, rsp.op_class) == ("3:exc", False, OpClass.READ)
    assert rsp.details["exception_code"] == 2
    assert rsp.details["exception"] == "Illegal Data Address"
    assert out.values == [] and out.anomalies == []


def test_device_identification_becomes_identity(mb: Exchange) -> None:
    out = run(mb, ReadDeviceInformationRequest(read_code=2, object_id=0, dev_id=1, transaction_id=12))
    assert [op.code for op in out.operations] == ["43", "43"]
    assert out.operations[0].op_class is OpClass.DIAGNOSTICS
    assert out.operations[0].name == "Encapsulated Interface Transport: Read Device Identification"
    (ident,) = out.identities
    assert ident.address == SERVER
    assert ident.fields == {
        "vendor": IDENTITY["VendorName"],
        "order_number": IDENTITY["ProductCode"],
        "firmware": IDENTITY["MajorMinorRevision"],
        "vendor_url": IDENTITY["VendorUrl"],
        "product": IDENTITY["ProductName"],
        "model": IDENTITY["ModelName"],
        "name": IDENTITY["UserApplicationName"],
    }


def test_report_server_id_is_identity_text(mb: Exchange) -> None:
    out = run(mb, ReportDeviceIdRequest(dev_id=1, transaction_id=13))
    assert [op.code for op in out.operations] == ["17", "17"]
    (ident,) = out.identities
    assert IDENTITY["VendorName"] in ident.fields["server_id"]


@pytest.mark.parametrize(
    ("request_pdu", "sub", "op_class"),
    [
        (ReturnQueryDataRequest(message=b"\x12\x34", dev_id=1, transaction_id=14), 0, OpClass.DIAGNOSTICS),
        (RestartCommunicationsOptionRequest(dev_id=1, transaction_id=15), 1, OpClass.RESTART),
        (ForceListenOnlyModeRequest(dev_id=1, transaction_id=17), 4, OpClass.MODE_CHANGE),
    ],
)
def test_diagnostics_sub_functions_set_the_class(
    mb: Exchange, request_pdu: object, sub: int, op_class: OpClass
) -> None:
    req = mb.frame(request_pdu)  # type: ignore[arg-type]
    out = Recorder()
    SPEC.new_session().on_pdu(req, ctx(True), out)
    (op,) = out.operations
    assert (op.code, op.details["sub_function"], op.op_class) == ("8", sub, op_class)


def test_response_without_request_is_an_anomaly(mb: Exchange) -> None:
    _, rsp = mb.run(ReadCoilsRequest(address=0, count=8, dev_id=1, transaction_id=30))
    out = Recorder()
    SPEC.new_session().on_pdu(rsp, ctx(False), out)
    assert out.anomaly_names() == ["modbus.response_without_request"]
    assert out.operations[0].code == "1" and out.values == []


def test_direction_follows_port_502_when_the_device_opened_the_connection(mb: Exchange) -> None:
    """The device on port 502 initiated the TCP connection (as in the ITI capture)."""
    _, rsp = mb.run(ReadCoilsRequest(address=0, count=8, dev_id=1, transaction_id=31))
    out = Recorder()
    inverted = ctx(True, sport=502, dport=4446)
    SPEC.new_session().on_pdu(rsp, inverted, out)
    assert out.operations[0].request is False


def test_exception_from_a_function_pymodbus_does_not_know() -> None:
    """pymodbus answers FC 90 with function 0 + 0x80 (see the committed capture)."""
    exc = Exchange().frame(ExceptionResponse(0, 1, device_id=1, transaction=7))
    out = Recorder()
    SPEC.new_session().on_pdu(exc, ctx(False), out)
    assert out.operations[0].code == "0:exc"
    assert out.operations[0].details["exception"] == "Illegal Function"
    assert set(out.anomaly_names()) == {"modbus.response_without_request", "modbus.unknown_function"}
