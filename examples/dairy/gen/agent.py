"""Entry point of every process that runs inside a host's namespace.

    python -m gen.agent ROLE HOST_IP [ARGS...]      (cwd: examples/dairy)

SIGTERM ends a role cleanly (connections are closed, so the capture shows their FIN).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType

from gen import attacks, pollers, servers

ROLES: dict[str, Callable[..., None]] = {
    "serve-modbus": servers.modbus, "serve-s7": servers.s7, "serve-enip": servers.enip,
    "serve-opcua": servers.opcua, "serve-bacnet": servers.bacnet, "serve-iec104": servers.iec104,
    "serve-jetdirect": servers.jetdirect, "serve-erp": servers.http_erp, "serve-ipp": servers.ipp,
    "poll-s7": pollers.s7, "poll-modbus": pollers.modbus, "poll-enip": pollers.enip,
    "poll-opcua": pollers.opcua, "poll-bacnet": pollers.bacnet, "poll-iec104": pollers.iec104,
    "mes": pollers.mes, "office": pollers.office,
    "s7-download": attacks.s7_download, "s7-stop": attacks.s7_stop, "modbus-write": attacks.modbus_write,
    "scan": attacks.scan, "ssh-session": attacks.ssh_session,
}


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[0] not in ROLES:
        raise SystemExit(f"usage: python -m gen.agent {{{','.join(ROLES)}}} HOST_IP [ARGS...]")
    signal.signal(signal.SIGTERM, _terminate)
    ROLES[argv[0]](*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
