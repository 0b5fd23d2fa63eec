"""Industrial and IT protocol decoders: one protocol, one small folder.

Each folder holds ``wire.py`` (byte layouts, pure, citing the standard), ``codes.py``
(names for codes; unknown codes keep their number), ``session.py`` (framing, request and
response pairing, records) and exposes ``SPEC`` (a :class:`~plantwarden.protocols.base.ProtocolSpec`).
The registry in :mod:`plantwarden.protocols.registry` lists them.
"""
