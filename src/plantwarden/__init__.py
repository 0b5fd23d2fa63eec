"""plantwarden: keep a factory's IT/OT chain safe and running.

Passive visibility, detection and production-continuity analysis. plantwarden never
sends a packet into the monitored network: it reads captures.
"""

__version__ = "0.1.0"
