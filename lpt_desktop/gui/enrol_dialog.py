"""Set up sync (enrolment): server address, officer sign-in, then the caseload downloads with a progress bar.

The password goes to the server once and is never kept: the field is cleared as soon as sign-in starts,
and the refresh token the server returns is stored inside the encrypted caseload by the sync core.
Cancel stops the download where it is; the laptop stays enrolled and the next sync carries on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.words import plural

if TYPE_CHECKING:
    from lpt_desktop.gui.sync_runner import SyncJob, SyncRunner


def address_problem(text: str) -> str | None:
    """None if `text` looks like a server address, else what to fix (checked before anything is sent)."""
    text = text.strip()
    if not text:
        return "Server address: type the address your service desk gave you, e.g. https://lpt-central.example"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Server address: start it with https:// (or http:// on a test network), e.g. https://lpt-central.example"
    if " " in text:
        return "Server address: must not contain spaces"
    try:
        _ = parts.port
    except ValueError:
        return "Server address: the port after the colon must be a number between 1 and 65535"
    return None


def error_text(exc: BaseException, server: str) -> str:
    """A sentence for each way enrolment fails; never a traceback."""
    from lpt_desktop.services import sync as svc

    if isinstance(exc, svc.AuthFailed):
        return "The central store did not accept that username and password. Check them (passwords are case " \
               "sensitive) and try again."
    if isinstance(exc, svc.Offline):
        return f"{server} cannot be reached. Check the address and that this laptop is connected (court and " \
               "hotel wifi may need you to sign in to it in a browser first)."
    if isinstance(exc, svc.Refused):
        if exc.status == 404:
            return f"{server} answers, but it is not an LPT central store. Check the address."
        return f"The central store refused: {exc}"
    return f"Sync could not be set up ({exc.__class__.__name__}). Nothing has been lost; the log has details."


class EnrolDialog(QDialog):
    def __init__(self, runner: SyncRunner, server: str = "", username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.job: SyncJob | None = None
        self.result_value: Any = None
        self.setWindowTitle("Set up sync")
        self.setAccessibleName("Set up sync")
        self.setMinimumWidth(460)
        intro = QLabel("Connect this laptop to the central store. Your caseload downloads once; after that only "
                       "changes travel, and you can keep working offline.")
        intro.setWordWrap(True)
        self.server = QLineEdit(server)
        self.server.setAccessibleName("Server address")
        self.server.setPlaceholderText("https://lpt-central.example")
        self.username = QLineEdit(username)
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip("Sent once to sign in; never saved on this laptop")
        form = QFormLayout()
        form.addRow("Server &address", self.server)
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName("Caseload download progress")
        self.progress.hide()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Set up sync message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox()
        self.sign_in = QPushButton("&Sign in and download")
        self.sign_in.setDefault(True)
        self.buttons.addButton(self.sign_in, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Cancel never becomes the default: while signing in, Sign in is disabled and the focus passes to Cancel,
        # which an auto-default button would keep, so Enter after a wrong password cancelled (issue 15).
        self.cancel_button.setAutoDefault(False)
        self.sign_in.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        (self.password if server and username else self.server).setFocus()

    @property
    def running(self) -> bool:
        return self.job is not None

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.setStyleSheet("color: #b00020;" if error else "")
        # A wrapped message needs more height than the dialog had: grow to fit rather than cut it off.
        width = self.message.width() if self.message.width() > 50 else self.width() - 24
        self.message.setMinimumHeight(self.message.heightForWidth(width) if text else 0)
        self.adjustSize()

    def _set_busy(self, busy: bool) -> None:
        for w in (self.server, self.username, self.password, self.sign_in):
            w.setEnabled(not busy)
        self.sign_in.setToolTip("Signing in: wait, or press Cancel" if busy else "")
        if not busy:
            self.sign_in.setDefault(True)  # Enter signs in again, whatever had the focus meanwhile
        self.progress.setVisible(busy or self.progress.value() > 0)

    def start(self) -> None:
        if self.running:
            return
        problem = address_problem(self.server.text())
        if problem is None and not self.username.text().strip():
            problem = "Username: type the username the service desk gave you"
        if problem is None and not self.password.text():
            problem = "Password: type your central store password"
        if problem:
            self._say(problem, error=True)
            return
        password = self.password.text()
        self.password.clear()  # never kept: not in the field, not in settings
        self.progress.setValue(0)
        self._say("Signing in…")
        self.job = self.runner.enrol(self.server.text().strip(), self.username.text().strip(), password,
                                     self._progress, self._done, self._failed)
        del password
        if self.job is None:
            self._say("Unlock the caseload first.", error=True)
            return
        self._set_busy(True)

    def _progress(self, pct: int) -> None:
        self.progress.setValue(max(self.progress.value(), pct))
        self._say(f"Downloading your caseload… {self.progress.value()}%")

    def _done(self, result: Any) -> None:
        self.job = None
        self.result_value = result
        self._set_busy(False)
        if result.cancelled:
            self._say("Stopped. This laptop is set up; the rest of your caseload downloads at the next sync.")
            super().reject()
            return
        self.progress.setValue(100)
        self._say(f"Done: {plural(result.pulled, 'record')} downloaded.")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self._set_busy(False)
        self.progress.hide()
        self._say(error_text(exc, self.server.text().strip()), error=True)
        self.password.setFocus()

    def reject(self) -> None:
        """Cancel: stop the download if one runs (the dialog closes when it has stopped), else close."""
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self._say("Stopping…")
            return
        super().reject()

    def stop_now(self) -> None:
        """On lock: cancel and close straight away (the result is dropped)."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
        super().reject()
