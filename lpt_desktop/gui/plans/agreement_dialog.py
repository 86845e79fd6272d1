"""The person's voice: their own words on what they want to change, how they took part, and whether they agree with the
plan ("yes", "no, I do not agree", "could not answer", the last two with the reason, up to 4,000 characters). "Yes"
stays disabled, with the reasons listed, until the plan is ready to agree; the person can say they do not agree, or
could not answer, at any time, and their words can be saved before then. On a completed plan, saving with a changed
answer, reason or words records an updated agreement (their words kept with it); saving without a change records
nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QButtonGroup, QGroupBox, QLabel, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget

from lpt_desktop.domain.validation import FieldError
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.services import sentence_plan as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.sentence_plan import PlanView

MNEMONIC = {"yes": "&Yes, I agree", "no": "N&o, I do not agree", "could_not_answer": "&Could not answer"}


class AgreementDialog(RecordDialog):
    def __init__(self, ops: Ops, plan: PlanView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "The person's words and agreement", parent, ok_text="Save",
                         intro=f"In {plan.person_name}'s own words: what they want to change, and whether they "
                               "agree with the plan.")
        self.ch = svc.choices()
        self.plan_id = plan.id
        self.shown_words: str | None = plan.persons_words
        self.completed = plan.status == "complete"
        self.words = QPlainTextEdit(plan.persons_words)
        self.words.setAccessibleName("The person's own words")
        self.words.setTabChangesFocus(True)
        self.words.setPlaceholderText("e.g. I want my own place and to stop sofa surfing")
        self.words.setMaximumHeight(90)
        self.involvement = QPlainTextEdit(plan.involvement)
        self.involvement.setAccessibleName("How they took part")
        self.involvement.setTabChangesFocus(True)
        self.involvement.setPlaceholderText("e.g. Wrote the plan together at the office")
        self.involvement.setMaximumHeight(60)
        if self.completed:
            # Their new words go with an updated agreement; how they took part was recorded with the plan.
            last = plan.agreement.persons_words if plan.agreement and plan.agreement.persons_words else ""
            self.words.setPlainText(last or plan.persons_words)
            self.shown_words = None
            self.involvement.setEnabled(False)
            self.involvement.setToolTip("Recorded when the plan was completed: a new version records it again")
        self.form.addRow("Their &words", self.words)
        self.form.addRow("How they took &part", self.involvement)

        self.agree_box = QGroupBox("Do they agree with the plan?")
        self.agree_box.setAccessibleName("Whether they agree with the plan")
        box = QVBoxLayout(self.agree_box)
        self.not_ready = QLabel("")
        self.not_ready.setWordWrap(True)
        self.not_ready.setAccessibleName("Why the plan cannot be agreed yet")
        self.not_ready.setStyleSheet("color: #8a4b00;")
        box.addWidget(self.not_ready)
        self.answers = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for code, label in self.ch.agreement_answers:
            r = QRadioButton(MNEMONIC.get(code, label))
            r.setAccessibleName(label)
            self.answers.addButton(r)
            self.radios[code] = r
            box.addWidget(r)
        self.reason = QPlainTextEdit(plan.agreement.reason if plan.agreement else "")
        self.reason.setAccessibleName("Why (required unless they agree)")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("Why they do not agree, or why they could not answer")
        self.reason.setMaximumHeight(80)
        self.count = QLabel("")
        self.count.setAccessibleName("Characters used")
        box.addWidget(QLabel("Why (required for “no” and “could not answer”):"))
        box.addWidget(self.reason)
        box.addWidget(self.count)
        self.form.addRow(self.agree_box)
        if plan.agreement is not None and plan.agreement.agreement in self.radios:
            self.radios[plan.agreement.agreement].setChecked(True)
            again = ("Change their answer, the reason or their words to record an updated agreement"
                     if self.completed else "Change their answer or the reason to record it again")
            self.previous = QLabel(f"Last recorded {plan.agreement.on_date:%d/%m/%Y}: "
                                   f"{plan.agreement.agreement_label}. {again}; saving without a change records "
                                   "nothing new.")
            self.previous.setWordWrap(True)
            box.insertWidget(1, self.previous)
        if not plan.ready_to_agree:
            # Only "yes" waits for the plan to be ready: they can disagree with, or not answer on, a plan at any time.
            yes = self.radios.get("yes")
            if yes is not None:
                if yes.isChecked():  # an earlier yes, before the plan changed: not offered again until ready
                    self.answers.setExclusive(False)
                    yes.setChecked(False)
                    self.answers.setExclusive(True)
                yes.setEnabled(False)
                yes.setToolTip("The plan cannot be agreed until it is ready: see the reasons above")
            self.not_ready.setText("The plan cannot be agreed (“yes”) yet:\n" +
                                   "\n".join(f"• {r}" for r in plan.not_ready_because) +
                                   "\nTheir words, and a “no” or “could not answer” with the reason, can be "
                                   "saved now.")
        else:
            self.not_ready.hide()
        self.reason.textChanged.connect(self._counted)
        self._counted()
        self.resize(560, self.sizeHint().height())

    def _counted(self) -> None:
        n, most = len(self.reason.toPlainText()), self.ch.reason_max_chars
        self.count.setText(f"{n:,} of {most:,} characters")
        self.count.setStyleSheet("color: #b00020;" if n > most else "color: #555;")

    def answer(self) -> str | None:
        return next((c for c, r in self.radios.items() if r.isChecked()), None)

    def submit(self) -> None:
        answer = self.answer()
        reason = self.reason.toPlainText()
        errors: list[FieldError] = []
        if answer in self.ch.reason_required_for and not reason.strip():
            errors.append(FieldError("Why", "say why they do not agree or could not answer"))
        if len(reason) > self.ch.reason_max_chars:
            errors.append(FieldError("Why", f"is over {self.ch.reason_max_chars:,} characters: shorten it"))
        if errors:
            self.form_errors.show(errors)
            return
        words = self.words.toPlainText()
        if len(words) > 4000:
            self.form_errors.show([FieldError("Their words", f"are {len(words):,} characters long: shorten them to "
                                                             "4,000 or fewer")])
            return
        plan_id, before = self.plan_id, self.shown_words
        involvement = None if self.completed else self.involvement.toPlainText()
        agreement = svc.AgreementIn(answer, reason) if answer is not None else None

        # One service call, one transaction: the words and the agreement together, and an agreement recorded only
        # when the answer, the reason or (on a completed plan) their words changed.
        self.run(lambda db: svc.save_agreement(db, plan_id, words, involvement, agreement, before=before),
                 "save the person's words and agreement")
