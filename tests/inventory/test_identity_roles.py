"""Identity from the real stacks' answers (tests/data/generate/*) and roles on real captures."""

from __future__ import annotations

from datetime import date

from cpppo.server.enip.device import Identity
from snap7.server import Server

from plantwarden.inventory import make_inventory
from plantwarden.inventory.model import Asset, Confidence
from tests.conftest import shared_captures
from tests.inventory.helpers import doc_of, generated

AS_OF = date(2026, 11, 21)


def _asset(capture: str, address: str) -> Asset:
    (asset,) = make_inventory([generated(capture)], as_of=AS_OF).inventory.find(address)
    return asset


def _fields(asset: Asset, *names: str) -> dict[str, str | None]:
    return {n: asset.value(n) for n in names}


def test_modbus_device_identification_as_configured() -> None:  # modbus_pymodbus.py identity()
    a = _asset("modbus-pymodbus.pcap", "127.0.1.1")
    assert _fields(a, "vendor", "order_number", "firmware", "product", "model", "name") == {
        "vendor": "Plantwarden Test Works",
        "order_number": "PW-MB-100",
        "firmware": "3.16.1",
        "product": "Loopback Modbus Server",
        "model": "PW100",
        "name": "line-2 pump skid",
    }
    assert a.best("vendor") is not None and a.best("vendor").confidence == Confidence.HIGH  # type: ignore[union-attr]
    assert a.role is not None and a.role.role == "plc"


def test_s7_identity_is_what_the_snap7_server_answers() -> None:
    server = Server.__new__(Server)
    szl_1c, szl_11 = server._get_szl_data(0x1C, 0), server._get_szl_data(0x11, 1)
    a = _asset("s7comm-snap7.pcap", "127.0.2.1")
    assert a.value("name") == szl_1c[6:30].rstrip(b"\0").decode()
    assert a.value("serial") == szl_1c[142:166].rstrip(b"\0").decode()
    assert a.value("model") == szl_1c[176:208].rstrip(b"\0").decode()
    assert a.value("order_number") == szl_11[6:26].rstrip(b"\0").decode()
    assert a.value("firmware") == "V{}.{}.{}".format(*szl_11[-3:])
    assert a.role is not None and (a.role.role, a.role.confidence) == ("plc", Confidence.HIGH)


def test_enip_identity_is_cpppos_logix_default() -> None:
    ident = Identity(name="Identity", instance_id=1)
    revision = ident.attribute["4"][0]
    a = _asset("enip-cpppo.pcap", "127.0.3.1")
    assert a.value("product") == ident.attribute["7"][0]
    assert a.value("serial") == f"0x{ident.attribute['6'][0]:08x}"
    assert a.value("firmware") == f"{revision & 0xFF}.{revision >> 8}"
    assert a.value("vendor") == "Rockwell Automation/Allen-Bradley"
    assert {s.proto for s in a.best("product").sources} == {"enip", "cip"}  # type: ignore[union-attr]


def test_bacnet_device_as_configured() -> None:  # bacnet_bacpypes3.py make_app / device object
    a = _asset("bacnet-bacpypes3.pcap", "127.0.4.1")
    assert _fields(a, "model", "firmware", "vendor", "name") == {
        "model": "AHU Controller 3000",
        "firmware": "4.2.1",
        "vendor": "Plantwarden Test Vendor",
        "name": "PW-AHU-1",
    }
    assert a.value("bacnet.device_instance") == "1001"
    assert a.role is not None and a.role.role == "building_controller"


def test_opcua_applications_as_configured() -> None:  # opcua_asyncua.py
    server = _asset("opcua-asyncua.pcap", "127.0.4.10")
    client = _asset("opcua-asyncua.pcap", "127.0.4.11")
    (app,) = server.applications
    assert (app["name"], app["application_uri"], app["product_uri"]) == (
        "Plantwarden Test Server",
        "urn:plantwarden:test:server",
        "urn:plantwarden:test:product",
    )
    assert client.applications[0]["application_uri"] == "urn:plantwarden:test:client"
    assert server.role is not None and server.role.role == "opc_server"


def _roles(prefix: str) -> dict[str, set[str]]:
    (capture,) = [p for p in shared_captures() if p.name.startswith(prefix)]
    inv = make_inventory([doc_of(capture)], as_of=AS_OF).inventory
    roles: dict[str, set[str]] = {}
    for a in inv.devices():  # by asset id (a MAC when one was bound) and by each of its IPs
        for key in (a.id, *a.ips):
            roles[key] = {r.role for r in a.roles}
    return roles


def test_modbus_masters_and_slaves() -> None:
    roles = {k: r for k, r in _roles("attack-lemay").items() if ":" in k}  # asset ids (MACs)
    plcs = {a for a, r in roles.items() if "plc" in r}
    assert len(plcs) == 6  # the six RTUs of the data set
    (master,) = [a for a, r in roles.items() if r & {"hmi", "scada_server"}]
    assert master not in plcs
    iti = _roles("modbus-iti")
    assert "plc" in iti["10.0.0.3"]
    # 10.0.0.8 (answers on 502) and 10.0.0.9 (polls 10.0.0.3) are one host: both IPs come
    # from MAC 00:50:04:93:70:67, so the asset is a server and a client at once.
    assert iti["10.0.0.8"] == iti["10.0.0.9"]
    assert "plc" in iti["10.0.0.8"] and iti["10.0.0.9"] & {"ics_client", "scada_server", "hmi"}


def test_s7_plc_and_engineering_client() -> None:
    roles = _roles("s7comm-iti")
    assert roles["192.168.1.40"] == {"plc"} and roles["192.168.1.10"] == {"engineering_workstation"}
    gym = _roles("s7comm-gymgit")
    assert "plc" in gym["134.217.61.211"] and "engineering_workstation" in gym["134.217.61.131"]


def test_dnp3_master_and_outstation() -> None:
    roles = _roles("dnp3-iti-select")
    assert roles == {
        "192.168.60.1": {"scada_server"},
        "192.168.60.130": {"rtu"},
        **{k: v for k, v in roles.items() if not k.startswith("192.168.60.")},
    }


def test_enip_adapter_and_scanner() -> None:
    roles = _roles("enip-ndpi")
    assert roles["141.81.0.10"] == {"hmi"}
    assert all(roles[f"141.81.0.{n}"] == {"plc"} for n in (23, 43, 63, 83))
    cisa = _roles("enip-cisa")
    assert "plc" in cisa["10.1.1.164"] and "ics_client" in cisa["10.1.1.167"]
