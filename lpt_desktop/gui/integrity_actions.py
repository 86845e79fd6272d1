"""The caseload file's health: what the opening found, and a check of every page once the caseload is painted.

install(host) returns one controller (host.feature("integrity")). On unlock it asks what the opening found (a
damaged -wal kept aside: recent saves lost) and, a moment after the caseload is on screen, reads the whole file
on the read pool (services.unlock.check_file; a lock cancels it). Anything wrong is told once in a message box
and stays in the status bar, in red, until the lock: the officer is never left working on as if nothing
happened. Clicking the note shows the words again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QPushButton

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host
    from lpt_desktop.gui.ops import Job
    from lpt_desktop.services.unlock import IntegrityReport
    from lpt_desktop.store.database import Database

# Long enough for the caseload to be painted and the first reads (drafts, what is due) to go ahead of it.
START_DELAY_MS = 1500
DAMAGED_TITLE = "The caseload file is damaged"
LOST_TITLE = "Recent changes could not be recovered"
UNCHECKED_TITLE = "The caseload file could not be checked"


def _opening_notices(db: Database) -> list[str]:
    from lpt_desktop.services.unlock import opening_notices

    return opening_notices(db)


def _check(db: Database) -> IntegrityReport:
    from lpt_desktop.services.unlock import check_file

    return check_file(db)


class IntegrityController(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.ops = host.ops
        self.report: IntegrityReport | None = None  # the last check's, until the lock
        self.job: Job | None = None
        self.warnings: list[tuple[str, str]] = []  # (title, words) found since the unlock
        self._told: set[str] = set()  # words already shown in a message box (once each, even across locks)

        self.note = QPushButton("")
        self.note.setFlat(True)
        self.note.setAccessibleName("Caseload file warning")
        self.note.setStyleSheet("QPushButton { border: none; padding: 0 6px; background: transparent; "
                                "color: #b00020; font-weight: bold; }")
        self.note.clicked.connect(self.show_warnings)
        self.note.hide()
        host.status_bar().addPermanentWidget(self.note)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(START_DELAY_MS)
        self.timer.timeout.connect(self.start_check)
        host.unlocked.connect(self._unlocked)
        host.locked.connect(self._locked)

    # -- unlock and lock ---------------------------------------------------------------------------
    def _unlocked(self) -> None:
        self.ops.query(_opening_notices, on_ok=self._opened, label="what the opening found")
        self.timer.start()

    def _locked(self) -> None:
        self.timer.stop()
        if self.job is not None:
            self.job.cancel()  # the close has interrupted its statement; its result is never delivered
            self.job = None
        self.report = None
        self.warnings = []
        self.note.hide()

    # -- what was found ----------------------------------------------------------------------------
    def _opened(self, notices: list[str]) -> None:
        for words in notices:
            self._warn(LOST_TITLE, words)

    def start_check(self) -> None:
        """Read every page of the open caseload on the read pool (also for a test or support, at any time)."""
        if not self.host.is_unlocked or self.job is not None:
            return
        self.job = self.ops.query(_check, on_ok=self._checked, on_error=self._check_failed,
                                  label="caseload file check")

    def _checked(self, report: IntegrityReport) -> None:
        self.job = None
        self.report = report
        if not report.whole:
            self._warn(DAMAGED_TITLE, report.officer_message())

    def _check_failed(self, exc: BaseException) -> None:
        from lpt_desktop.services.errors import user_message

        self.job = None
        self._warn(UNCHECKED_TITLE, f"The check of every page of your caseload file stopped: {user_message(exc)} "
                                    "If this happens again, ask the service desk to check the file (lpt check).")

    def _warn(self, title: str, words: str) -> None:
        self.warnings.append((title, words))
        if len(self.warnings) == 1:
            self.note.setText("⚠ " + ("Caseload file damaged" if title == DAMAGED_TITLE else
                                      "Recent changes lost" if title == LOST_TITLE else "Caseload file not checked"))
        else:
            self.note.setText(f"⚠ {len(self.warnings)} warnings about the caseload file")
        self.note.setToolTip("\n\n".join(w for _t, w in self.warnings) + "\n\nClick to read this again.")
        self.note.setAccessibleDescription(" ".join(w for _t, w in self.warnings))
        self.note.show()
        if words not in self._told:
            self._told.add(words)
            self.host.show_message(QMessageBox.Icon.Warning, title, words)

    def show_warnings(self) -> Any:
        """Show again, in a message box, everything found since the unlock."""
        if not self.warnings:
            return None
        title = self.warnings[0][0] if len(self.warnings) == 1 else "Warnings about the caseload file"
        return self.host.show_message(QMessageBox.Icon.Warning, title, "\n\n".join(w for _t, w in self.warnings))


def install(host: Host) -> IntegrityController:
    """The opening's notices and the background check of every page; the controller is host.feature("integrity")."""
    return IntegrityController(host)
