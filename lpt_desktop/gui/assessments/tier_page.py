"""The case's tier: the tier in force beside the suggested one, why they differ and what to do, the working
step by step, the predictor scores it rests on (old ones flagged), and every accept and override with the
working as it stood then.

Reads go through services/tiering.tier_view off the UI thread; accepting, overriding and recording scores are
writes, and the page reads itself again on the change they announce (as does the caseload's Tier column)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment.tier_types import CANNOT_TIER, MISSING, NOT_SUPERVISED
from lpt_desktop.gui.assessments.cards import BLUE, GREY, Banner, HeaderCard, status_lines
from lpt_desktop.gui.assessments.tier_dialogs import OverrideTierDialog, RecordScoresDialog
from lpt_desktop.gui.assessments.tier_models import (
    HISTORY_COLUMNS,
    PREDICTOR_COLUMNS,
    WORKING_COLUMNS,
    PredictorModel,
    WorkingModel,
)
from lpt_desktop.gui.assessments.tier_words import OLD_TIP, scheme_label, tier_phrase, tier_text
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import RecordTableModel, current_record, record_table, select_record
from lpt_desktop.services import tiering as svc
from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from lpt_desktop.gui.case_record.record_dialog import RecordDialog
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.tiering import TierDecisionRow, TierView

LOCKED = "unlock the caseload to change the record"


def _fit_rows(table: QTableView, most: int = 8) -> None:
    """Tall enough for its rows (up to `most`, then it scrolls): the page scrolls, not a dozen small boxes."""
    model = table.model()
    rows = model.rowCount() if model is not None else 0
    body = max(2, min(rows, most)) * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(body + table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + 2)


def _table(model: RecordTableModel, name: str, stretch: int, empty: str = "None recorded") -> QTableView:
    table = record_table(model, name, sortable=False, empty_text=empty)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    # One line a row, cut with "…" in a narrow window (the tooltip has it all): measured row heights followed
    # the page's width while it was still being laid out and left short lines in tall rows.
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(24)  # compact, as the caseload's rows
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return table


class TierPage(QWidget):
    """The Tier section of a case's Assessments tab (read-only without ops: the buttons say why)."""

    def __init__(self, person_id: str, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.ops = ops
        self.view: TierView | None = None
        self.dialog: RecordDialog | None = None

        self.in_force = HeaderCard("Tier in force", GREY)  # a tier as a large letter, what it is and its source
        self.suggested = HeaderCard("Suggested tier", BLUE)
        cards = QHBoxLayout()
        cards.addWidget(self.in_force, 1)
        cards.addWidget(self.suggested, 2)

        self.banner = Banner("Suggested tier differs")
        self.banner_text = self.banner.text
        self.banner.hide()
        self.provisional = QLabel("")
        self.provisional.setWordWrap(True)
        self.provisional.setAccessibleName("Provisional")
        self.provisional.setStyleSheet("color: #6b4a00;")
        self.provisional.hide()

        self.accept_button = QPushButton("Accept suggested &tier")
        self.accept_button.setAccessibleName("Accept suggested tier")
        self.accept_button.setToolTip("Put the suggested tier in force; the working is kept in the case's history")
        self.override_button = QPushButton("Ove&rride…")
        self.override_button.setAccessibleName("Override the suggested tier")
        self.override_button.setToolTip("Put another tier in force, with your reason")
        self.scores_button = QPushButton("Record &scores…")
        self.scores_button.setAccessibleName("Record predictor scores")
        self.scores_button.setToolTip("Enter OGRS3, RSR, ARP, CSRP and DC-SRP from the latest OASys assessment")
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.override_button, self.scores_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.status, self.error = status_lines("Tier status")

        self.working_model = WorkingModel(WORKING_COLUMNS)
        self.working = _table(self.working_model, "Tier working", 2, "No working yet")
        working_box = QGroupBox("How the suggested tier is worked out")
        QVBoxLayout(working_box).addWidget(self.working)

        self.predictor_model = PredictorModel(PREDICTOR_COLUMNS)
        self.predictors = _table(self.predictor_model, "Predictor scores", len(PREDICTOR_COLUMNS) - 1,
                                 "None recorded: record the scores from OASys with Record scores…")
        self.old_note = QLabel(f"⚠ {OLD_TIP}.")
        self.old_note.setWordWrap(True)
        self.old_note.setStyleSheet("color: #a4161a;")
        self.old_note.hide()
        predictor_box = QGroupBox("Predictor scores")
        predictor_layout = QVBoxLayout(predictor_box)
        predictor_layout.addWidget(self.predictors)
        predictor_layout.addWidget(self.old_note)

        self.history_model: RecordTableModel[TierDecisionRow] = RecordTableModel(HISTORY_COLUMNS)
        self.history = _table(self.history_model, "Tier decisions", 5)
        self.history_working_model = WorkingModel(WORKING_COLUMNS)
        self.history_working = _table(self.history_working_model, "Working at the chosen decision", 2,
                                      "Choose a decision above to see its working")
        self.history_label = QLabel("Working when that decision was made:")
        history_box = QGroupBox("Decisions: accepted and overridden tiers")
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.history)
        history_layout.addWidget(self.history_label)
        history_layout.addWidget(self.history_working)

        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addWidget(self.banner)
        layout.addWidget(self.provisional)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(working_box)
        layout.addWidget(predictor_box)
        layout.addWidget(history_box)
        layout.addStretch(1)

        self.accept_button.clicked.connect(self.accept_suggested)
        self.override_button.clicked.connect(self.override)
        self.scores_button.clicked.connect(self.record_scores)
        self.history.selectionModel().currentRowChanged.connect(lambda *_a: self._show_decision())
        self._enable()
        if ops is not None:
            ops.changed.connect(self._changed)

    # -- reading -----------------------------------------------------------------------------------
    def _changed(self, changes: Change) -> None:
        # The scheme in force is a caseload setting (Change.STANDARDS); scores and decisions are the case's.
        if changes & (Change.CASE | Change.REGISTER | Change.STANDARDS):
            # A note says what the officer's last action did ("Scores saved; ..."): after any other change (the
            # scheme, a sync) it may no longer hold. Ops emits changed before the write's on_ok, so this page's
            # own write clears the old note here and then _done shows the new one.
            self.status.clear()
            self.status.hide()
            self.refresh()

    def refresh(self) -> None:
        if self.ops is not None:
            self.ops.query(svc.tier_view, self.person_id, on_ok=self.show_view, on_error=self._read_failed,
                           owner=self, label="work out the suggested tier")

    def _read_failed(self, exc: BaseException) -> None:
        self._show_error(f"The suggested tier could not be worked out ({exc}). The record is unchanged; try again "
                         "after the next change, or lock and unlock the caseload.")

    def show_view(self, view: TierView) -> None:
        self.view = view
        s = view.suggested
        if view.in_force:
            scheme = scheme_label(view.in_force_scheme)
            self.in_force.show_value(tier_text(view.in_force), scheme,
                                    f"Tier in force: {tier_phrase(view.in_force)} ({scheme})")
        else:
            self.in_force.show_value("—", "None yet: accept or override the suggestion", "Tier in force: none yet")
        detail = view.scheme_label
        if s.protect is not None and s.change is not None:
            detail += (f"\nProtect level {s.protect.level} ({s.protect.points} points) · change level "
                       f"{s.change.level} ({s.change.points} points)")
        if s.provisional:
            detail += " · provisional: the reason is given below"
        self.suggested.show_value(tier_text(s.tier), detail,
                                 f"Suggested tier: {tier_phrase(s.tier)}" + (", provisional" if s.provisional else ""))
        self.banner_text.setText(self._banner(view))
        self.banner.setVisible(view.differs or s.tier in (MISSING, CANNOT_TIER))
        self.provisional.setText(f"<b>Provisional:</b> {s.provisional_why}" if s.provisional else "")
        self.provisional.setVisible(s.provisional)
        self.working_model.set_rows(list(s.working))
        self.predictor_model.set_rows(list(view.predictors))
        self.old_note.setVisible(any(p.old and p.in_use for p in view.predictors))
        chosen = current_record(self.history, self.history_model)
        self.history_model.set_rows(list(view.history))
        select_record(self.history, self.history_model, chosen.id if chosen else None)
        self._show_decision()
        for table in (self.working, self.predictors, self.history):
            _fit_rows(table, 12 if table is self.working else 8)
        self._enable()

    def _banner(self, view: TierView) -> str:
        s = view.suggested
        if s.tier == CANNOT_TIER:
            return (f"<b>{s.working[0].why}.</b> Record the corrected scores with Record scores… (Alt+S), or "
                    "override with your reason.")
        if s.tier == MISSING:
            missing = self._missing_scores()
            return (f"<b>The tier cannot be worked out yet:</b> the {missing} from OASys "
                    f"{'is' if ' and ' not in missing else 'are'} needed. Record them with Record scores… "
                    "(Alt+S), or override with your reason.")
        if not view.in_force:
            return (f"<b>No tier is in force yet.</b> The suggested tier is {tier_phrase(s.tier)}: check the "
                    "working below, then accept it (Alt+T) or override it with your reason (Alt+R).")
        if view.in_force_scheme and view.in_force_scheme != view.scheme:
            return (f"<b>The tier in force, {view.in_force}, was set under {scheme_label(view.in_force_scheme)}.</b> "
                    f"This caseload now tiers by {view.scheme_label}, which suggests {tier_phrase(s.tier)}: accept "
                    "it (Alt+T) or override it with your reason (Alt+R).")
        return (f"<b>The suggested tier, {tier_text(s.tier)}, differs from the tier in force, {view.in_force}.</b> "
                "Check the working below, then accept the suggested tier (Alt+T) or override it with your reason "
                "(Alt+R).")

    def _missing_scores(self) -> str:
        have = {p.kind for p in self.view.predictors} if self.view is not None else set()
        missing = [k for k in ("ARP", "CSRP") if k not in have] or ["ARP", "CSRP"]
        return " and ".join(missing) + (" score" if len(missing) == 1 else " scores")

    def _show_decision(self) -> None:
        decision = current_record(self.history, self.history_model)
        self.history_working_model.set_rows(list(decision.working) if decision is not None else [])
        if decision is not None:
            self.history_label.setText(f"Working on {decision.decided_on:%d/%m/%Y}, when {decision.officer} "
                                       f"{decision.action} tier {decision.tier}:")
        has = self.history_model.rowCount() > 0
        self.history_label.setVisible(has)
        self.history_working.setVisible(has)
        if has:
            _fit_rows(self.history_working, 12)

    def _enable(self) -> None:
        v = self.view
        loading = "the suggested tier is still being worked out"
        why = LOCKED if self.ops is None else loading if v is None else ""
        if not why and v is not None:
            if v.suggested.tier == NOT_SUPERVISED:
                why = "there is no current sentence, so the case is not supervised and there is no tier to accept"
            elif v.suggested.tier == MISSING:
                why = f"the {self._missing_scores()} needed: record them from OASys with Record scores…"
            elif v.suggested.tier == CANNOT_TIER:
                why = "a recorded score cannot be used: record the corrected scores with Record scores…"
        set_available(self.accept_button, not why, why)
        other = LOCKED if self.ops is None else loading if v is None else ""
        set_available(self.override_button, not other, other)
        set_available(self.scores_button, self.ops is not None, LOCKED)

    # -- acting ------------------------------------------------------------------------------------
    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def accept_suggested(self) -> None:
        v = self.view
        if self.ops is None or v is None or not self.accept_button.isEnabled():
            return
        person, tier = self.person_id, v.suggested.tier
        self._show_error("")
        set_available(self.accept_button, False, "saving the tier")
        self.ops.write(lambda db: svc.accept_tier(db, person), owner=self, label="accept the suggested tier",
                       on_ok=lambda _r: self._done(f"Tier {tier} accepted: it is now the tier in force."),
                       on_error=self._refused)

    def _refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        text = "\n".join(str(e) for e in errors) if errors else f"That did not work ({exc.__class__.__name__})"
        self._show_error(f"Not saved. {text}")
        self._enable()

    def _done(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))
        self.refresh()

    def _open(self, dialog: RecordDialog) -> RecordDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def override(self) -> RecordDialog | None:
        if self.ops is None or self.view is None:
            return None
        dialog = OverrideTierDialog(self.ops, self.view, self)
        dialog.saved.connect(lambda _r: self._done(
            f"Tier {dialog.tier.currentData()} put in force, overriding the suggestion; the reason is in the "
            "history below."))
        return self._open(dialog)

    def record_scores(self) -> RecordDialog | None:
        if self.ops is None:
            return None
        dialog = RecordScoresDialog(self.ops, self.person_id, self)
        dialog.saved.connect(lambda _r: self._done("Scores saved; the suggested tier below uses them."))
        return self._open(dialog)
