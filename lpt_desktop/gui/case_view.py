"""One case in a tab: personal details, diversity, sentence and requirements, registers."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment.countersign import STATUS_LABELS, shown_level
from lpt_desktop.gui.assessments.page import AssessmentsPage
from lpt_desktop.gui.case_record.personal_page import PersonalPage
from lpt_desktop.gui.case_record.registers_panel import RegistersPanel
from lpt_desktop.gui.case_record.sentence_panel import SentencePanel
from lpt_desktop.gui.case_record.timeline_view import TimelineView
from lpt_desktop.gui.caseload_model import FLAG_NAMES, ROSH_COLOURS
from lpt_desktop.gui.contact_log import ContactLogView
from lpt_desktop.gui.obligations_view import ObligationsView
from lpt_desktop.gui.plans.plan_page import PlansPage
from lpt_desktop.gui.practice.case_panel import TAB_TITLE, ReadinessPanel
from lpt_desktop.gui.shortcuts import local_shortcut
from lpt_desktop.gui.table_model import empty_state
from lpt_desktop.services import sentence_plan
from lpt_desktop.services.cases import case_record
from lpt_desktop.services.changes import Change
from lpt_desktop.services.rosh_plan import open_actions

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.cases import CaseRecord
    from lpt_desktop.services.countersign import ReturnItem
    from lpt_desktop.store.database import Database


def read_signing(db: Database, person_id: str) -> tuple[str | None, list[ReturnItem]]:
    """On a reader: the status of the case's RoSH level when it awaits countersignature (else None), and the
    work returned to the officer on this case (issue 19)."""
    from lpt_desktop.services import countersign

    label = countersign.awaiting_by_person(db).get(person_id)
    status = next((code for code, words in STATUS_LABELS.items() if words == label), None) if label else None
    return status, countersign.returns_for_officer(db, person_id)


def _placeholder(what: str, later: str) -> QWidget:
    w = QWidget()
    layout = QVBoxLayout(w)
    label = empty_state(f"<b>{what}</b><br><br>{later}")
    label.setAccessibleName(f"{what}: not available yet")
    layout.addWidget(label)
    return w


class CaseView(QWidget):
    returns_requested = Signal()  # the header's "Returned: …" was clicked (gui/manager opens the list)

    def __init__(self, case: CaseRecord, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.signing: str | None = None  # the RoSH level's countersignature status while it awaits one
        self.setAccessibleName(f"Case record {case.crn}")
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        self.sections = QTabWidget()
        self.sections.setAccessibleName("Case sections")
        self.personal = PersonalPage(case, ops)  # editable in place (gui/case_record)
        self.personal_area = self._scroll(self.personal)
        self.sections.addTab(self.personal_area, "Personal details")
        self.sentence = SentencePanel(case, ops)
        self.sections.addTab(self._scroll(self.sentence), "Sentence")
        self.registers = RegistersPanel(case, ops)
        self.sections.addTab(self._scroll(self.registers), "Re&gisters")
        order_type = case.sentences[0].order_type if case.sentences else ""
        self.contacts: ContactLogView | None = None
        if ops is not None:
            self.contacts = ContactLogView(case.person_id, order_type, ops, crn=case.crn)
            self.sections.addTab(self.contacts, "Cont&acts")
            self.contacts.refresh()
        else:
            self.sections.addTab(_placeholder("Contacts", "Unlock the caseload to see contacts."), "Cont&acts")
        # What the National Standards policy in force asks of this case, from the one engine every screen reads.
        self.obligations: ObligationsView | None = None
        if ops is not None:
            self.obligations = ObligationsView(case.person_id, ops)
            self.sections.addTab(self.obligations, "O&bligations")
            self.obligations.refresh()
        # Every change to the record, newest first (refreshes itself on a change to the case or its registers).
        self.timeline: TimelineView | None = None
        if ops is not None:
            self.timeline = TimelineView(case.person_id, ops)
            self.sections.addTab(self.timeline, "Timeline")  # no letter left: the contact form uses them all
            self.timeline.refresh()
        # The tier (suggested, in force, its working and scores) now; RoSH screening joins it later.
        self.assessments = AssessmentsPage(case.person_id, ops)
        self.sections.addTab(self.assessments, "Assessments")  # no letter left: Ctrl+PgDown reaches it
        # The risk management plan now (its actions, evidence, sharing, the PDF); the sentence plan joins it later.
        self.plans = PlansPage(case.person_id, ops)
        self.sections.addTab(self.plans, "Plans")  # no letter left: Ctrl+PgDown reaches it
        self.plans.refresh()
        # The case against the inspection's criteria, unmet checks first, each going to its fix (issue 21).
        self.readiness = ReadinessPanel(case.person_id, ops, self)
        self.sections.addTab(self.readiness, TAB_TITLE)
        layout.addWidget(self.sections)
        # Every part of the case by keyboard: five of its tabs have no Alt letter left (the contact form and
        # the menus use them), so Ctrl+PgDown / Ctrl+PgUp step through them as in a browser.
        local_shortcut("Ctrl+PgDown", self, functools.partial(self.step_section, 1))
        local_shortcut("Ctrl+PgUp", self, functools.partial(self.step_section, -1))
        for i in range(self.sections.count()):
            self.sections.setTabToolTip(i, "Ctrl+PgDown and Ctrl+PgUp move between the parts of the case")
        self.ops = ops
        if ops is not None:
            # An edit anywhere (this tab's forms, a sync) shows here at once.
            ops.changed.connect(self._changed)
            self._offer_open_actions()
            self.read_signing()

    def _offer_open_actions(self) -> None:
        """The plan's open actions, for the contact form's "This contact delivered…" list."""
        if self.ops is not None and self.contacts is not None:
            entry = self.contacts.entry
            self.ops.query(open_actions, self.case.person_id, on_ok=entry.offer_actions, owner=self,
                           label="read the plan's open actions")
            self.ops.query(sentence_plan.open_items, self.case.person_id, on_ok=entry.offer_plan_items, owner=self,
                           label="read the sentence plan's open goals and steps")

    def step_section(self, step: int) -> None:
        self.sections.setCurrentIndex((self.sections.currentIndex() + step) % self.sections.count())

    def _changed(self, changes: Change) -> None:
        if changes & (Change.ASSESSMENT | Change.CONTACT):
            self._offer_open_actions()
        if changes & (Change.ASSESSMENT | Change.CASE):
            self.read_signing()
        if changes & (Change.CASE | Change.REGISTER) and self.ops is not None:
            self.ops.query(case_record, self.case.person_id, on_ok=self.show_case, owner=self,
                           label="read the case again")

    def show_case(self, case: CaseRecord) -> None:
        """The case as read again after a change: the header's flags and the editable pages follow."""
        self.case = case
        self._show_header(case)
        self.registers.set_case(case)
        self.sentence.set_case(case)
        self.personal.set_case(case)

    def show_personal(self) -> None:
        self.sections.setCurrentWidget(self.personal_area)

    def show_assessments(self) -> AssessmentsPage:
        self.sections.setCurrentWidget(self.assessments)
        return self.assessments

    def show_plans(self) -> PlansPage:
        self.sections.setCurrentWidget(self.plans)
        return self.plans

    def show_readiness(self) -> ReadinessPanel:
        self.sections.setCurrentWidget(self.readiness)
        return self.readiness

    def show_contacts(self) -> ContactLogView | None:
        if self.contacts is not None:
            self.sections.setCurrentWidget(self.contacts)
        return self.contacts

    # -- countersignature (issue 19) -----------------------------------------------------------------
    def read_signing(self) -> None:
        if self.ops is not None:
            self.ops.query(read_signing, self.case.person_id, on_ok=self.show_signing, owner=self,
                           label="read the case's countersignature")

    def show_signing(self, result: tuple[str | None, list[ReturnItem]]) -> None:
        """The RoSH level says "(awaiting countersignature)" while it does; returned work shows its comment."""
        self.signing, returns = result
        self._show_header(self.case)
        if returns:
            latest = returns[0]
            more = f" (and {len(returns) - 1} more)" if len(returns) > 1 else ""
            comment = latest.comment if len(latest.comment) <= 70 else latest.comment[:67].rstrip() + "…"
            self.returned_button.setText(f"Returned: {comment}{more}".replace("&", "&&"))  # no mnemonic
            self.returned_button.setToolTip(f"{latest.kind_label} returned by {latest.returned_by or 'your manager'}"
                                            f": {latest.comment}\nClick to open your returned work")
            self.returned_button.setAccessibleName(f"Returned work: {latest.comment}")
        self.returned_button.setVisible(bool(returns))

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setObjectName("caseHeader")
        row.addWidget(self.title_label)
        row.addStretch(1)
        self.returned_button = QPushButton()
        self.returned_button.setFlat(True)
        self.returned_button.setStyleSheet("QPushButton { background: #fff4ce; color: #5c4400; border: 1px solid "
                                           "#e8c660; border-radius: 4px; padding: 3px 8px; font-weight: 600; "
                                           "text-align: left; }")
        self.returned_button.clicked.connect(self.returns_requested.emit)
        self.returned_button.hide()
        row.addWidget(self.returned_button)
        self.rosh_badge = QLabel()
        row.addWidget(self.rosh_badge)
        self.tier_label = QLabel()
        self.tier_label.setStyleSheet("background: #e9eef4; border-radius: 4px; padding: 3px 8px; font-weight: 600;")
        row.addWidget(self.tier_label)
        self.flag_row = QHBoxLayout()
        row.addLayout(self.flag_row)
        self._show_header(self.case)
        return row

    def _show_header(self, c: CaseRecord) -> None:
        """Everything the header shows, from the case as read now: the name (edited on Personal details), the
        RoSH level (completing an assessment), the tier (accepting or overriding) and the flags (registers)."""
        self.title_label.setText(f"{c.name}  ·  {c.crn}")
        level = shown_level(c.rosh_label, self.signing or "") if c.rosh else c.rosh_label
        self.rosh_badge.setText(f"RoSH: {level}")
        self.rosh_badge.setAccessibleName(f"Risk of serious harm {level}")
        colour = ROSH_COLOURS.get(c.rosh, "#4a5563")
        self.rosh_badge.setStyleSheet(f"color: white; background: {colour}; border-radius: 4px; padding: 3px 8px;"
                                      "font-weight: 600;")
        self.tier_label.setText(f"Tier {c.tier or 'not set'}")
        self._show_flags(c.flags)

    def _show_flags(self, flags: Iterable[str]) -> None:
        while self.flag_row.count():
            item = self.flag_row.takeAt(0)
            if item is not None and (old := item.widget()) is not None:
                old.deleteLater()
        for flag in flags:
            chip = QLabel(FLAG_NAMES.get(flag, flag))
            chip.setAccessibleName(f"Flag: {FLAG_NAMES.get(flag, flag)}")
            chip.setStyleSheet("background: #fde7e9; color: #7a1020; border: 1px solid #f2b8bf; "
                               "border-radius: 4px; padding: 3px 8px; font-weight: 600;")
            self.flag_row.addWidget(chip)

    @staticmethod
    def _scroll(inner: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(inner)
        return area
