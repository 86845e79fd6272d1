"""The contact log as a Qt model, with its filter proxy; the enforcement-due and search result models."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from lpt_desktop.domain.dates import format_date, format_datetime
from lpt_desktop.gui.table_model import SEGMENTS_ROLE, Column, RecordTableModel

if TYPE_CHECKING:
    from lpt_desktop.services.contacts import ContactView, DueItem, SearchHit

RED = "#a4161a"


def enforcement_text(c: ContactView) -> str:
    if c.open_items:
        first = c.open_items[0]
        return f"{first.what} by {format_date(first.due)}"
    if c.enforcement:
        return c.enforcement[-1].label
    return ""


def flags_text(c: ContactView) -> str:
    flags = [name for name, on in (("Restricted", c.restricted), ("Alert", c.alert), ("Sensitive", c.sensitive),
                                   ("Oversight", c.management_oversight), ("Amended", c.amends_id is not None))
             if on]
    return ", ".join(flags)


def first_line(text: str, limit: int = 90) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


CONTACT_COLUMNS: list[Column[ContactView]] = [
    Column("Date", lambda c: format_datetime(c.starts_at), sort=lambda c: c.starts_at),
    Column("Type", lambda c: c.type_label),
    Column("Outcome", lambda c: c.outcome_label + (f" ({c.absence_reason_label.lower()})"
                                                   if c.absence_reason_label else "")),
    Column("Enforcement", enforcement_text),
    Column("RoH", lambda c: "Yes" if c.roh_relevant else "", align_centre=True),
    Column("Flags", flags_text),
    Column("Notes", lambda c: first_line(c.notes)),
]
COL_ENFORCEMENT = 3


class ContactTableModel(RecordTableModel["ContactView"]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(CONTACT_COLUMNS, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def extra_data(self, rec: ContactView, column: int, role: int) -> Any:
        if column == COL_ENFORCEMENT and rec.open_items:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(RED))
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and column == len(CONTACT_COLUMNS) - 1:
            return rec.notes[:600]
        return None


ENFORCEMENT_FILTERS = {"": "Any enforcement", "open": "Decision or breach due", "decided": "Decided", "none": "None"}


class ContactFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.type_code = ""
        self.outcome = ""  # a code, "failure" or ""
        self.enforcement = ""
        self.roh_only = False
        self.text = ""

    def set_filter(self, **changes: Any) -> None:
        self.beginFilterChange()
        for key, value in changes.items():
            setattr(self, key, value.casefold().strip() if key == "text" else value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        c: ContactView = self.sourceModel().record(source_row)  # type: ignore[attr-defined]
        if self.type_code and c.type_code != self.type_code:
            return False
        if self.outcome == "failure":
            if not c.is_failure:
                return False
        elif self.outcome and c.outcome != self.outcome:
            return False
        if self.enforcement == "open" and not c.open_items:
            return False
        if self.enforcement == "decided" and not c.enforcement:
            return False
        if self.enforcement == "none" and (c.enforcement or c.open_items):
            return False
        if self.roh_only and not c.roh_relevant:
            return False
        if self.text:
            hay = f"{c.notes} {c.type_label} {c.outcome_label} {c.location} {c.present} {c.author}".casefold()
            if self.text not in hay:
                return False
        return True


def _due_status(days_left: int) -> str:
    if days_left == 0:
        return "Due today"
    n = abs(days_left)
    span = f"{n} day" + ("" if n == 1 else "s")
    return f"Overdue by {span}" if days_left < 0 else f"Due in {span}"


DUE_COLUMNS: list[Column[DueItem]] = [
    Column("Due", lambda i: format_date(i.due), sort=lambda i: i.due),
    Column("What", lambda i: i.what),
    Column("CRN", lambda i: i.crn),
    Column("Name", lambda i: i.name),
    Column("Failure", lambda i: format_date(i.failure_on), sort=lambda i: i.failure_on),
    Column("Outcome", lambda i: i.outcome_label),
    Column("Status", lambda i: _due_status(i.days_left), sort=lambda i: i.days_left),
]


class DueTableModel(RecordTableModel["DueItem"]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(DUE_COLUMNS, parent)

    def extra_data(self, rec: DueItem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and rec.overdue:
            return QBrush(QColor(RED))
        return None


_MARKED = re.compile(r"\[([^\[\]\n]+)\]")


def search_terms(text: str) -> tuple[str, ...]:
    """The words searched for, folded (the index matches each as a word or, the last, as a prefix)."""
    return tuple(w.casefold() for w in re.findall(r"\w+", text))


def _same_word(marked: str, term: str) -> bool:
    """A marked run is a hit for a word searched: the word or its prefix, or the same stem (the index stems,
    so "housing" also marks "house")."""
    word = marked.casefold()
    if word.startswith(term) or term.startswith(word):
        return True
    common = len(os.path.commonprefix([word, term]))
    return common >= 4 and common >= min(len(word), len(term)) - 2


def hit_segments(snippet: str, terms: tuple[str, ...]) -> list[tuple[str, bool]]:
    """The snippet as (text, matched) runs. The index marks its matches [like this]; a bracketed run is a
    match only when it starts with a word searched for, so brackets the officer typed in a note stay as
    typed."""
    flat = snippet.replace("\n", " ")
    out: list[tuple[str, bool]] = []
    at = 0
    for m in _MARKED.finditer(flat):
        inner = m.group(1)
        if not any(_same_word(inner, t) for t in terms):
            continue
        if m.start() > at:
            out.append((flat[at:m.start()], False))
        out.append((inner, True))
        at = m.end()
    if at < len(flat):
        out.append((flat[at:], False))
    return out


def _plain(segments: list[tuple[str, bool]]) -> str:
    return "".join(text for text, _hit in segments)


SEARCH_COLUMNS: list[Column[SearchHit]] = [
    Column("Date", lambda h: format_datetime(h.starts_at), sort=lambda h: h.starts_at),
    Column("CRN", lambda h: h.crn),
    Column("Name", lambda h: h.name),
    Column("Type", lambda h: h.type_label),
    Column("Note", lambda h: _plain(hit_segments(h.snippet, ()))),
]
COL_NOTE = len(SEARCH_COLUMNS) - 1


class SearchTableModel(RecordTableModel["SearchHit"]):
    """Search results; the note's matched words are highlighted by a delegate (SEGMENTS_ROLE), never shown
    as [brackets]."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(SEARCH_COLUMNS, parent)
        self.terms: tuple[str, ...] = ()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == COL_NOTE:
            segments = hit_segments(self.record(index.row()).snippet, self.terms)
            if role == SEGMENTS_ROLE:
                return segments
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                        Qt.ItemDataRole.ToolTipRole):
                return _plain(segments)
        return super().data(index, role)
