"""Vendor remote access: grants (time-boxed, scoped, four-eyes approved), the sessions seen
on the wire, and each session held against the grants (docs/access.md)."""
