"""Vendor remote access in the detection pass: sessions held against the access grants.

On only with a site model that declares grants, or grants stored for the site
(``Shared.access_grants``, set by :func:`plantwarden.detect.service.prepare`); the sessions
are built as the capture goes (:mod:`plantwarden.access.sessions`) and checked at the end
(:mod:`plantwarden.access.check`), each finding carrying the grant it broke.
"""

from __future__ import annotations

from plantwarden.access.check import Verdict, check_sessions, keeper, marks
from plantwarden.access.findings import RULES
from plantwarden.access.grants import Grant, declared
from plantwarden.access.sessions import Tracker
from plantwarden.detect.rules.base import Rule, Shared
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Identity, Operation


class AccessRules(Rule):
    infos = RULES

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.tracker: Tracker | None = None
        self.grants: list[Grant] = []
        self.ready = False
        self.verdicts: list[Verdict] = []  # after finish: what the store keeps (access report)

    def _tracker(self) -> Tracker | None:
        if not self.ready:  # the stored grants are set after the rules are made
            self.ready = True
            self.grants = declared(self.shared.site.site) + list(self.shared.access_grants)
            model = self.shared.site.site
            if model is not None and self.grants:
                self.tracker = Tracker(marks(self.grants), keeper(model))
        t = self.tracker
        if t is not None and t.capture != self.shared.capture:
            t.begin_capture(self.shared.capture)
        return t

    def on_packet(self, pkt: Packet) -> None:
        t = self._tracker()
        if t is not None:
            t.packet(pkt)

    def on_operation(self, op: Operation) -> None:
        t = self._tracker()
        if t is not None:
            t.operation(op)

    def on_identity(self, identity: Identity) -> None:
        t = self._tracker()
        if t is not None:
            t.identity(identity)

    def finish(self) -> None:
        model = self.shared.site.site
        if self.tracker is None or model is None:
            return
        self.verdicts = check_sessions(model, self.grants, self.tracker.finish())
        for verdict in self.verdicts:
            for finding in sorted(verdict.findings, key=lambda f: (f.ts, f.frame)):
                self.shared.report(finding)
