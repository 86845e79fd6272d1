"""A case's Assessments tab: a section per assessment. The tier is here now; RoSH screening and the needs
assessment take their own sections when they arrive, without changing the case view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from lpt_desktop.gui.assessments.tier_page import TierPage
from lpt_desktop.gui.table_model import empty_state

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops


class AssessmentsPage(QWidget):
    def __init__(self, person_id: str, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sections = QTabWidget()
        self.sections.setAccessibleName("Assessments")
        self.sections.setDocumentMode(True)
        self.tier = TierPage(person_id, ops)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(self.tier)
        self.sections.addTab(area, "Tier")
        later = empty_state("<b>RoSH screening</b><br><br>RoSH screening and the needs assessment arrive in a later "
                            "release; the RoSH level the tier uses is the one in the case header.")
        later.setAccessibleName("RoSH screening: not available yet")
        self.sections.addTab(later, "RoSH")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sections)
        if ops is not None:
            self.tier.refresh()
        else:
            self.tier.in_force.show_tier("—", "Unlock the caseload to see the tier", "Tier: caseload locked")
