"""Who runs what: the plant's servers, its normal polling, and the scripted incidents.

Arguments written ``@name`` are site assets and become their IP address from site.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gen.plant import Host

SERVERS: list[tuple[str, ...]] = [
    ("plc-recv", "serve-s7"), ("plc-proc", "serve-s7"),
    ("plc-fill-a", "serve-enip"), ("plc-fill-b", "serve-enip"),
    ("plc-pack", "serve-modbus", "Schneider Electric", "Modicon M340 BMX P34 2020", "BMXP342020"),
    ("sis-01", "serve-modbus", "HIMA", "HIMatrix F35", "F35"),
    ("opcua-01", "serve-opcua"),
    ("bms-cold-1", "serve-bacnet", "600011", "bms-cold-1"),
    ("bms-cold-2", "serve-bacnet", "600012", "bms-cold-2"),
    ("rtu-sub", "serve-iec104"),
    ("lblprt-1", "serve-jetdirect"), ("lblprt-2", "serve-jetdirect"),
    ("erp-01", "serve-erp"),
    ("prt-srv-01", "serve-ipp", "@lblprt-1"),
]

POLLERS: list[tuple[str, ...]] = [
    ("hmi-recv", "poll-s7", "1", "@plc-recv"),
    ("scada-a", "poll-s7", "2", "@plc-recv", "@plc-proc"),
    ("scada-b", "poll-s7", "5", "@plc-recv", "@plc-proc"),
    ("opcua-01", "poll-s7", "2", "@plc-proc"),
    ("hmi-pack", "poll-modbus", "1", "@plc-pack"),
    ("scada-a", "poll-modbus", "2", "@plc-pack", "@sis-01"),
    ("hmi-fill", "poll-enip", "1", "@plc-fill-a", "@plc-fill-b"),
    ("scada-a", "poll-enip", "2", "@plc-fill-a", "@plc-fill-b"),
    ("hist-01", "poll-opcua", "1", "@opcua-01", "subscribe"),
    ("mes-01", "poll-opcua", "5", "@opcua-01", "read"),
    ("bms-head", "poll-bacnet", "5", "@bms-cold-1", "@bms-cold-2"),
    ("scada-a", "poll-iec104", "30", "@rtu-sub"),
    ("mes-01", "mes", "8"),
    ("qa-ws-01", "office", "20"),
]

# Hosts that resolve names (their /etc/netns/<ns>/resolv.conf points at dc-01's dnsmasq).
DNS_CLIENTS = ("mes-01", "qa-ws-01")

SCANNED = ("plc-recv", "plc-proc", "plc-fill-a", "plc-fill-b", "plc-pack", "labeller-01",
           "hmi-recv", "hmi-fill", "hmi-pack", "opcua-01")


@dataclass(frozen=True)
class Incident:
    """One scripted incident: ``role`` runs on ``src`` at ``at`` s into the incident capture."""

    id: str
    title: str
    at: float
    src: str
    dst: list[str]
    protocol: str
    detection: str
    role: str = ""
    args: tuple[str, ...] = field(default_factory=tuple)


INCIDENTS = [
    Incident("a-remote-access", "Vendor SSH session from the remote-access gateway into the engineering "
             "workstation, outside any maintenance window", 15, "rag-01", ["ews-01"], "ssh",
             "remote_access", "ssh-session", ("@ews-01",)),
    Incident("b-program-download", "S7 block download (DB 5) to the reception PLC from an office PC",
             40, "qa-ws-01", ["plc-recv"], "s7comm", "program_download", "s7-download", ("@plc-recv", "5")),
    Incident("c-new-talker-write", "Modbus writes to the packaging PLC from a laptop never seen before",
             52, "rogue-laptop", ["plc-pack"], "modbus", "new_talker_write", "modbus-write", ("@plc-pack",)),
    Incident("d-scan", "TCP connect scan of the control zone from an office PC", 62, "qa-ws-01",
             list(SCANNED), "tcp", "scan", "scan", tuple("@" + n for n in SCANNED)),
    Incident("e-label-printer-silent", "Label printer lblprt-1 stops (process killed, link down); "
             "the print server's jobs to it fail", 85, "prt-srv-01", ["lblprt-1"], "jetdirect",
             "loss_of_view"),
    Incident("f-plc-stop", "PLC STOP of the pasteuriser PLC from the engineering workstation", 100,
             "ews-01", ["plc-proc"], "s7comm", "plc_stop", "s7-stop", ("@plc-proc",)),
]


def resolve(args: tuple[str, ...], hosts: dict[str, Host]) -> list[str]:
    """``@asset`` -> the asset's IP; other arguments unchanged."""
    return [hosts[a[1:]].ip if a.startswith("@") else a for a in args]
