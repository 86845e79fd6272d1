"""Export of the practice audit (issue 21): the team's figures (an officer's laptop: their own) as a PDF for
supervision meetings, every case's checks as CSV, and the open case's checklist as a PDF
(services/practice_export.py).

Each file leaves the caseload's encryption, so each export first says so in the "Unprotected file" box every
export in the app shows (gui/plans/common.warn_unprotected); where to save is asked only after Save, and the file
is made off the UI thread (ops.query) and written atomically.

install(host) adds the entries to the File menu (before Quit) and to each practice view's toolbar
(gui/practice/team_view.EXTENSIONS); export_actions(parent, host) gives a fresh set of the actions for any
other toolbar. The controller is host.feature("practice_export").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from lpt_desktop.gui.plans.common import warn_unprotected
from lpt_desktop.services import practice_export as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host
    from lpt_desktop.gui.practice.team_view import PracticeView
    from lpt_desktop.store.database import Database

PDF = "pdf"
CSV = "csv"
CASE_PDF = "case_pdf"
# (menu text, tooltip) for each export
ENTRIES: dict[str, tuple[str, str]] = {
    PDF: ("E&xport practice audit as PDF…", "The team's practice figures, chart and the cases most needing "
                                            "attention as a PDF for supervision (your own on an officer's laptop)"),
    CSV: ("Export practice audit as C&SV…", "Every case's checks, one row each, as a CSV file for a spreadsheet"),
    CASE_PDF: ("Export case chec&klist as PDF…", "The open case's inspection readiness checklist as a PDF"),
}
WARNINGS = {
    PDF: "The practice audit will be saved as a PDF file that is NOT encrypted: it names cases and officers and "
         "leaves the protection of your caseload. Save it only to an encrypted drive, and delete it after the "
         "supervision meeting.",
    CSV: "Every case's practice checks will be saved as a CSV file that is NOT encrypted: it leaves the protection "
         "of your caseload. Save it only to an encrypted drive, and delete it when done.",
    CASE_PDF: "The case's checklist will be saved as a PDF file that is NOT encrypted: it leaves the protection of "
              "your caseload. Save it only to an encrypted drive, and delete it when done.",
}
FILTERS = {PDF: "PDF files (*.pdf)", CSV: "CSV files (*.csv)", CASE_PDF: "PDF files (*.pdf)"}
NO_CASE = "Open a case first: the checklist exported is the open case's."


def _make(kind: str, path: str, person_id: str | None) -> Callable[[Database], Path]:
    def run(db: Database) -> Path:
        if kind == CSV:
            data = svc.audit_csv_bytes(db)
        elif kind == PDF:
            data = svc.team_pdf_bytes(db)
        else:
            assert person_id is not None
            data = svc.case_pdf_bytes(db, person_id)
        return svc.write_file(path, data)

    return run


class PracticeExport(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.warning: QMessageBox | None = None
        self.written: list[Path] = []  # what was exported (for the tests)
        self.actions: dict[str, QAction] = {}
        for kind, (text, tip) in ENTRIES.items():
            self.actions[kind] = host.add_action(text, self._slot(kind), None, tip)
        file_menu = host.menu("&File")
        separators = [a for a in file_menu.actions() if a.isSeparator()]
        before = separators[-1] if separators else None
        if before is not None:
            file_menu.insertActions(before, list(self.actions.values()))
            file_menu.insertSeparator(self.actions[PDF])
        else:
            file_menu.addActions(list(self.actions.values()))
        from lpt_desktop.gui.practice import team_view

        hook = self._extend
        team_view.EXTENSIONS.append(hook)

        def unhook(*_a: object) -> None:
            if hook in team_view.EXTENSIONS:
                team_view.EXTENSIONS.remove(hook)

        self.destroyed.connect(unhook)

    def _slot(self, kind: str) -> Callable[[], object]:
        return lambda: self.export(kind)

    def _extend(self, view: PracticeView) -> None:
        if getattr(view, "ops", None) is self.host.ops:  # this window's view (another window has its own hook)
            view.add_actions(*export_actions(view, self.host, (PDF, CSV)))

    # -- the export --------------------------------------------------------------------------------------
    def choose_path(self, kind: str, suggested: str) -> str:
        """Where to save (a test replaces this; the dialog is modal)."""
        path, _ = QFileDialog.getSaveFileName(self.host.widget(), ENTRIES[kind][0].replace("&", "").rstrip("…"),
                                              str(Path.home() / suggested), FILTERS[kind])
        return path

    def export(self, kind: str) -> QMessageBox | None:
        """Say the file leaves the encryption; on Save ask where, then write it."""
        if not self.host.is_unlocked:
            return None
        person_id: str | None = None
        crn = ""
        if kind == CASE_PDF:
            current = self.host.current_case()
            if current is None:
                self.host.status_bar().showMessage(NO_CASE, 6000)
                return None
            person_id, crn = current.case.person_id, current.case.crn
        if self.warning is not None:
            self.warning.raise_()
            return self.warning
        box = warn_unprotected(self.host.widget(), WARNINGS[kind], lambda: self._save(kind, person_id, crn))
        box.finished.connect(lambda _r: setattr(self, "warning", None))
        self.warning = box
        return box

    def _save(self, kind: str, person_id: str | None, crn: str) -> None:
        suggested = svc.suggested_name(CSV if kind == CSV else PDF, date.today(), crn)
        path = self.choose_path(kind, suggested)
        if not path or not self.host.is_unlocked:
            return
        what = "practice audit" if kind != CASE_PDF else f"checklist for {crn}"

        def done(written: Path) -> None:
            self.written.append(written)
            self.host.status_bar().showMessage(f"The {what} was saved (unprotected) to {written}", 8000)

        def failed(exc: BaseException) -> None:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc.__class__.__name__
            self.host.show_message(QMessageBox.Icon.Warning, "Not exported",
                                   f"The {what} was not saved to {path} ({reason}). Nothing was written there.")

        self.host.status_bar().showMessage(f"Exporting the {what}…")
        self.host.ops.query(_make(kind, path, person_id), on_ok=done, on_error=failed, owner=self,
                            label=f"exporting the {what}")


def export_actions(parent: QWidget, host: Host, kinds: tuple[str, ...] = (PDF, CSV)) -> list[QAction]:
    """Fresh actions for a toolbar (no shortcuts: the window's File menu entries carry the same work) that run the
    window's exports, warning first as they do."""
    controller: Any = host.feature("practice_export")
    out = []
    for kind in kinds:
        text, tip = ENTRIES[kind]
        action = QAction(text.replace("&", "").replace("practice audit ", ""), parent)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(controller._slot(kind))
        out.append(action)
    return out


def install(host: Host) -> PracticeExport:
    return PracticeExport(host)
