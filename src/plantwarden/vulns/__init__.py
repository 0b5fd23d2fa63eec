"""Vulnerabilities: offline advisory bundles (CSAF 2.0, KEV), matching assets to advisories'
product trees with confidence and evidence, the (asset, CVE) status, and risk priced in
production (docs/vulns.md)."""
