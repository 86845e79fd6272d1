"""Preferences and change-passphrase dialogs (forms from ui/*.ui)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.form_errors import FormErrors, fit_height
from lpt_desktop.gui.forms.ui_change_passphrase import Ui_ChangePassphraseDialog
from lpt_desktop.gui.forms.ui_preferences import Ui_PreferencesDialog
from lpt_desktop.gui.preferences import Preferences

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.store.database import Database

MIN_PASSPHRASE = 8


def _offices(db: Database) -> tuple[list[Any], Any]:
    """The caseload's offices and the one this officer writes letters from (worker side)."""
    from lpt_desktop.services.offices import list_offices, officer_office

    return list_offices(db), officer_office(db)


class PreferencesDialog(QDialog):
    """ops: the caseload's operations while unlocked (the policy in force lives in the caseload), else None.
    policy_saved(title) is called once a new policy in force is saved (the dialog has closed by then)."""

    def __init__(self, prefs: Preferences, ops: Ops | None = None, parent: QWidget | None = None,
                 policy_saved: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.policy_saved = policy_saved
        self.ui = Ui_PreferencesDialog()
        self.ui.setupUi(self)
        self.prefs = prefs
        self.ops = ops
        self.ui.idleMinutes.setValue(prefs.idle_minutes)
        self.policy_in_force = ""
        self.office_in_use: str | None = None
        self._show_settings()
        self._add_policy_choice()
        self.tier_scheme_in_force = ""
        self._add_tier_scheme_choice()
        self.setMinimumWidth(560)
        self._tidy_layout()
        # What lives in the caseload (the policy, the offices) is read after the dialog shows, off the UI
        # thread: the dialog never waits for the database.
        self._load_offices()

    def _tidy_layout(self) -> None:
        """Rows that never overlap (seen on screen: "Office for letters" over the contact location, the letters
        help over its choice, the tiering help cut off): labels wrap, a long office address is elided in its
        choice (the whole address is its tooltip) rather than widening the dialog, fields take the width
        left, and the dialog grows to its content's height whenever a help text changes (_fit)."""
        from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSizePolicy

        self.ui.office.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.ui.office.setMinimumContentsLength(28)
        for form in self.findChildren(QFormLayout):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            form.setVerticalSpacing(max(form.verticalSpacing(), 8))
        for label in self.findChildren(QLabel):
            if label.wordWrap():
                label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        for label in (self.ui.officeHelp, self.policy_help, self.tier_scheme_help):
            label.setWordWrap(True)

    def _fit(self) -> None:
        """Grow to the height the rows need at this width (a window's minimum ignores wrapped text)."""
        fit_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _show_settings(self) -> None:
        """What is kept in this computer's settings: shown at once."""
        from lpt_desktop.gui.caseload_model import CASELOAD_COLUMNS, DEFAULT_SORT

        self.ui.defaultLocation.setText(self.prefs.default_location)
        self.ui.syncServer.setText(self.prefs.sync_server)
        for column in CASELOAD_COLUMNS:
            self.ui.sortColumn.addItem(column.title, column.title)
        title, descending = self.prefs.caseload_sort or (DEFAULT_SORT[0], False)
        self.ui.sortColumn.setCurrentIndex(max(0, self.ui.sortColumn.findData(title)))
        self.ui.sortDescending.setChecked(descending)
        set_available(self.ui.office, False, "unlock the caseload: the offices are kept in it")

    def _load_offices(self) -> None:
        if self.ops is None:
            return
        self.ui.officeHelp.setText("Loading…")
        self.ops.query(_offices, on_ok=self._offices_loaded, owner=self, label="offices",
                       on_error=lambda exc: self.ui.officeHelp.setText(
                           f"Offices not available ({exc.__class__.__name__})."))

    def _offices_loaded(self, result: tuple[list[Any], Any]) -> None:
        offices, mine = result
        self.ui.office.clear()
        if not offices:
            self.ui.officeHelp.setText("No offices are kept in this caseload yet.")
            return
        if mine is None:
            self.ui.office.addItem("Not chosen", None)
        for office in offices:
            text = f"{office.name}, {', '.join(office.letter_lines)}, {office.phone}"
            self.ui.office.addItem(text, office.id)
            self.ui.office.setItemData(self.ui.office.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        self.office_in_use = mine.id if mine is not None else None
        self.ui.office.setCurrentIndex(max(0, self.ui.office.findData(self.office_in_use)))
        set_available(self.ui.office, True, "")
        self.ui.officeHelp.setText("Letters you print carry this office's address and phone number.")
        self._fit()

    def _add_policy_choice(self) -> None:
        """The National Standards policy in force: kept in the caseload, not in settings, as the CLI reads it."""
        from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel

        from lpt_desktop.gui import standards_common

        self.policy = QComboBox()
        self.policy.setAccessibleName("National Standards policy in force")
        set_available(self.policy, False, "unlock the caseload: the policy is kept in it")
        self.policy_help = QLabel("Unlock the caseload to choose the policy.")
        self.policy_help.setWordWrap(True)
        box = QGroupBox("National Standards")
        form = QFormLayout(box)
        form.addRow("&Policy in force", self.policy)
        form.addRow(self.policy_help)
        self.ui.layout.insertWidget(self.ui.layout.indexOf(self.ui.buttons), box)
        if self.ops is not None:
            self.policy_help.setText("Loading…")
            self.ops.query(standards_common.policy_choices, on_ok=self._policies_loaded, owner=self,
                           on_error=lambda exc: self.policy_help.setText(
                               f"Policies not available ({exc.__class__.__name__})."), label="policies")

    def _policies_loaded(self, result: tuple[str, list[tuple[str, str]]]) -> None:
        self.policy_in_force, choices = result
        self.policy.clear()
        for name, title in choices:
            self.policy.addItem(title, name)
        self.policy.setCurrentIndex(max(0, self.policy.findData(self.policy_in_force)))
        set_available(self.policy, True, "")
        self.policy_help.setText("Every screen and the command line measure what is due by this policy. It is "
                                 "stored in this caseload.")
        self._fit()

    def _add_tier_scheme_choice(self) -> None:
        """The tiering scheme: kept in the caseload (the suggested tiers, the caseload's filter and the CLI
        read it), so chosen only while it is unlocked, as the policy is."""
        from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel

        from lpt_desktop.assessment.tier_types import SCHEME_LABELS, SCHEMES

        self.tier_scheme = QComboBox()
        self.tier_scheme.setAccessibleName("Tier scheme")
        for scheme in SCHEMES:
            self.tier_scheme.addItem(SCHEME_LABELS.get(scheme, scheme), scheme)
        set_available(self.tier_scheme, False, "unlock the caseload: the tier scheme is kept in it")
        self.tier_scheme_help = QLabel("Unlock the caseload to choose the tier scheme.")
        self.tier_scheme_help.setWordWrap(True)
        box = QGroupBox("Tiering")
        form = QFormLayout(box)
        form.addRow("&Tier scheme", self.tier_scheme)
        form.addRow(self.tier_scheme_help)
        self.ui.layout.insertWidget(self.ui.layout.indexOf(self.ui.buttons), box)
        if self.ops is not None:
            from lpt_desktop.services.tiering import tier_scheme

            self.tier_scheme_help.setText("Loading…")
            self.ops.query(tier_scheme, on_ok=self._tier_scheme_loaded, owner=self, label="the tier scheme",
                           on_error=lambda exc: self.tier_scheme_help.setText(
                               f"The tier scheme is not available ({exc.__class__.__name__})."))

    def _tier_scheme_loaded(self, scheme: str) -> None:
        self.tier_scheme_in_force = scheme
        self.tier_scheme.setCurrentIndex(max(0, self.tier_scheme.findData(scheme)))
        set_available(self.tier_scheme, True, "")
        self.tier_scheme_help.setText("Each case's suggested tier is worked out by this scheme, and the caseload's "
                                      "tier filter offers its tiers. Tiers already in force keep the scheme they "
                                      "were set under until accepted again. It is stored in this caseload.")
        self._fit()

    def accept(self) -> None:
        self.prefs.idle_minutes = self.ui.idleMinutes.value()
        self.prefs.default_location = self.ui.defaultLocation.text()
        self.prefs.sync_server = self.ui.syncServer.text()
        self.prefs.caseload_sort = (self.ui.sortColumn.currentData(), self.ui.sortDescending.isChecked())
        self.prefs.sync()
        office = self.ui.office.currentData() if self.ui.office.isEnabled() else None
        if office and office != self.office_in_use and self.ops is not None:
            from lpt_desktop.services.offices import set_officer_office

            self.ops.write(set_officer_office, office, label="the office for letters")
        chosen = self.policy.currentData() if self.policy.isEnabled() else None
        if chosen and chosen != self.policy_in_force and self.ops is not None:
            from lpt_desktop.gui import standards_common

            title, saved = self.policy.currentText(), self.policy_saved
            # Not owned by this dialog: it closes now, and the saved policy is still worth saying.
            self.ops.write(standards_common.set_policy_in_force, chosen, label="the policy in force",
                           on_ok=lambda _r: saved is not None and saved(title))
        scheme = self.tier_scheme.currentData() if self.tier_scheme.isEnabled() else None
        if scheme and scheme != self.tier_scheme_in_force and self.ops is not None:
            from lpt_desktop.services.tiering import set_tier_scheme

            # Not owned by this dialog (it closes now). Every case's suggested tier follows the scheme, so the
            # caseload is read again once it is saved, whatever kind of change the setting announces.
            window = self.parentWidget()
            reload = getattr(window, "refresh_caseload", None)
            self.ops.write(set_tier_scheme, scheme, label="the tier scheme",
                           on_ok=lambda _r: reload() if callable(reload) else None)
        super().accept()


def passphrase_problem(current: str, new: str, confirm: str) -> str:
    """What is wrong with a requested change, or '' (pure: tested directly)."""
    if not current:
        return "Current passphrase: is empty: type the passphrase you unlock with now."
    if len(new) < MIN_PASSPHRASE:
        return f"New passphrase: is too short: use at least {MIN_PASSPHRASE} characters."
    if new != confirm:
        return "Type it again: does not match the new passphrase: type the same passphrase twice."
    if new == current:
        return "New passphrase: is the same as the current one: choose a different passphrase."
    return ""


class ChangePassphraseDialog(QDialog):
    """Re-wraps the data key in a worker (the key derivation takes about a second)."""

    def __init__(self, db_path: Path, ops: Ops, on_changed: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_ChangePassphraseDialog()
        self.ui.setupUi(self)
        self.ui.busy.hide()
        # One message at a time, gone as soon as the field it names is edited.
        self.form_errors = FormErrors(self.ui.errorLabel, heading="")
        self.form_errors.watch([self.ui.currentEdit, self.ui.newEdit, self.ui.confirmEdit])
        self.db_path = db_path
        self.ops = ops
        self.on_changed = on_changed
        self.ui.buttons.accepted.connect(self._submit)
        self.ui.buttons.rejected.connect(self.reject)

    def reject(self) -> None:
        if self.ui.busy.isVisible():
            return  # the change is under way: it finishes and says so, it cannot be half-cancelled
        super().reject()

    def _set_busy(self, busy: bool) -> None:
        self.ui.busy.setVisible(busy)
        for which in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel):
            set_available(self.ui.buttons.button(which), not busy, "the passphrase is being changed: it takes a "
                          "second or two and cannot be half-done")
        for edit in (self.ui.currentEdit, self.ui.newEdit, self.ui.confirmEdit):
            edit.setEnabled(not busy)

    def _submit(self) -> None:
        current, new, confirm = (self.ui.currentEdit.text(), self.ui.newEdit.text(), self.ui.confirmEdit.text())
        problem = passphrase_problem(current, new, confirm)
        if problem:
            self.form_errors.show([problem])
            return
        self.form_errors.clear()
        self._set_busy(True)
        from lpt_desktop.services.unlock import change_passphrase

        # Only the key file is rewritten (no database write), so it is background work, not a write.
        self.ops.background(change_passphrase, self.db_path, current, new, on_ok=self._done, on_error=self._failed,
                            owner=self, label="change the passphrase")

    def _done(self, _result: object) -> None:
        self._set_busy(False)
        self.on_changed()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from lpt_desktop.services.errors import StoreError, WrongPassphrase

        self._set_busy(False)
        if isinstance(exc, WrongPassphrase):
            self.form_errors.show(["Current passphrase: not accepted: type the passphrase you unlock with now."])
            self.ui.currentEdit.selectAll()
            self.ui.currentEdit.setFocus()
        elif isinstance(exc, (StoreError, ValueError)):
            self.form_errors.show([str(exc)])
        else:
            self.form_errors.show(["The passphrase could not be changed; it is unchanged. See the log for details."])


class NoteTemplatesDialog(QDialog):
    """Officers define the headings they write notes under; saved in the encrypted caseload."""

    def __init__(self, templates: dict[str, str], save: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout

        super().__init__(parent)
        self.setWindowTitle("Note templates")
        self.setAccessibleName("Note templates")
        self.templates = dict(templates)
        self.save = save
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.setAccessibleName("Template name")
        self.name.addItems(list(self.templates))
        self.body = QPlainTextEdit()
        self.body.setAccessibleName("Template headings")
        self.body.setPlaceholderText("One heading per line, e.g.\nProgress:\nRisk of harm:\nNext steps:")
        self.errors = QLabel("")
        self.errors.setObjectName("errorLabel")
        self.errors.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Headings", self.body)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Templates appear under Headings when you record a contact. Choose one to change "
                                "it, or type a new name."))
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.name.currentTextChanged.connect(self._template_chosen)
        if self.templates:
            self.body.setPlainText(next(iter(self.templates.values())))
        self.resize(480, 380)

    def _template_chosen(self, name: str) -> None:
        if name in self.templates:
            self.body.setPlainText(self.templates[name])

    def _save(self) -> None:
        name, body = self.name.currentText().strip(), self.body.toPlainText()
        if not name or not body.strip():
            self.errors.setText("Name and Headings are both needed: give the template a name and at least one "
                                "heading.")
            return
        self.errors.setText("")
        self.templates[name] = body
        if self.name.findText(name) < 0:
            self.name.addItem(name)
        self.save(name, body)
