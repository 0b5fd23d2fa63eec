"""The remediation plan: patches and replacements scheduled into maintenance windows (docs/plan.md)."""
