"""Compliance with evidence: IEC 62443-3-3, NIST CSF 2.0 and the CISA CPGs judged from what
plantwarden has observed and recorded, OSCAL assessment results out, and the MSP OT-capability
assessment (docs/compliance.md)."""
