"""The caseload as a Qt model, and the proxy that sorts and filters it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from lpt_desktop.assessment.tier_types import CANNOT_TIER, MISSING, NOT_SUPERVISED
from lpt_desktop.assessment.tiering import scheme_of_tier
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.assessments.tier_words import scheme_label, tier_phrase, tier_text
from lpt_desktop.gui.table_model import SORT_ROLE, Column, RecordTableModel
from lpt_desktop.services.caseload import due_order, is_overdue

if TYPE_CHECKING:
    from lpt_desktop.services.caseload import CaseloadColumns, CaseloadRow

FLAG_NAMES = {"MAPPA": "MAPPA", "CP": "Child protection", "DA": "Domestic abuse", "PPO": "PPO/IOM",
              "RECALLED": "Recalled"}
ROSH_COLOURS = {"VH": "#8b0000", "H": "#b3261e", "M": "#8a5a00", "L": "#2e6b30"}
OVERDUE_COLOUR = "#a4161a"
DIFFERS_COLOUR = "#8a5a00"  # amber: not wrong, but the officer has a decision to make
DEFAULT_SORT = ("Next due", Qt.SortOrder.AscendingOrder)  # what to do first at the top


def tier_order(tier: str) -> tuple[str, str]:
    # A is the highest tier in both schemes (A-G; A3 to D0): letter ascending, then change level descending.
    # No tier, "not supervised" and "missing" come after every letter.
    if not tier or tier in (NOT_SUPERVISED, MISSING, CANNOT_TIER):
        return ("~", tier)
    return (tier[:1], str(9 - int(tier[1])) if len(tier) > 1 and tier[1].isdigit() else "9")


def _tier_key(r: CaseloadRow) -> tuple[tuple[str, str], tuple[str, str]]:
    # By the tier in force; among equal tiers, a case whose suggestion is higher first (it may need more).
    return tier_order(r.tier), tier_order(r.suggested_tier if r.tier_differs else r.tier)


TIER_DIFFERS = "*differs"  # the tier filter's entry for cases whose suggested tier differs from the one in force


def tier_matches(r: CaseloadRow, letter: str, scheme: str) -> bool:
    """Whether the tier in force is a tier of `letter` in `scheme`, read with its own scheme (or its form's): a
    2026 D is not the A-D scheme's D3, nor the other way round. Tiers of the other scheme always differ from the
    suggestion (tiering.tier_differs), so the filter lists them under "Suggested tier differs"."""
    if not r.tier or (r.tier_scheme or scheme_of_tier(r.tier)) != scheme:
        return False
    return r.tier.strip().upper().startswith(letter)


def tier_cell(r: CaseloadRow) -> str:
    """The tier in force; a differing suggestion is marked beside it ("B ▸ C")."""
    shown = r.tier or NOT_SET
    return f"{shown} ▸ {tier_text(r.suggested_tier)}" if r.tier_differs else shown


def _flags_tip(r: CaseloadRow) -> str:
    names = [FLAG_NAMES[f] + (f" ({r.mappa})" if f == "MAPPA" and r.mappa else "") for f in r.flags]
    return "\n".join(names) or "No flags"


# A new case has no tier or RoSH yet: the narrow columns show a dash (blank read as missing data, and "Not
# assessed" was cut to "Not ..."), and the tooltip says it in the case header's words.
NOT_SET = "—"


def _tier_tip(r: CaseloadRow) -> str:
    shown = (f"Tier {r.tier}" + (f" ({scheme_label(r.tier_scheme)})" if r.tier_scheme else "")) if r.tier \
        else "Tier not set"
    if not r.tier_differs:
        return shown
    scheme = scheme_label(r.suggested_scheme)
    return (f"{shown}\nSuggested {tier_phrase(r.suggested_tier)} ({scheme}): open the case's Assessments tab to "
            "accept or override")


# What the next-due column says while the engine is working it out (the rows are painted first after an unlock):
# never a date or a blank that could be read as "nothing due".
WORKING_OUT = "Working out…"


def _tier_tip_or_working(r: CaseloadRow) -> str:
    shown = _tier_tip(r)
    return f"{shown}\nThe suggested tier is being worked out" if r.columns_pending else shown


def _rosh_tip(r: CaseloadRow) -> str:
    return f"RoSH: {r.rosh_label}" if r.rosh_rank else "RoSH: not assessed"


CASELOAD_COLUMNS: list[Column[CaseloadRow]] = [
    Column("CRN", lambda r: r.crn),
    Column("Name", lambda r: r.name),
    Column("Order", lambda r: r.order_label),
    Column("Tier", tier_cell, sort=_tier_key, tooltip=_tier_tip_or_working, align_centre=True),
    Column("RoSH", lambda r: r.rosh_label if r.rosh_rank else NOT_SET, sort=lambda r: -r.rosh_rank, tooltip=_rosh_tip),
    Column("Flags", lambda r: "  ".join(r.flags), sort=lambda r: (-len(r.flags), r.flags), tooltip=_flags_tip),
    Column("Next due", lambda r: WORKING_OUT if r.columns_pending else format_date(r.next_due), sort=due_order),
    Column("Due for", lambda r: r.next_due_what),
]
COL_CRN, COL_NAME, COL_ORDER, COL_TIER, COL_ROSH, COL_FLAGS, COL_DUE, COL_DUE_FOR = range(len(CASELOAD_COLUMNS))


# The roles this model answers (RecordTableModel.data and extra_data below). Qt asks for about eight roles a cell
# when it sizes and paints one (decoration, check state, background and more): those are None at once, without the
# record, the column and the role tests (a team manager's 600 cases were sized in 250 ms of CPU; bench/
# gui-unlock-paint).
_ANSWERED = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, SORT_ROLE, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole))


class CaseloadTableModel(RecordTableModel["CaseloadRow"]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(CASELOAD_COLUMNS, parent)
        self.today = date.today()
        self._bold = QFont()
        self._bold.setBold(True)
        self._width = len(CASELOAD_COLUMNS)

    def index(self, row: int, column: int,
              parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt's
        # QAbstractTableModel.index asks rowCount and columnCount (two Python calls) for every cell: the same
        # bounds test here is one.
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < self._width):
            return QModelIndex()
        return self.createIndex(row, column)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED:
            return None
        return super().data(index, role)

    def set_rows(self, rows: Any) -> None:
        self.today = date.today()  # the app may stay open for days: overdue marks follow the calendar
        super().set_rows(rows)

    @property
    def columns_pending(self) -> bool:
        """Some rows wait for their next-due and suggested-tier columns (fill_columns)."""
        return any(r.columns_pending for r in self._rows)

    def fill_columns(self, columns: CaseloadColumns) -> bool:
        """Fill the waiting rows' next-due and suggested-tier columns in place (the selection and scroll stay), then
        sort again if sorted (a sort by those columns put the waiting rows last). False if none was waiting (rows
        loaded since carry their own, newer columns)."""
        from lpt_desktop.services.caseload import fill_columns

        waiting = [i for i, r in enumerate(self._rows) if r.columns_pending]
        if not waiting:
            return False
        for i, row in zip(waiting, fill_columns([self._rows[i] for i in waiting], columns), strict=True):
            self._rows[i] = row
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self._width - 1))
        if self.sorted_by is not None:
            self.sort(*self.sorted_by)
        return True

    def extra_data(self, rec: CaseloadRow, column: int, role: int) -> Any:
        if column == COL_TIER and rec.tier_differs:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(DIFFERS_COLOUR))
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        if column == COL_ROSH and role == Qt.ItemDataRole.ForegroundRole and rec.rosh in ROSH_COLOURS:
            return QBrush(QColor(ROSH_COLOURS[rec.rosh]))
        if column == COL_ROSH and role == Qt.ItemDataRole.FontRole and rec.rosh in ("H", "VH"):
            return self._bold
        if column in (COL_DUE, COL_DUE_FOR) and rec.columns_pending and role == Qt.ItemDataRole.ToolTipRole:
            return "What is due is being worked out"
        if column in (COL_DUE, COL_DUE_FOR) and rec.next_due is not None:
            days = (rec.next_due - self.today).days
            overdue = is_overdue(rec)  # the engine's word, as the status bar counts it (not the clock's)
            if role == Qt.ItemDataRole.ForegroundRole and overdue:
                return QBrush(QColor(OVERDUE_COLOUR))
            if role == Qt.ItemDataRole.FontRole and (overdue or days <= 2):
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole:
                if overdue:
                    return "Overdue"
                return "Due today" if days == 0 else (f"Due in {days} days" if days > 0 else "Due")
        return None


class CaseloadFilterProxy(QSortFilterProxyModel):
    """Free text (name or CRN) plus tier letter, RoSH level and order type.

    It filters only: sorting is passed to the source model, which sorts its list in C
    (RecordTableModel.sort), so clearing a filter never re-sorts through Python comparisons.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._terms: tuple[str, ...] = ()
        self._tier = ""
        self.scheme = ""  # the scheme in preferences: a tier letter matches only that scheme's tiers
        self._rosh = ""
        self._order = ""

    def set_filters(self, text: str | None = None, tier: str | None = None, rosh: str | None = None,
                    order: str | None = None) -> None:
        self.beginFilterChange()
        if text is not None:
            self._text = text.strip().casefold()
            # "Tony Bennett" finds "Bennett, Tony": every word must appear, in any order.
            self._terms = tuple(t.strip(",") for t in self._text.split() if t.strip(","))
        if tier is not None:
            self._tier = tier
        if rosh is not None:
            self._rosh = rosh
        if order is not None:
            self._order = order
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    @property
    def is_filtered(self) -> bool:
        return bool(self._text or self._tier or self._rosh or self._order)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        rec: CaseloadRow = self.sourceModel().record(source_row)  # type: ignore[attr-defined]
        if self._terms and not all(t in rec.search_key for t in self._terms):
            return False
        if self._tier == TIER_DIFFERS:
            if not rec.tier_differs:
                return False
        elif self._tier and not tier_matches(rec, self._tier, self.scheme):
            return False
        if self._rosh and rec.rosh != self._rosh:
            return False
        return not (self._order and rec.order_type != self._order)
