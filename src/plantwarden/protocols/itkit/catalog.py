"""Every IT decoder's SPEC, in the order their payload probes are tried.

``plantwarden.protocols.registry`` adds this list after the industrial protocols, so an
industrial probe is asked first and an IT probe only claims what it recognises. Probes
with strong signatures come first; TeamViewer's two-byte magic comes last.
"""

from __future__ import annotations

from plantwarden.protocols.base import ProtocolSpec
from plantwarden.protocols.dhcp import SPEC as DHCP_SPEC
from plantwarden.protocols.dns import SPEC as DNS_SPEC
from plantwarden.protocols.ftp import SPEC as FTP_SPEC
from plantwarden.protocols.http import SPEC as HTTP_SPEC
from plantwarden.protocols.nbns import SPEC as NBNS_SPEC
from plantwarden.protocols.ntp import SPEC as NTP_SPEC
from plantwarden.protocols.printing import JETDIRECT_SPEC, LPD_SPEC
from plantwarden.protocols.rdp import SPEC as RDP_SPEC
from plantwarden.protocols.remote_tools import ANYDESK_SPEC, TEAMVIEWER_SPEC
from plantwarden.protocols.smb import SPEC as SMB_SPEC
from plantwarden.protocols.snmp import SPEC as SNMP_SPEC
from plantwarden.protocols.ssh import SPEC as SSH_SPEC
from plantwarden.protocols.syslog import SPEC as SYSLOG_SPEC
from plantwarden.protocols.tds import SPEC as TDS_SPEC
from plantwarden.protocols.tftp import SPEC as TFTP_SPEC
from plantwarden.protocols.tls import SPEC as TLS_SPEC
from plantwarden.protocols.vnc import SPEC as VNC_SPEC

IT_SPECS: list[ProtocolSpec] = [
    DHCP_SPEC,
    TLS_SPEC,
    SSH_SPEC,
    HTTP_SPEC,
    SMB_SPEC,
    RDP_SPEC,
    VNC_SPEC,
    TDS_SPEC,
    JETDIRECT_SPEC,
    DNS_SPEC,
    NBNS_SPEC,
    SNMP_SPEC,
    NTP_SPEC,
    SYSLOG_SPEC,
    TFTP_SPEC,
    FTP_SPEC,
    LPD_SPEC,
    ANYDESK_SPEC,
    TEAMVIEWER_SPEC,
]
