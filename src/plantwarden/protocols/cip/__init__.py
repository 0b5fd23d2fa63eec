"""CIP (ODVA CIP Vol 1) explicit messages, carried by EtherNet/IP (``protocols.enip``)."""
