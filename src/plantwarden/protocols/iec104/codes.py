"""Names of IEC 60870-5-104 codes.

Type identifications: IEC 60870-5-101 §7.2.1 and IEC 60870-5-104 §8 (Table 1 of -104
lists the types allowed over TCP), file transfer types IEC 60870-5-101 §7.3.6, secure
authentication types IEC 60870-5-7. Causes of transmission: IEC 60870-5-101 §7.2.3.
Unknown codes keep their number (``unknown-65``).
"""

from __future__ import annotations

from plantwarden.protocols.base import OpClass

TYPE_NAMES: dict[int, str] = {
    1: "M_SP_NA_1", 2: "M_SP_TA_1", 3: "M_DP_NA_1", 4: "M_DP_TA_1", 5: "M_ST_NA_1",
    6: "M_ST_TA_1", 7: "M_BO_NA_1", 8: "M_BO_TA_1", 9: "M_ME_NA_1", 10: "M_ME_TA_1",
    11: "M_ME_NB_1", 12: "M_ME_TB_1", 13: "M_ME_NC_1", 14: "M_ME_TC_1", 15: "M_IT_NA_1",
    16: "M_IT_TA_1", 17: "M_EP_TA_1", 18: "M_EP_TB_1", 19: "M_EP_TC_1", 20: "M_PS_NA_1",
    21: "M_ME_ND_1", 30: "M_SP_TB_1", 31: "M_DP_TB_1", 32: "M_ST_TB_1", 33: "M_BO_TB_1",
    34: "M_ME_TD_1", 35: "M_ME_TE_1", 36: "M_ME_TF_1", 37: "M_IT_TB_1", 38: "M_EP_TD_1",
    39: "M_EP_TE_1", 40: "M_EP_TF_1", 41: "S_IT_TC_1",
    45: "C_SC_NA_1", 46: "C_DC_NA_1", 47: "C_RC_NA_1", 48: "C_SE_NA_1", 49: "C_SE_NB_1",
    50: "C_SE_NC_1", 51: "C_BO_NA_1", 58: "C_SC_TA_1", 59: "C_DC_TA_1", 60: "C_RC_TA_1",
    61: "C_SE_TA_1", 62: "C_SE_TB_1", 63: "C_SE_TC_1", 64: "C_BO_TA_1",
    70: "M_EI_NA_1",
    81: "S_CH_NA_1", 82: "S_RP_NA_1", 83: "S_AR_NA_1", 84: "S_KR_NA_1", 85: "S_KS_NA_1",
    86: "S_KC_NA_1", 87: "S_ER_NA_1", 90: "S_US_NA_1", 91: "S_UQ_NA_1", 92: "S_UR_NA_1",
    93: "S_UK_NA_1", 94: "S_UA_NA_1", 95: "S_UC_NA_1",
    100: "C_IC_NA_1", 101: "C_CI_NA_1", 102: "C_RD_NA_1", 103: "C_CS_NA_1", 104: "C_TS_NA_1",
    105: "C_RP_NA_1", 106: "C_CD_NA_1", 107: "C_TS_TA_1",
    110: "P_ME_NA_1", 111: "P_ME_NB_1", 112: "P_ME_NC_1", 113: "P_AC_NA_1",
    120: "F_FR_NA_1", 121: "F_SR_NA_1", 122: "F_SC_NA_1", 123: "F_LS_NA_1", 124: "F_AF_NA_1",
    125: "F_SG_NA_1", 126: "F_DR_TA_1", 127: "F_SC_NB_1",
}

CAUSE_NAMES: dict[int, str] = {
    1: "periodic", 2: "background", 3: "spontaneous", 4: "initialized", 5: "requested",
    6: "activation", 7: "activation_con", 8: "deactivation", 9: "deactivation_con",
    10: "activation_term", 11: "return_remote", 12: "return_local", 13: "file_transfer",
    20: "interrogated_station", 37: "requested_counter_general",
    44: "unknown_type", 45: "unknown_cause", 46: "unknown_common_address", 47: "unknown_ioa",
}
CAUSE_NAMES.update({20 + g: f"interrogated_group{g}" for g in range(1, 17)})
CAUSE_NAMES.update({37 + g: f"requested_counter_group{g}" for g in range(1, 5)})

# U-format functions as tshark numbers them: control octet 1 shifted right by two bits
# (IEC 60870-5-104 §5.3: STARTDT, STOPDT, TESTFR, each act/con).
U_NAMES: dict[int, str] = {
    0x01: "STARTDT act", 0x02: "STARTDT con", 0x04: "STOPDT act",
    0x08: "STOPDT con", 0x10: "TESTFR act", 0x20: "TESTFR con",
}

COT_ACT = 6
COT_ACTCON = 7
COT_DEACT = 8
COT_DEACTCON = 9
COT_ACTTERM = 10

_COMMANDS = frozenset({45, 46, 47, 48, 49, 50, 51, 58, 59, 60, 61, 62, 63, 64})
_PARAMETERS = frozenset({110, 111, 112, 113})
_READS = frozenset({100, 101, 102})
_TIME = frozenset({103, 106})
_TESTS = frozenset({104, 107, 70})


def type_name(type_id: int) -> str:
    """The standard's mnemonic of a type identification, ``unknown-<n>`` otherwise."""
    return TYPE_NAMES.get(type_id) or f"unknown-{type_id}"


def cause_name(cause: int) -> str:
    return CAUSE_NAMES.get(cause) or f"unknown-{cause}"


def type_op_class(type_id: int) -> OpClass:
    """The operation class of an ASDU type (monitoring data is io_data, commands write)."""
    if type_id < 45:
        return OpClass.IO_DATA
    if type_id in _COMMANDS or type_id in _PARAMETERS:
        return OpClass.WRITE
    if type_id in _READS:
        return OpClass.READ
    if type_id in _TIME:
        return OpClass.TIME_SYNC
    if type_id == 105:
        return OpClass.RESTART
    if type_id in _TESTS:
        return OpClass.DIAGNOSTICS
    if 120 <= type_id <= 127:
        return OpClass.FILE_TRANSFER
    if 81 <= type_id <= 95:
        return OpClass.SESSION
    return OpClass.OTHER


def is_command(type_id: int) -> bool:
    """Process commands and parameters (values written to the outstation)."""
    return type_id in _COMMANDS or type_id in _PARAMETERS
