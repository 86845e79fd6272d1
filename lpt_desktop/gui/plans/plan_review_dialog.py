"""Review a completed sentence plan: every goal rated met, partly met or not met, with a note; a review that
changes nothing in the plan says why it stands.

The review starts on the first "Save and keep open" or "Complete review" (an open one is carried on), never on
opening alone (Cancel leaves no review behind), for the reason chosen from those the standards engine owes (a
significant change, such as a change of address, or the review interval: services.sentence_plan.review_reasons,
the owed one first, read when the dialog opens). While it is open the plan's goals and steps can be changed on the page:
"Save and keep open" keeps the ratings and closes the dialog so the officer can do that, and "Complete review"
completes it later, when the plan says what the review decided (the review compares the plan with the one it
started from, so a changed plan needs no reason)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QPlainTextEdit, QWidget

from lpt_desktop.domain.validation import FieldError
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.services import sentence_plan as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.sentence_plan import PlanView, ReviewView
    from lpt_desktop.store.database import Database


class PlanReviewDialog(RecordDialog):
    def __init__(self, ops: Ops, plan: PlanView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Review the sentence plan", parent, ok_text="Complete review",
                         intro="Rate every goal. The review is open while you change the plan's goals and steps: "
                               "save it and keep it open to do that, and complete it when the plan says what the "
                               "review decided. If nothing in the plan changes, say why it stands as it is.")
        self.plan_id, self.person_id = plan.id, plan.person_id
        open_review: ReviewView | None = next((r for r in plan.reviews if r.status != "complete"), None)
        self.review_id = open_review.id if open_review else None
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason for the review")
        self.reason.addItem("Due at the review interval", "interval")
        if open_review is not None and open_review.reason != "interval":
            self.reason.insertItem(0, open_review.reason_label, open_review.reason)
            self.reason.setCurrentIndex(0)
        self.form.addRow("&Reason", self.reason)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Whether the plan has changed in this review")
        self.form.addRow(self.state)
        under = set(open_review.goal_ids) if open_review and open_review.goal_ids else None
        self.rates: dict[str, QComboBox] = {}
        self.notes: dict[str, QPlainTextEdit] = {}
        for g in plan.goals:
            if (g.id not in under) if under is not None else g.status not in ("active", "future"):
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
        self.keep_open = self.buttons.addButton("Save and &keep open", QDialogButtonBox.ButtonRole.ActionRole)
        self.keep_open.setAccessibleName("Save the review and keep it open to change the plan")
        self.keep_open.clicked.connect(self.save_and_keep_open)
        self.reasons_read = open_review is not None
        if open_review is not None:
            self._show_state(open_review.changed)
        else:
            self._read_reasons()
        self.resize(560, min(700, self.sizeHint().height()))

    def _show_state(self, changed: bool) -> None:
        self.state.setText("The plan has changed since the review began." if changed else
                           "Nothing in the plan has changed since the review began: change its goals or steps on "
                           "the plan (save and keep the review open), or say below why it stands.")

    def _read_reasons(self) -> None:
        """Offer the reasons a review may be started for, the owed one first (a significant change before the
        interval when that is what falls due first). Nothing is written until the officer saves."""
        self.buttons.setEnabled(False)
        self.state.setText("Reading why the review is due…")
        person_id = self.person_id

        def read(result: Any) -> None:
            reasons: list[tuple[str, str]] = result
            as_shown = self._entries() == self._as_shown
            self.reason.clear()
            for code, label in reasons:
                self.reason.addItem(label, code)
            self.reason.setCurrentIndex(0)
            if as_shown:
                self._as_shown = self._entries()  # the reasons offered are not the officer's typing
            self.reasons_read = True
            self.buttons.setEnabled(True)
            self.state.setText("The review starts when you save it or complete it.")

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.reasons_read = True
            self.refused(exc)

        self.ops.query(svc.review_reasons, person_id, on_ok=read, on_error=failed, owner=self,
                       label="read why a review of the sentence plan is due")

    def _review_id(self, db: Database, reason: str | None) -> str:
        """The open review's id, starting it now (the first save) for the reason chosen."""
        if self.review_id is None:
            # Kept at once (the buttons are disabled until this write ends): if completing it is then refused,
            # the next try carries on with this review instead of being refused for starting a second one.
            self.review_id = svc.start_review(db, self.plan_id, reason or "interval")
        return self.review_id

    def value(self) -> svc.ReviewIn:
        ratings = {g: c.currentData() for g, c in self.rates.items() if c.currentData()}
        notes = {g: n.toPlainText() for g, n in self.notes.items() if n.toPlainText().strip()}
        return svc.ReviewIn(ratings, notes, self.no_change.toPlainText() or None,
                            reason=self.reason.currentData() or None)

    def save_and_keep_open(self) -> None:
        data = self.value()

        def save(db: Database) -> str:
            review_id = self._review_id(db, data.reason)
            svc.save_review(db, review_id, data)
            return review_id

        self.run(save, "save the review of the sentence plan")

    def submit(self) -> None:
        missing = [FieldError(c.accessibleName(), "choose met, partly met or not met")
                   for c in self.rates.values() if not c.currentData()]
        if missing:
            self.form_errors.show(missing)
            return
        data = self.value()

        def save(db: Database) -> None:
            review_id = self._review_id(db, data.reason)
            svc.save_review(db, review_id, data)
            svc.complete_review(db, review_id)

        self.run(save, "review the sentence plan")
