"""Small dialogs of the editable case record: an address, an end date, another name, a disability, a personal
contact, a change of circumstances.

Each stays open on bad input, shows the service's messages against the fields they name (FormErrors: a field's
accessible name is the name the service gives it) and closes only once the write committed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.gui import standards_common
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.services import case_record as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops


def _line(name: str, text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(name)
    return edit


def _notes(name: str, text: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)  # Tab moves on to OK, as in every other field
    edit.setFixedHeight(64)
    return edit


def _combo(name: str, choices: Mapping[str, str], current: str | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for code, label in choices.items():
        combo.addItem(label, code)
    if current is not None and (i := combo.findData(current)) >= 0:
        combo.setCurrentIndex(i)
    return combo


class _Dialog(RecordDialog):
    """The case record's base dialog (record_dialog.py) with rows labelled for Alt+letter, and every date field
    checked before the write is asked for."""

    def __init__(self, ops: Ops, title: str, parent: QWidget | None = None, intro: str = "") -> None:
        super().__init__(ops, title, parent, intro=intro)
        self.setMinimumWidth(440)
        self._fields: list[QWidget] = []
        self._ordered = False
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # saves from a notes field too, as in the contact form
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.submit)

    def add_row(self, label: str, field: QWidget) -> None:
        self.form.addRow(label, field)  # the label is the field's buddy: its Alt+letter reaches it
        self._fields.append(field)

    def showEvent(self, event: QShowEvent) -> None:
        if self._fields and not self._ordered:
            self._ordered = True
            # The buttons were made before the fields, so they came first on the Tab path and took the focus:
            # typing a space into the form pressed Save. Fields first, in their order, then the buttons.
            for a, b in zip(self._fields, [*self._fields[1:], self.buttons], strict=True):
                QWidget.setTabOrder(a, b)
            self._fields[0].setFocus()
        super().showEvent(event)

    def dates(self) -> list[DateEntry]:
        return self.findChildren(DateEntry)

    def write(self, fn: Callable[..., Any], *args: Any) -> None:
        """fn(db, *args) on the writer thread, once every date field holds a date."""
        problems = [e for d in self.dates() if (e := d.error())]
        if problems:
            for d in self.dates():
                d.validate()
            self.form_errors.show(problems)
            return
        self.run(lambda db: fn(db, *args), self.windowTitle().lower())


# -- addresses --------------------------------------------------------------------------------------
ADDRESS_KINDS = {
    "main": ("New main address", "The current main address becomes a previous address, ending the day before."),
    "approved_premises": ("Approved premises", "The current main address becomes a previous address, ending the "
                                               "day before."),
    "secondary": ("Secondary address", "Another address the person stays at; the main address is unchanged."),
}


class AddressDialog(_Dialog):
    """A new main address, approved premises or a secondary address, with the day it starts."""

    def __init__(self, ops: Ops, person_id: str, kind: str, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        title, intro = ADDRESS_KINDS[kind]
        super().__init__(ops, title, parent, intro)
        self.person_id = person_id
        self.kind = kind
        self.line1 = _line("Address")
        self.line2 = _line("Second line")
        self.town = _line("Town")
        self.postcode = _line("Postcode")
        self.postcode.setMaximumWidth(120)
        self.notes = _notes("Notes")
        self.from_date = DateEntry("From")
        self.from_date.setValue(today or standards_common.today())
        self.add_row("P&remises and street:" if kind == "approved_premises" else "&House and street:", self.line1)
        self.add_row("Second &line:", self.line2)
        self.add_row("&Town:", self.town)
        self.add_row("&Postcode:", self.postcode)
        self.add_row("&From:", self.from_date)
        self.add_row("&Notes:", self.notes)

    def address(self) -> svc.AddressIn:
        return svc.AddressIn(line1=self.line1.text(), line2=self.line2.text(), town=self.town.text(),
                             postcode=self.postcode.text(), notes=self.notes.toPlainText())

    def submit(self) -> None:
        fn = {"main": svc.new_main_address, "approved_premises": svc.approved_premises,
              "secondary": svc.add_secondary_address}[self.kind]
        self.write(fn, self.person_id, self.address(), self.from_date.value())


class NoFixedAbodeDialog(_Dialog):
    def __init__(self, ops: Ops, person_id: str, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(ops, "No fixed abode", parent, "From this day the person has no fixed abode; the current "
                                                        "main address becomes a previous address.")
        self.person_id = person_id
        self.from_date = DateEntry("From")
        self.from_date.setValue(today or standards_common.today())
        self.notes = _notes("Notes")
        self.notes.setPlaceholderText("Where they are sleeping, how to reach them")
        self.add_row("&From:", self.from_date)
        self.add_row("&Notes:", self.notes)

    def submit(self) -> None:
        self.write(svc.no_fixed_abode, self.person_id, self.from_date.value(), self.notes.toPlainText())


class EndDateDialog(_Dialog):
    """One date ending something (an address, a disability): the service named by fn takes (id, date)."""

    def __init__(self, ops: Ops, title: str, intro: str, field: str, fn: Callable[..., Any], row_id: str,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(ops, title, parent, intro)
        self.fn = fn
        self.row_id = row_id
        self.when = DateEntry(field)
        self.when.setValue(today or standards_common.today())
        self.add_row(f"&{field}:", self.when)

    def submit(self) -> None:
        self.write(self.fn, self.row_id, self.when.value())


# -- other names, disabilities, personal contacts ---------------------------------------------------
class AliasDialog(_Dialog):
    def __init__(self, ops: Ops, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Add another name", parent)
        self.person_id = person_id
        self.kind = _combo("Kind of name", case_codes().alias_kinds)
        self.first = _line("Other name: first name")
        self.last = _line("Other name: last name")
        self.notes = _line("Notes")
        self.add_row("&Kind of name:", self.kind)
        self.add_row("&First name:", self.first)
        self.add_row("&Last name:", self.last)
        self.add_row("&Notes:", self.notes)

    def submit(self) -> None:
        self.write(svc.add_alias, self.person_id, self.first.text(), self.last.text(), self.kind.currentData(),
                 self.notes.text())


class DisabilityDialog(_Dialog):
    def __init__(self, ops: Ops, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Add a disability", parent, "The disability and the adjustment made for it (a "
                                                          "reading aid, a ground-floor room, longer appointments).")
        self.person_id = person_id
        self.description = _line("Disability")
        self.adjustment = _notes("Adjustment")
        self.from_date = DateEntry("From", optional=True)
        self.add_row("&Disability:", self.description)
        self.add_row("&Adjustment made:", self.adjustment)
        self.add_row("&From (if known):", self.from_date)

    def submit(self) -> None:
        self.write(svc.add_disability, self.person_id, self.description.text(), self.adjustment.toPlainText(),
                 self.from_date.value())


class PersonalContactDialog(_Dialog):
    """Next of kin, family, GP, solicitor or another agency's worker; editing one when `existing` is given."""

    def __init__(self, ops: Ops, person_id: str, existing: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Change personal contact" if existing is not None else "Add a personal contact",
                         parent)
        self.person_id = person_id
        self.existing = existing

        def value(name: str) -> str:
            return (getattr(existing, name, None) or "") if existing is not None else ""

        self.relationship = _combo("Relationship", case_codes().relationships,
                                   value("relationship") or None)
        self.name = _line("Name", value("name"))
        self.organisation = _line("Organisation", value("organisation"))
        self.organisation.setPlaceholderText("The surgery, firm or agency (if any)")
        self.phone = _line("Phone", value("phone"))
        self.email = _line("Email", value("email"))
        self.address = _line("Address", value("address"))
        self.notes = _notes("Notes", value("notes"))
        self.add_row("&Relationship:", self.relationship)
        self.add_row("&Name:", self.name)
        self.add_row("&Organisation:", self.organisation)
        self.add_row("&Phone:", self.phone)
        self.add_row("&Email:", self.email)
        self.add_row("A&ddress:", self.address)
        self.add_row("No&tes:", self.notes)

    def contact(self) -> svc.PersonalContactIn:
        return svc.PersonalContactIn(relationship=self.relationship.currentData(), name=self.name.text(),
                                     organisation=self.organisation.text(), phone=self.phone.text(),
                                     email=self.email.text(), address=self.address.text(),
                                     notes=self.notes.toPlainText())

    def submit(self) -> None:
        if self.existing is not None:
            self.write(svc.update_personal_contact, self.existing.id, self.contact())
        else:
            self.write(svc.add_personal_contact, self.person_id, self.contact())


# -- circumstances ----------------------------------------------------------------------------------
class CircumstanceDialog(_Dialog):
    """A change of circumstances: its kind, the new value from the codes, the day it applies from, details."""

    def __init__(self, ops: Ops, person_id: str, kind: str | None = None, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(ops, "Record a change of circumstances", parent,
                         "The current one of the same kind ends the day before the new one starts.")
        self.person_id = person_id
        codes = case_codes().circumstances
        self.kind = _combo("Circumstance", {c.code: c.label for c in codes.values()}, kind)
        self.value = QComboBox()
        self.from_date = DateEntry("From")
        self.from_date.setValue(today or standards_common.today())
        self.details = _notes("Details")
        self.add_row("&Circumstance:", self.kind)
        self.add_row("&Now:", self.value)
        self.add_row("&From:", self.from_date)
        self.add_row("&Details:", self.details)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        ctype = case_codes().circumstances[self.kind.currentData()]
        self.value.clear()
        for code, label in ctype.values.items():
            self.value.addItem(label, code)
        self.value.setAccessibleName(ctype.label)  # the service names the value by its kind's label

    def submit(self) -> None:
        self.write(svc.record_circumstance, self.person_id, self.kind.currentData(), self.value.currentData(),
                 self.from_date.value(), self.details.toPlainText())
