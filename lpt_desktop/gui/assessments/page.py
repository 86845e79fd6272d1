"""A case's Assessments tab: a section per assessment. The tier and the RoSH assessments are here now; the needs
assessment takes its own section when it arrives, without changing the case view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from lpt_desktop.gui.assessments.needs_page import NeedsPage
from lpt_desktop.gui.assessments.rosh_page import RoshPage
from lpt_desktop.gui.assessments.tier_page import TierPage

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
        self.rosh = RoshPage(person_id, ops)
        rosh_area = QScrollArea()
        rosh_area.setWidgetResizable(True)
        rosh_area.setWidget(self.rosh)
        self.sections.addTab(rosh_area, "RoSH")
        self.needs = NeedsPage(person_id, ops)
        needs_area = QScrollArea()
        needs_area.setWidgetResizable(True)
        needs_area.setWidget(self.needs)
        self.sections.addTab(needs_area, "Needs")
        self.needs.go_to_tier.connect(lambda: self.sections.setCurrentIndex(0))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sections)
        if ops is not None:
            self.tier.refresh()
            self.rosh.refresh()
            self.needs.refresh()
        else:
            self.tier.in_force.show_value("—", "Unlock the caseload to see the tier", "Tier: caseload locked")
