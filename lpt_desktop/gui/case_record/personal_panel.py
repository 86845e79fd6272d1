"""Personal details, editable in place: the forms turn into fields (Edit details, F2), Save (Ctrl+S or
Ctrl+Return, as in the contact form) writes the changed ones through cases.update_person, Cancel or Escape
goes back. What is typed is autosaved as a draft every few seconds and on lock (services.contacts form drafts, as
the contact form's), offered back on unlock. Below them: other names, disabilities with their adjustments, and
personal contacts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import age_on, format_date
from lpt_desktop.domain.reference import genders
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.domain.words import plural
from lpt_desktop.gui import standards_common
from lpt_desktop.gui.case_record import dialogs
from lpt_desktop.gui.case_record.record_dialog import ask_to_discard
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.form_errors import FormErrors
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, record_table, select_record
from lpt_desktop.services import case_record as svc
from lpt_desktop.services import cases
from lpt_desktop.services import contacts as drafts_svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.case_record import CaseDetails
    from lpt_desktop.services.cases import CaseRecord
    from lpt_desktop.services.contacts import FormDraft

AUTOSAVE_MS = 3000  # as the contact form
EDIT_KEYS = "F2"
SAVE_KEYS = ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter")  # the contact form's keys
TEXT_FIELDS = ("first_name", "last_name", "preferred_name", "pnc", "gender", "ethnicity", "religion",
               "first_language", "caring_responsibilities", "individual_needs", "phone", "mobile", "email")


def update_person(db: Any, person_id: str, changes: dict[str, Any], before: dict[str, Any]) -> None:
    """On the writer thread: cases.update_person takes its changes as keywords, ops.write passes positions. The
    saved details leave no draft behind to be offered again at the next unlock. `before`, the details the form
    began from, makes a detail a sync changed meanwhile a conflict rather than silently written over."""
    cases.update_person(db, person_id, before=before, **changes)
    drafts_svc.discard_form_draft(db, person_id, drafts_svc.PERSONAL_FORM)


def value_label(text: str) -> QLabel:
    label = QLabel(text or "Not recorded")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if not text:
        label.setStyleSheet("color: #6b7480; font-style: italic;")
    return label


def small_table(columns: list[Column[Any]], name: str, stretch: int = 1,
                model: RecordTableModel[Any] | None = None) -> tuple[RecordTableModel[Any], QTableView]:
    """A short read-only table of a record's rows; `stretch` is the column that takes the spare width. Empty,
    it says "None recorded" rather than showing a bare grid."""
    model = model or RecordTableModel(columns)
    view = record_table(model, name, sortable=False, empty_text="None recorded")
    view.horizontalHeader().setStretchLastSection(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    fit_rows(view, 0)
    return model, view


def fit_rows(view: QTableView, rows: int, fewest: int = 2, most: int = 6) -> None:
    """As tall as its rows (between `fewest` and `most` of them): an empty list does not take half the page."""
    shown = min(max(rows, fewest), most)
    view.setFixedHeight(view.horizontalHeader().sizeHint().height()
                        + shown * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth() + 2)


def button(text: str, slot: Callable[[], Any], tip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(text.replace("&", "").replace("…", ""))
    if tip:
        b.setToolTip(tip)
    b.clicked.connect(slot)
    return b


def _disabilities_line(noted: str, details: CaseDetails) -> str:
    """One account of the person's disabilities: the recorded ones with their adjustments; an older note only
    while none is recorded, saying what is missing (the two disagreed on screen: 'ADHD' above an empty table)."""
    current = [d for d in details.disabilities if d.to_date is None]
    if current:
        return "; ".join(f"{d.description} ({d.adjustment or 'no adjustment recorded'})" for d in current)
    if noted:
        return f"{noted} (noted; no adjustment recorded yet: add it under Disabilities and adjustments)"
    return "None recorded"


class _EditableChoice(QComboBox):
    """A list to choose from that still takes, and keeps, a value not on it (a gender recorded before the list).

    Speaks a line edit's text API, so the form fills, reads and watches it as its other fields."""

    def __init__(self, name: str, choices: Iterable[str]) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItems(["", *choices])
        self.setAccessibleName(name)

    @property
    def textChanged(self) -> Any:  # noqa: N802 - the line edit's name, so the form treats both alike
        return self.editTextChanged

    def setText(self, text: str) -> None:  # noqa: N802
        self.setCurrentText(text)

    def text(self) -> str:
        return self.currentText()


class _Fields(QWidget):
    """The edit page: one field per detail, named as the service names them in its messages."""

    def __init__(self) -> None:
        super().__init__()
        self.first_name = self._line("First name")
        self.last_name = self._line("Last name")
        self.preferred_name = self._line("Preferred name")
        self.date_of_birth = DateEntry("Date of birth")
        self.pnc = self._line("PNC number")
        self.pnc.setPlaceholderText("e.g. 2011/0012345A")
        self.gender = _EditableChoice("Gender", genders())  # the list New case offers (resources/data)
        self.phone = self._line("Phone")
        self.mobile = self._line("Mobile")
        self.email = self._line("Email")
        self.ethnicity = self._line("Ethnicity")
        self.religion = self._line("Religion or belief")
        self.first_language = self._line("First language")
        self.interpreter_required = QCheckBox("Interpreter needed")
        self.interpreter_required.setAccessibleName("Interpreter needed")
        self.caring_responsibilities = self._line("Caring responsibilities")
        self.individual_needs = QPlainTextEdit()
        self.individual_needs.setAccessibleName("Individual needs")
        self.individual_needs.setTabChangesFocus(True)
        self.individual_needs.setFixedHeight(70)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QGroupBox("Personal details")
        form = QFormLayout(left)
        w: QWidget
        for label, w in (("First name:", self.first_name), ("Last name:", self.last_name),
                         ("Preferred name:", self.preferred_name), ("Date of birth:", self.date_of_birth),
                         ("PNC number:", self.pnc), ("Gender:", self.gender), ("Phone:", self.phone),
                         ("Mobile:", self.mobile), ("Email:", self.email)):
            form.addRow(label, w)
        right = QGroupBox("Diversity and individual needs")
        form = QFormLayout(right)
        for label, w in (("Ethnicity:", self.ethnicity), ("Religion or belief:", self.religion),
                         ("First language:", self.first_language), ("Interpreter:", self.interpreter_required),
                         ("Caring responsibilities:", self.caring_responsibilities),
                         ("Individual needs:", self.individual_needs)):
            form.addRow(label, w)
        layout.addWidget(left, 1)
        layout.addWidget(right, 1)

    @staticmethod
    def _line(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        return edit

    def fill(self, values: dict[str, Any]) -> None:
        for name in TEXT_FIELDS:
            w = getattr(self, name)
            if isinstance(w, QPlainTextEdit):
                w.setPlainText(values[name])
            else:
                w.setText(values[name])
        self.date_of_birth.setValue(values["date_of_birth"])
        self.interpreter_required.setChecked(values["interpreter_required"])

    def watch(self, slot: Callable[..., Any]) -> None:
        """Call `slot` on any change to any field (the autosave's trigger)."""
        for name in TEXT_FIELDS:
            getattr(self, name).textChanged.connect(slot)
        self.date_of_birth.textChanged.connect(slot)
        self.interpreter_required.toggled.connect(slot)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            w = getattr(self, name)
            out[name] = (w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()).strip()
        out["date_of_birth"] = self.date_of_birth.value()
        out["interpreter_required"] = self.interpreter_required.isChecked()
        return out


def current_values(case: CaseRecord, details: CaseDetails) -> dict[str, Any]:
    return {"first_name": details.first_name, "last_name": details.last_name,
            "preferred_name": case.preferred_name, "date_of_birth": case.date_of_birth, "pnc": case.pnc,
            "gender": case.gender, "ethnicity": case.ethnicity, "religion": case.religion,
            "first_language": case.first_language, "interpreter_required": case.interpreter_required,
            "caring_responsibilities": case.caring_responsibilities, "individual_needs": case.individual_needs,
            "phone": details.phone, "mobile": details.mobile, "email": details.email}


class DetailsPanel(QWidget):
    """The details forms, read-only until Edit details; Save writes only what was changed."""

    editing_changed = Signal(bool)

    def __init__(self, ops: Ops | None) -> None:
        super().__init__()
        self.ops = ops
        self.case: CaseRecord | None = None
        self.details: CaseDetails | None = None
        self.before: dict[str, Any] = {}  # the details when editing began
        self.discard_box: QMessageBox | None = None
        self.read_page = QWidget()
        self.read_layout = QHBoxLayout(self.read_page)
        self.read_layout.setContentsMargins(0, 0, 0, 0)
        self.fields = _Fields()
        self.edit_page = QWidget()
        edit_layout = QVBoxLayout(self.edit_page)
        edit_layout.setContentsMargins(0, 0, 0, 0)
        edit_layout.addWidget(self.fields)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setAccessibleName("Problems to put right")
        edit_layout.addWidget(self.error)
        self.form_errors = FormErrors(self.error)
        row = QHBoxLayout()
        self.draft_label = QLabel("")
        self.draft_label.setAccessibleName("Draft status")
        row.addWidget(self.draft_label)
        row.addStretch(1)
        self.save_button = button("Save", self.save, "Save the personal details (Ctrl+S or Ctrl+Return)")
        self.cancel_button = button("Cancel", self.cancel, "Leave the details as they were (Escape)")
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        edit_layout.addLayout(row)
        self._editing = False
        self._filling = False
        self.dirty = False  # typed into since the last draft was handed to the writer
        self.drafted = False  # a draft of this editing may be in the store (written, or restored from)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.flush_draft)
        self.fields.watch(self._typed)
        self.edit_page.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addStretch(1)
        self.edit_button = button("Edit detai&ls", self.edit, f"Change the personal details ({EDIT_KEYS})")
        top.addWidget(self.edit_button)
        layout.addLayout(top)
        # Both pages in the layout, one hidden (a stacked widget kept the taller edit page's height when reading).
        layout.addWidget(self.read_page)
        layout.addWidget(self.edit_page)
        self.form_errors.watch_children(self.fields)
        self._shortcuts: list[QShortcut] = []
        # F2 and Save act wherever the focus is in the window while this page is on show (a hidden widget's
        # shortcuts are off, so another case's tab or the contact form never shares them); Escape only from
        # within the fields, so it still closes popups elsewhere.
        self._shortcut(EDIT_KEYS, self.edit, Qt.ShortcutContext.WindowShortcut)
        for keys in SAVE_KEYS:
            self._shortcut(keys, self.save, Qt.ShortcutContext.WindowShortcut)
        self._shortcut("Escape", self.cancel, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if ops is None:
            set_available(self.edit_button, False, "unlock the caseload to change the details")

    def _shortcut(self, keys: str, slot: Callable[[], Any], context: Qt.ShortcutContext) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(context)  # set here: passed to the constructor, PySide6 left it at window scope
        shortcut.activated.connect(slot)
        self._shortcuts.append(shortcut)

    @property
    def editing(self) -> bool:
        return self._editing

    def show_record(self, case: CaseRecord, details: CaseDetails) -> None:
        self.case, self.details = case, details
        while self.read_layout.count():
            item = self.read_layout.takeAt(0)
            if item is not None and (w := item.widget()) is not None:
                w.deleteLater()
        today = standards_common.today()
        self.read_layout.addWidget(self._form("Personal details", [
            ("Name", case.name), ("Preferred name", case.preferred_name), ("CRN", case.crn),
            ("Date of birth", f"{format_date(case.date_of_birth)} (age {age_on(case.date_of_birth, today)})"),
            ("PNC number", case.pnc), ("Gender", case.gender), ("Phone", details.phone),
            ("Mobile", details.mobile), ("Email", details.email), ("Offender manager", case.officer),
        ]), 1)
        self.read_layout.addWidget(self._form("Diversity and individual needs", [
            ("Ethnicity", case.ethnicity), ("Religion or belief", case.religion),
            ("First language", case.first_language),
            ("Interpreter", "Required" if case.interpreter_required else "Not required"),
            ("Caring responsibilities", case.caring_responsibilities), ("Individual needs", case.individual_needs),
            ("Disabilities", _disabilities_line(case.disabilities, details)),
        ]), 1)

    @staticmethod
    def _form(title: str, rows: Iterable[tuple[str, str]]) -> QGroupBox:
        box = QGroupBox(title)
        box.setAccessibleName(title)
        form = QFormLayout(box)
        for label, value in rows:
            form.addRow(label, value_label(value))
        return box

    # -- editing ----------------------------------------------------------------------------------
    def edit(self) -> None:
        if self.editing or self.case is None or self.details is None or self.ops is None:
            return
        before = current_values(self.case, self.details)
        self._begin(before, before, "")

    def restore_draft(self, draft: FormDraft) -> None:
        """Back into Edit details with the unsaved edits of a draft, measured against the details as they were
        when that editing began (so what changed elsewhere since is not written back)."""
        if self.case is None or self.details is None or self.ops is None:
            return
        now = current_values(self.case, self.details)
        before = {**now, **{k: v for k, v in draft.before.items() if k in now}}
        values = {**before, **{k: v for k, v in draft.values.items() if k in now}}
        self._editing = False  # filled afresh from the draft, even mid-edit
        self._begin(before, values, "Restored draft: check it and save")

    def _begin(self, before: dict[str, Any], values: dict[str, Any], note: str) -> None:
        self.before = before
        self._filling = True
        try:
            self.fields.fill(values)
        finally:
            self._filling = False
        self.dirty = False
        self.drafted = bool(note)
        self.draft_label.setText(note)
        self.form_errors.clear()
        self.fields.date_of_birth.validate()
        self._editing = True
        self.read_page.hide()
        self.edit_page.show()
        self.edit_button.hide()
        self.fields.first_name.setFocus()
        self.fields.first_name.selectAll()
        self.editing_changed.emit(True)

    def cancel(self) -> None:
        """Cancel or Escape: back to the details as they were, asking first if anything was changed."""
        if not self.editing:
            return
        if self.changes():
            if self.discard_box is None:
                self.discard_box = ask_to_discard(self, "Personal details", self.discard)
                self.discard_box.finished.connect(self._asked)
            return
        self.discard()

    def _asked(self, *_result: object) -> None:
        self.discard_box = None

    def discard(self) -> None:
        if not self.editing:
            return
        self.form_errors.clear()
        self._discard_draft()
        self._leave()

    def _leave(self) -> None:
        self._editing = False
        self.dirty = False
        self._autosave.stop()
        self.draft_label.setText("")
        self.edit_page.hide()
        self.read_page.show()
        self.edit_button.show()
        self.edit_button.setFocus()
        self.editing_changed.emit(False)

    # -- drafts -----------------------------------------------------------------------------------
    def _typed(self, *_args: object) -> None:
        if not self.editing or self._filling:
            return
        self.dirty = True
        self.draft_label.setText("Draft not yet saved…")
        self._autosave.start()

    def _write_draft(self, **kwargs: Any) -> None:
        assert self.ops is not None and self.case is not None
        self.ops.write(drafts_svc.save_form_draft, self.case.person_id, drafts_svc.PERSONAL_FORM,
                       self.fields.values(), dict(self.before), **kwargs)

    def flush_draft(self) -> None:
        """Hand what is typed to the writer as a draft (the autosave timer). A failed autosave is not worth a
        message: the next one, or the lock's, tries again."""
        self._autosave.stop()
        if not self.editing or not self.dirty or self.ops is None or self.case is None:
            return
        self.dirty = False
        self.drafted = True
        self._write_draft(on_ok=lambda _id: self.draft_label.setText(f"Draft saved {datetime.now():%H:%M:%S}"),
                          on_error=lambda _e: None, owner=self, label="a personal details draft")

    def save_draft_now(self) -> bool:
        """On lock: queue the unsaved edits as a draft (the lock waits for the writer before it closes the
        database). Nothing is queued when nothing differs from the details as they were."""
        self._autosave.stop()
        if not self.editing or self.ops is None or self.case is None or not self.changes():
            return False
        self.drafted = True
        self._write_draft(label=f"the personal details being edited on {self.case.crn}")
        return True

    def _discard_draft(self) -> None:
        """Cancel, or nothing to save: no draft left to offer at the next unlock (no write when none was made)."""
        if self.drafted and self.ops is not None and self.case is not None:
            self.drafted = False
            self.ops.write(drafts_svc.discard_form_draft, self.case.person_id, drafts_svc.PERSONAL_FORM,
                           owner=self, label="discard a personal details draft")

    def changes(self) -> dict[str, Any]:
        """What the officer changed since Edit details: measured against the details as they were then, not as
        read since, so a field another laptop changed meanwhile is not written back with its old value."""
        return {k: v for k, v in self.fields.values().items() if v != self.before[k]}

    def save(self) -> None:
        if not self.editing or self.ops is None or self.case is None:
            return
        if problem := self.fields.date_of_birth.error():
            self.fields.date_of_birth.validate()
            # Every problem at once, not the date first and the rest on the next try (seen walking the form).
            values = self.fields.values()
            others = [e for e in (svc.check_phone("Phone", values.get("phone") or ""),
                                  svc.check_phone("Mobile", values.get("mobile") or ""),
                                  svc.check_email("Email", values.get("email") or "")) if e]
            others += [FieldError(label, f"is empty: enter the person's {label.lower()}")
                       for name, label in (("first_name", "First name"), ("last_name", "Last name"))
                       if not str(values.get(name) or "").strip()]
            self.form_errors.show([problem, *others])
            return
        changes = self.changes()
        if not changes:
            self._discard_draft()
            self._leave()  # nothing changed: nothing to write, nothing on the timeline
            return
        for name in ("preferred_name", "pnc", "gender", "ethnicity", "religion", "first_language",
                     "caring_responsibilities", "individual_needs"):
            if name in changes and changes[name] == "":
                changes[name] = None  # cleared, as the record holds an empty detail
        self.save_button.setEnabled(False)
        self._autosave.stop()  # the save removes the draft: an autosave queued after it would bring it back
        self.dirty = False

        def saved(_result: object) -> None:
            self.save_button.setEnabled(True)
            self._leave()
            window = self.window()
            if isinstance(window, QMainWindow):  # said where every save is said, not silently
                window.statusBar().showMessage(f"Personal details saved ({plural(len(changes), 'detail')} changed)",
                                               8000)

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.dirty = True  # still unsaved: autosaved again, and kept at a lock
            errors = getattr(exc, "errors", None)
            if isinstance(exc, cases.EditedElsewhere):
                # The officer has now been told what it holds: Save again writes what they typed over it.
                self.before.update({k: "" if v is None else v for k, v in exc.now.items()})
            self.form_errors.show(list(errors) if errors else
                                  [f"That did not work ({exc.__class__.__name__}). Nothing has been saved."])

        self.ops.write(update_person, self.case.person_id, changes, dict(self.before), on_ok=saved, on_error=failed,
                       owner=self, label="save the personal details")


# -- other names, disabilities, personal contacts ---------------------------------------------------
def _alias_name(a: Any) -> str:
    return f"{a.first_name} {a.last_name}".strip()


ALIAS_COLUMNS: list[Column[Any]] = [
    Column("Name", _alias_name),
    Column("Kind", lambda a: case_codes().alias_kinds.get(a.kind, a.kind)),
    Column("Notes", lambda a: a.notes or ""),
]
DISABILITY_COLUMNS: list[Column[Any]] = [
    Column("Disability", lambda d: d.description),
    Column("Adjustment made", lambda d: d.adjustment or "None recorded"),
    Column("From", lambda d: format_date(d.from_date)),
    Column("To", lambda d: format_date(d.to_date) if d.to_date else "Current"),
]
CONTACT_COLUMNS: list[Column[Any]] = [
    Column("Relationship", lambda c: case_codes().relationships.get(c.relationship, c.relationship)),
    Column("Name", lambda c: c.name + (f" ({c.organisation})" if c.organisation else "")),
    Column("Phone", lambda c: c.phone or ""),
    Column("Email", lambda c: c.email or ""),
    Column("Address", lambda c: c.address or ""),
]


class _ListBox(QGroupBox):
    """A titled table of the record's rows with its buttons; buttons needing a row say so until one is chosen."""

    def __init__(self, title: str, columns: list[Column[Any]], stretch: int = 1,
                 on_activate: Callable[[], Any] | None = None) -> None:
        super().__init__(title)
        self.on_activate = on_activate
        self.setAccessibleName(title)
        self.model, self.table = small_table(columns, title, stretch)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(self.buttons)
        self.needs_row: list[tuple[QPushButton, Callable[[Any], str]]] = []
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.table.doubleClicked.connect(lambda *_: self.on_activate() if self.on_activate else None)

    def add(self, b: QPushButton, needs_row: Callable[[Any], str] | None = None) -> None:
        self.buttons.addWidget(b)
        if needs_row is not None:
            self.needs_row.append((b, needs_row))

    def finish(self) -> None:
        self.buttons.addStretch(1)
        self._enable()

    def current(self) -> Any:
        return current_record(self.table, self.model)

    def set_rows(self, rows: Iterable[Any]) -> None:
        chosen = self.current()
        self.model.set_rows(list(rows))
        fit_rows(self.table, self.model.rowCount())
        if chosen is not None:
            select_record(self.table, self.model, chosen.id)
        self._enable()

    def _enable(self) -> None:
        row = self.current()
        for b, why_not in self.needs_row:
            reason = "choose a row in the table first" if row is None else why_not(row)
            set_available(b, not reason, reason)


class PersonalPanel(QWidget):
    """The personal details page's editable parts below the details: other names, disabilities, contacts."""

    def __init__(self, ops: Ops | None, person_id: str) -> None:
        super().__init__()
        self.ops = ops
        self.person_id = person_id
        self.details_panel = DetailsPanel(ops)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.details_panel)

        self.aliases = _ListBox("Other names", ALIAS_COLUMNS, 2)
        self.aliases.add(button("Add name…", self.add_alias, "Another name the person is known by"))
        self.remove_alias_button = button("Remove name", self.remove_alias)
        self.aliases.add(self.remove_alias_button, lambda a: "")
        self.aliases.finish()
        self.disabilities = _ListBox("Disabilities and adjustments", DISABILITY_COLUMNS, 1)
        self.disabilities.add(button("Add disability…", self.add_disability))
        self.end_disability_button = button("End disability…", self.end_disability,
                                            "The disability no longer applies from a date")
        self.disabilities.add(self.end_disability_button,
                              lambda d: f"it ended on {format_date(d.to_date)}" if d.to_date else "")
        self.disabilities.finish()
        row = QHBoxLayout()
        row.addWidget(self.aliases, 1)
        row.addWidget(self.disabilities, 2)
        layout.addLayout(row)

        self.contacts = _ListBox("Personal contacts", CONTACT_COLUMNS, 4, on_activate=self.edit_contact)
        self.contacts.add(button("Add contact…", self.add_contact,
                                 "Next of kin, family, GP, solicitor or another agency's worker"))
        self.edit_contact_button = button("Change contact…", self.edit_contact)
        self.contacts.add(self.edit_contact_button, lambda c: "")
        self.remove_contact_button = button("Remove contact", self.remove_contact)
        self.contacts.add(self.remove_contact_button, lambda c: "")
        self.contacts.finish()
        layout.addWidget(self.contacts)
        if ops is None:
            for box in (self.aliases, self.disabilities, self.contacts):
                box.setEnabled(False)

    def show_record(self, case: CaseRecord, details: CaseDetails) -> None:
        self.details_panel.show_record(case, details)
        self.aliases.set_rows(details.aliases)
        self.disabilities.set_rows(details.disabilities)
        self.contacts.set_rows(details.personal_contacts)

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.open()
        return dialog

    def add_alias(self) -> None:
        if self.ops is not None:
            self._open(dialogs.AliasDialog(self.ops, self.person_id, self))

    def remove_alias(self) -> None:
        alias = self.aliases.current()
        if alias is None or self.ops is None:
            return
        if self._confirm("Remove other name", f"Remove '{_alias_name(alias)}' from the other names?"):
            self.ops.write(svc.remove_alias, alias.id, owner=self, label="remove another name")

    def add_disability(self) -> None:
        if self.ops is not None:
            self._open(dialogs.DisabilityDialog(self.ops, self.person_id, self))

    def end_disability(self) -> None:
        d = self.disabilities.current()
        if d is None or self.ops is None:
            return
        self._open(dialogs.EndDateDialog(self.ops, "End disability", f"'{d.description}' no longer applies from:",
                                         "End date", svc.end_disability, d.id, self))

    def add_contact(self) -> None:
        if self.ops is not None:
            self._open(dialogs.PersonalContactDialog(self.ops, self.person_id, parent=self))

    def edit_contact(self) -> None:
        c = self.contacts.current()
        if c is not None and self.ops is not None:
            self._open(dialogs.PersonalContactDialog(self.ops, self.person_id, c, self))

    def remove_contact(self) -> None:
        c = self.contacts.current()
        if c is None or self.ops is None:
            return
        if self._confirm("Remove personal contact", f"Remove {c.name} from the personal contacts?"):
            self.ops.write(svc.remove_personal_contact, c.id, owner=self, label="remove a personal contact")

    def _confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        remove = box.addButton("&Remove", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep", QMessageBox.ButtonRole.RejectRole)
        # Both buttons are made before it shows, and Escape and Return keep: removing takes a deliberate choice.
        box.setEscapeButton(keep)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is remove
