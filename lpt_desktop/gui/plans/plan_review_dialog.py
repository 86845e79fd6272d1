"""Review a completed sentence plan: every goal rated met, partly met or not met, with a note; a review that
changes nothing in the plan says why it stands. The review is started when the dialog is saved (an open one is
carried on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from lpt_desktop.domain.validation import FieldError
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.services import sentence_plan as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.sentence_plan import PlanView
    from lpt_desktop.store.database import Database


class PlanReviewDialog(RecordDialog):
    def __init__(self, ops: Ops, plan: PlanView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Review the sentence plan", parent, ok_text="Complete review",
                         intro="Rate every goal. If nothing in the plan changes, say why it stands as it is.")
        self.plan_id = plan.id
        open_review = next((r for r in plan.reviews if r.status != "complete"), None)
        self.review_id = open_review.id if open_review else None
        self.rates: dict[str, QComboBox] = {}
        self.notes: dict[str, QPlainTextEdit] = {}
        for g in plan.goals:
            if g.status not in ("active", "future"):
                continue
            combo = QComboBox()
            combo.setAccessibleName(f"Goal {g.number} rating")
            combo.addItem("Choose a rating", None)
            for code, label in svc.choices().review_ratings:
                combo.addItem(label, code)
            if open_review and g.id in open_review.ratings:
                combo.setCurrentIndex(max(0, combo.findData(open_review.ratings[g.id])))
            note = QPlainTextEdit(open_review.notes.get(g.id, "") if open_review else "")
            note.setAccessibleName(f"Goal {g.number} progress note")
            note.setTabChangesFocus(True)
            note.setMaximumHeight(50)
            self.form.addRow(QLabel(f"<b>Goal {g.number}</b>: {g.title}"))
            self.form.addRow("Rating", combo)
            self.form.addRow("Progress", note)
            self.rates[g.id], self.notes[g.id] = combo, note
        self.no_change = QPlainTextEdit(open_review.no_change_reason if open_review else "")
        self.no_change.setAccessibleName("Why the plan stands as it is")
        self.no_change.setTabChangesFocus(True)
        self.no_change.setMaximumHeight(60)
        self.form.addRow("If nothing changes, &why", self.no_change)
        self.resize(560, min(700, self.sizeHint().height()))

    def value(self) -> svc.ReviewIn:
        ratings = {g: c.currentData() for g, c in self.rates.items() if c.currentData()}
        notes = {g: n.toPlainText() for g, n in self.notes.items() if n.toPlainText().strip()}
        return svc.ReviewIn(ratings, notes, self.no_change.toPlainText() or None)

    def submit(self) -> None:
        missing = [FieldError(c.accessibleName(), "choose met, partly met or not met")
                   for c in self.rates.values() if not c.currentData()]
        if missing:
            self.form_errors.show(missing)
            return
        plan_id, review_id, data = self.plan_id, self.review_id, self.value()

        def save(db: Database) -> None:
            # A review left open by a refused completion is carried on, not started twice.
            open_now = next((r.id for r in svc.plan_view(db, plan_id).reviews if r.status != "complete"), None)
            rid = review_id or open_now or svc.start_review(db, plan_id)
            svc.save_review(db, rid, data)
            svc.complete_review(db, rid)

        self.run(save, "review the sentence plan")
