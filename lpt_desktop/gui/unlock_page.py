"""The unlock screen: passphrase in, nothing else shown until the caseload is open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from lpt_desktop.gui.forms.ui_unlock import Ui_UnlockPage


class UnlockPage(QWidget):
    unlock_requested = Signal(str)
    new_caseload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_UnlockPage()
        self.ui.setupUi(self)
        self.ui.logo.setPixmap(QIcon(":/lpt/icons/app.svg").pixmap(64, 64))
        self.ui.logo.setFixedHeight(72)
        # A fixed width lets the word-wrapped labels report their true height to the centred card.
        self.ui.card.setFixedWidth(480)
        self.ui.card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.ui.busy.hide()
        self.ui.demoNotice.hide()
        self.ui.unlockButton.clicked.connect(self._submit)
        self.ui.passphraseEdit.returnPressed.connect(self._submit)
        self.ui.passphraseEdit.installEventFilter(self)
        # First run: no caseload on this computer yet. Offered only then (set_first_run).
        self.new_button = QPushButton("&New caseload…")
        self.new_button.setAccessibleName("Start a new caseload")
        self.new_button.setToolTip("Start an empty caseload on this computer, then set up sync to download your cases")
        self.new_button.clicked.connect(self.new_caseload_requested)
        self.new_button.hide()
        self.ui.cardLayout.addWidget(self.new_button)

    def set_first_run(self, first_run: bool) -> None:
        """No caseload file yet: the passphrase box is of no use; offer to start one instead."""
        self.new_button.setVisible(first_run)
        for w in (self.ui.passphraseLabel, self.ui.passphraseEdit, self.ui.capsLockLabel):
            w.setVisible(not first_run)
        self.ui.passphraseEdit.setEnabled(not first_run)
        self.ui.unlockButton.setEnabled(not first_run)
        self.ui.unlockButton.setVisible(not first_run)
        if first_run:
            self._say("There is no caseload on this computer yet. Start one with <b>New caseload…</b>, then set "
                      "up sync to download your cases from the central store.", "info")
            self.new_button.setDefault(True)
            self.new_button.setFocus()
        # Rows shown or hidden: the fixed-size card must take its new height, or its rows overlap.
        if first_run:
            self.ui.cardLayout.activate()
            self.ui.card.setFixedHeight(self.ui.cardLayout.sizeHint().height())
        else:  # back to following its rows (a long error message needs the room)
            self.ui.card.setMinimumHeight(0)
            self.ui.card.setMaximumHeight(16777215)

    def set_file(self, path: Path, demo: bool) -> None:
        self.ui.fileLabel.setText(f"Caseload file: {path}")
        self.ui.demoNotice.setVisible(demo)
        if demo:
            self.ui.demoNotice.setText("Demo caseload of fictional people. Passphrase: <b>demo</b>")

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.ui.busy.setVisible(busy)
        self.ui.unlockButton.setEnabled(not busy)
        self.ui.passphraseEdit.setEnabled(not busy)
        if busy:
            self._say(text, "info")

    def set_progress(self, done: int, total: int) -> None:
        self.ui.busy.setMaximum(total)
        self.ui.busy.setValue(done)

    def _say(self, message: str, kind: str) -> None:
        label = self.ui.errorLabel
        label.setProperty("kind", kind)
        label.style().unpolish(label)
        label.style().polish(label)
        label.setText(message)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self._say(message, "error")
        self.ui.passphraseEdit.selectAll()
        self.ui.passphraseEdit.setFocus()

    def reset(self, message: str = "") -> None:
        self.set_busy(False)
        self.ui.passphraseEdit.clear()
        self._say(message, "info")
        self.ui.busy.setMaximum(0)
        self.ui.passphraseEdit.setFocus()

    def _submit(self) -> None:
        text = self.ui.passphraseEdit.text()
        if not text:
            self._say("Passphrase: is empty: type your passphrase, then press Enter.", "error")
            return
        self.unlock_requested.emit(text)

    def eventFilter(self, watched: object, event: object) -> bool:
        if isinstance(event, QKeyEvent) and watched is self.ui.passphraseEdit:
            # Caps Lock is a common cause of a refused passphrase; Qt exposes it only via key text case.
            text = event.text()
            if text.isalpha():
                shifted = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                caps = text.isupper() != shifted
                self.ui.capsLockLabel.setText("Caps Lock appears to be on." if caps else "")
        return False
