"""The case tab's Personal details page: the details (editable in place), addresses, other names,
disabilities, personal contacts and circumstances. CaseView hands it the case each time it is read again
(`set_case`); the page reads the rest of the record (services.case_record.case_details) itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from lpt_desktop.gui.case_record.addresses_panel import AddressesPanel
from lpt_desktop.gui.case_record.circumstances_panel import CircumstancesPanel
from lpt_desktop.gui.case_record.personal_panel import PersonalPanel
from lpt_desktop.services.case_record import CaseDetails, case_details

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.cases import CaseRecord


def no_details(person_id: str) -> CaseDetails:
    """What the page shows until the record's details are read (or with no caseload open)."""
    return CaseDetails(person_id=person_id, phone="", mobile="", email="", aliases=(), disabilities=(),
                       personal_contacts=(), addresses=(), circumstances=(), sentence_events=())


class PersonalPage(QWidget):
    def __init__(self, case: CaseRecord, ops: Ops | None) -> None:
        super().__init__()
        self.ops = ops
        self.person_id = case.person_id
        self.personal = PersonalPanel(ops, case.person_id)
        self.details_panel = self.personal.details_panel
        self.addresses = AddressesPanel(ops, case.person_id)
        self.circumstances = CircumstancesPanel(ops, case.person_id)
        # The addresses sit under the details they belong with, before the lists.
        inner = self.personal.layout()
        assert isinstance(inner, QVBoxLayout)
        inner.insertWidget(1, self.addresses)
        layout = QVBoxLayout(self)
        layout.addWidget(self.personal)
        layout.addWidget(self.circumstances)
        layout.addStretch(1)
        self._asked = 0
        self.loaded = False  # the record's details have been read at least once
        self.details: CaseDetails = no_details(case.person_id)
        self.set_case(case)

    def set_case(self, case: CaseRecord) -> None:
        """Show the case read again, and read its details; only the latest read is shown (reads may overtake)."""
        self.case = case
        self._show()
        if self.ops is None:
            return
        self._asked += 1
        asked = self._asked

        def loaded(details: CaseDetails) -> None:
            if asked == self._asked:
                self.details = details
                self.loaded = True
                self._show()

        self.ops.query(case_details, case.person_id, on_ok=loaded, owner=self, label="read the case record")

    def _show(self) -> None:
        self.personal.show_record(self.case, self.details)
        self.addresses.show_record(self.details)
        self.circumstances.show_record(self.details)
