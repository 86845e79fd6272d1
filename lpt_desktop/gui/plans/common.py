"""What the plan pages share (the risk management plan, gui/plans/plan_page.py, and the sentence plan,
gui/plans/sentence_plan_page.py): their buttons, tables fitted to their rows, the warning before a PDF leaves the
caseload's encryption, and asking for a printer (with the same warning when the officer prints to a file).

  LOCKED                                     why a change button is unavailable while the caseload is locked
  button(text, name, tip) -> QPushButton     a button with its accessible name and tooltip
  fit_rows(table, most=12)                   tall enough for its rows (up to `most`, then it scrolls)
  warn_unprotected(parent, text, then)       the window-modal "Unprotected file" box; `then` runs on Save
  choose_printer(parent, title, what)        the print dialog; None when cancelled, or when printing to a file
                                             and the officer does not confirm writing an unprotected copy
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QTableView, QWidget

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

LOCKED = "unlock the caseload to change the plan"


def button(text: str, name: str, tip: str) -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(name)
    b.setToolTip(tip)
    return b


def fit_rows(table: QTableView, most: int = 12) -> None:
    """Tall enough for its rows (up to `most`, then it scrolls): the page scrolls, not a small box."""
    table.resizeRowsToContents()
    model = table.model()
    rows = model.rowCount() if model is not None else 0
    shown = max(2, min(rows, most))
    body = sum(table.rowHeight(r) for r in range(min(rows, shown)))
    body += max(0, shown - rows) * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(body + table.horizontalHeader().height() + 2 * table.frameWidth() + 4)


def warn_unprotected(parent: QWidget, text: str, then: Callable[[], None]) -> QMessageBox:
    """Say the PDF leaves the encryption; `then` (asking where to save it) runs only on Save. Opened, not run:
    the caller keeps the box (tests press its buttons)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Unprotected file", text,
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, parent)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.accepted.connect(then)
    box.open()
    return box


def choose_printer(parent: QWidget, title: str, what: str) -> QPrinter | None:
    """The print dialog titled `title`. "Print to file" writes case data outside the encrypted caseload: `what`
    ("The sentence plan") is said to be written to an unprotected file, and the officer may stop there."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    if printer.outputFileName():
        answer = QMessageBox.warning(
            parent, "Unprotected file", f"{what} will be written to {printer.outputFileName()}, a file that is NOT "
            "encrypted. Save it only to an encrypted drive and delete it when done.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Save:
            return None
    return printer
