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
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.gui.form_errors import FormErrors

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops


def ask_to_discard(parent: QWidget, what: str, discard: Callable[[], object]) -> QMessageBox:
    """"Discard what you typed?" without blocking: Return and Escape keep editing, Discard is a deliberate choice.

    Escape in a form, or Cancel, threw away what the officer had typed without a word (seen walking the case
    record by keyboard)."""
    # Parented to the window, not the form: the form's own Escape key (a shortcut over its children) would
    # otherwise take the question's Escape.
    box = QMessageBox(QMessageBox.Icon.Question, "Discard what you typed?",
                      f"{what}: what you typed has not been saved.", parent=parent.window())
    drop = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
    # Both made before it shows (Qt picks its Escape button at show time), and both keep by default.
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda clicked: discard() if clicked is drop else None)
    box.open()
    return box


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
        self._discarding = False
        self.discard_box: QMessageBox | None = None
        self.result_value: Any = None

    def submit(self) -> None:
        raise NotImplementedError

    def reject(self) -> None:
        """Cancel, Escape or the window's close: asks first when something was typed."""
        if self.typed() and not self._discarding:
            if self.discard_box is None:
                self.discard_box = ask_to_discard(self, self.windowTitle(), self.discard)
                self.discard_box.finished.connect(self._asked)
            return
        super().reject()

    def _asked(self, *_result: object) -> None:
        self.discard_box = None

    def discard(self) -> None:
        """Close without saving and without asking (the officer chose Discard, or the caseload is locking)."""
        self._discarding = True
        self.reject()

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
        first = not self._watching
        if first:  # the subclass has built and filled its fields by now
            self._watching = True
            self.form_errors.watch_children(self)
            self._as_shown = self._entries()
        super().showEvent(event)
        if first:
            self._focus_first_field()

    def _focus_first_field(self) -> None:
        """Open on the first field, not the Save button: a reflex Enter or space saved an empty form."""
        focused = self.focusWidget()
        if focused is not None and not isinstance(focused, QAbstractButton):
            return  # the dialog chose its own place to start
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if widget is not None and widget.isEnabled() and widget.isVisibleTo(self) and \
                    widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
