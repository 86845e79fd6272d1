"""A small form whose OK runs one service write: the base of the case record's dialogs.

The dialog stays open on a refusal and lists the service's field errors (gui/form_errors.py), each cleared as
its field is edited; it closes only once the write committed, so nothing is half-saved or lost by a slip. A lock
closes it: `typed()` tells the window whether anything was typed into it, so it can say what was not saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.gui.form_errors import FormErrors

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops


class RecordDialog(QDialog):
    saved = Signal(object)  # what the service returned, after it committed

    def __init__(self, ops: Ops, title: str, parent: QWidget | None = None, ok_text: str = "Save",
                 intro: str = "") -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        if intro:
            text = QLabel(intro)
            text.setWordWrap(True)
            layout.addWidget(text)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setAccessibleName("Problems to put right")
        self.form_errors = FormErrors(self.error)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        # The style's icon crowded the words out ("Record recall" was cut to "Record reca", seen on screen), as
        # in gui/main_window.show_message: no icon, and wide enough for its own words.
        ok.setIcon(QIcon())
        ok.setMinimumWidth(ok.fontMetrics().horizontalAdvance(ok_text) + 40)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._watching = False
        self._as_shown: list[object] = []
        self.result_value: Any = None

    def submit(self) -> None:
        raise NotImplementedError

    def run(self, fn: Callable[[Any], Any], label: str) -> None:
        """fn(db) on the writer thread; close on success, show the field errors on a refusal."""
        self.buttons.setEnabled(False)

        def ok(result: Any) -> None:
            self.buttons.setEnabled(True)
            self.result_value = result
            self.saved.emit(result)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.refused(exc)

        self.ops.write(fn, on_ok=ok, on_error=failed, owner=self, label=label)

    def refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        if errors:
            self.form_errors.show(list(errors))
        else:
            self.form_errors.show([f"That did not work ({exc.__class__.__name__}): nothing has been saved. "
                                   "Try again, or lock and unlock the caseload."])

    def _entries(self) -> list[object]:
        """What each field holds (a date field's line edit is among the line edits)."""
        out: list[object] = []
        for w in self.findChildren(QWidget):
            if isinstance(w, QLineEdit):
                out.append(w.text())
            elif isinstance(w, QPlainTextEdit):
                out.append(w.toPlainText())
            elif isinstance(w, QComboBox):
                out.append(w.currentIndex())
            elif isinstance(w, QAbstractButton) and w.isCheckable():
                out.append(w.isChecked())
        return out

    def typed(self) -> bool:
        """Whether any field differs from how the dialog opened: closing it now would lose the officer's typing."""
        return self._watching and self._entries() != self._as_shown

    def showEvent(self, event: QShowEvent) -> None:
        if not self._watching:  # the subclass has built and filled its fields by now
            self._watching = True
            self.form_errors.watch_children(self)
            self._as_shown = self._entries()
        super().showEvent(event)
