"""The case_readiness feature: each case's Inspection readiness tab reaches the window's manager parts (the
returned work list, the countersign queue, the team manager's oversight note) through the host."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lpt_desktop.gui.practice.case_panel import TAB_KEYS

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host


class CaseReadiness:
    def __init__(self, host: Host) -> None:
        self.host = host
        host.case_opened.connect(self._case_opened)

    def _case_opened(self, person_id: str) -> None:
        for view in self.host.case_views():
            if view.case.person_id == person_id and view.readiness.host is None:
                view.readiness.host = self.host
                index = view.sections.indexOf(view.readiness)
                view.sections.setTabToolTip(index, f"How the case stands against the inspection's criteria "
                                                   f"({TAB_KEYS}); Ctrl+PgDown and Ctrl+PgUp move between the "
                                                   "parts of the case")


def install(host: Host) -> CaseReadiness:
    """Hand each case's Inspection readiness tab the host as the case opens; host.feature("case_readiness")."""
    return CaseReadiness(host)
