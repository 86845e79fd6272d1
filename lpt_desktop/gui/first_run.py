"""First run: a new, empty caseload on this computer (then sync downloads the officer's cases)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from lpt_desktop.gui.import_lock import IMPORTS
from lpt_desktop.gui.ops import Ops


def _new_caseload(path: Path, passphrase: str, confirm: str, officer: str, staff_code: str, team: str) -> None:
    with IMPORTS:  # not beside the staged window's warm-up, which may still be importing SQLAlchemy
        from lpt_desktop.services.unlock import start_caseload

    start_caseload(path, passphrase, officer, staff_code, team=team, confirm=confirm)


class NewCaseloadDialog(QDialog):
    """Officer's name, staff code, team, and the passphrase twice. On success `created(passphrase)` is called
    (the window then unlocks the new caseload with it)."""

    def __init__(self, path: Path, ops: Ops, created: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path, self.ops, self.created = path, ops, created
        self.setWindowTitle("New caseload")
        self.setAccessibleName("New caseload")
        self.officer = self._edit("Officer's name", "As colleagues know you, e.g. Alex Morgan")
        self.staff_code = self._edit("Staff code", "e.g. LPT0042")
        self.team = self._edit("Team", "Optional, e.g. Preston Central")
        self.passphrase = self._edit("Passphrase", "At least 8 characters", secret=True)
        self.confirm = self._edit("Type it again", "The same passphrase", secret=True)
        self.errors = QLabel("")
        self.errors.setObjectName("errorLabel")
        self.errors.setWordWrap(True)
        self.errors.setAccessibleName("Problems to put right")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Start caseload")
        ok.setIcon(QIcon())  # the style's icon would crowd the words out
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Officer's name", self.officer)
        form.addRow("S&taff code", self.staff_code)
        form.addRow("T&eam", self.team)
        form.addRow("&Passphrase", self.passphrase)
        form.addRow("Type it &again", self.confirm)
        intro = QLabel(f"The caseload is kept on this computer, encrypted with your passphrase, in {path}. "
                       "Nobody can open it without the passphrase, and it cannot be recovered if you forget it.")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    @staticmethod
    def _edit(name: str, hint: str, secret: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(hint)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _submit(self) -> None:
        passphrase = self.passphrase.text()
        self.buttons.setEnabled(False)
        self.errors.setText("Starting the caseload…")

        def done(_result: object) -> None:
            self.buttons.setEnabled(True)
            self.accept()
            self.created(passphrase)

        def failed(exc: BaseException) -> None:
            from lpt_desktop.services.errors import user_message

            self.buttons.setEnabled(True)
            errors = getattr(exc, "errors", None)
            self.errors.setText("Not started yet. Put these right:\n• " + "\n• ".join(str(e) for e in errors)
                                if errors else user_message(exc))

        # The key derivation takes about half a second: off the UI thread (no caseload is open, so no writer).
        self.ops.background(_new_caseload, self.path, passphrase, self.confirm.text(), self.officer.text(),
                            self.staff_code.text(), self.team.text(), on_ok=done, on_error=failed, owner=self,
                            label="start a caseload")
