"""The contact entry panel: keyboard-first, sensible defaults, drafts saved every few seconds.

The common case needs no mouse: Ctrl+N opens the panel with the focus on Outcome; "a" picks
"Attended and complied", Tab moves to the notes, Ctrl+Return saves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.contacts import NO_OUTCOME, ContactInput, contact_codes
from lpt_desktop.domain.enforcement import enforcement_open, needs_judgement, offered_actions, policy
from lpt_desktop.gui.date_entry import DateTimeEntry
from lpt_desktop.gui.form_errors import FormErrors
from lpt_desktop.gui.shortcuts import local_shortcut

if TYPE_CHECKING:
    from lpt_desktop.services.rosh_plan import ActionView
    from lpt_desktop.services.sentence_plan import PlanLinkChoice

AUTOSAVE_MS = 3000
NO_OPEN_ACTIONS = "The case's risk management plan has no open actions."


COMBO_CHARS = 14  # a combo box this many characters wide at least: a long item must not widen the side panel


def action_text(a: ActionView) -> str:
    """How an open plan action reads beside its tick box, whole (the label wraps; plain text, so '&' is never
    an Alt key)."""
    # What first: the officer picks by what was done; who and where in the plan follow.
    text = f"{a.what or 'What not set'} ({a.who or 'who not set'}; {a.section_label.lower()} {a.number})"
    return " ".join(text.split())


class TickLabel(QLabel):
    """The words of a tick box, wrapped (a QCheckBox's own text never wraps, and a long one widened the form
    past its side panel); a click on them ticks the box, as a click on a tick box's own text does."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self.box = box
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A scroll area does not ask its widget's height for a width: each label asks for its wrapped height.
        super().resizeEvent(event)
        height = self.heightForWidth(self.width())
        if height > 0 and height != self.minimumHeight():
            self.setMinimumHeight(height)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.box.isEnabled():
            self.box.toggle()
            self.box.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)


def _combo(name: str, items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for label, data in items:
        box.addItem(label, data)
    return box


def _select(box: QComboBox, data: str) -> None:
    i = box.findData(data)
    box.setCurrentIndex(i if i >= 0 else 0)


class ContactEntry(QWidget):
    """Emits save_requested(input, amendment_reason) and draft_changed(input); the view does the I/O."""

    save_requested = Signal(object, str)
    draft_changed = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Record a contact")
        codes = contact_codes()
        self.amends_id: str | None = None
        self.dirty = False
        self._loading = False

        self.title = QLabel("<b>Record a contact</b>")
        self.errors = QLabel("")
        self.errors.setObjectName("errorLabel")
        self.errors.setWordWrap(True)
        self.errors.setAccessibleName("Problems to put right before saving")
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form_errors = FormErrors(self.errors)  # a field put right loses its message as it is edited

        self.when = DateTimeEntry("Date and time")
        self.type = _combo("Contact type", [(k.label, k.code) for k in codes.kinds.values()])
        self.location = QLineEdit()
        self.location.setAccessibleName("Location")
        self.present = QLineEdit()
        self.present.setAccessibleName("Who was present")
        self.present.setPlaceholderText("e.g. partner, support worker")
        # Attended and complied first, so typing "a" in Outcome picks the common case.
        self.outcome = _combo("Outcome", [(NO_OUTCOME, "")] + [(o.label, o.code) for o in codes.outcomes.values()])
        # A failure to attend is judged before enforcement is offered: "u" picks unacceptable, "a" acceptable.
        self.judgement = _combo("Judgement of the failure to attend", [
            ("Not yet judged", ""), ("Unacceptable", "unacceptable"), ("Acceptable (give reason, evidence)",
                                                                        "acceptable")])
        self.reason = _combo("Absence reason", [("", "")] + [(r.label, r.code)
                                                              for r in codes.absence_reasons.values()])
        self.evidence = _combo("Evidence", [("", "")] + [(e.label, e.code) for e in codes.evidence.values()])
        self.action = _combo("Enforcement action", [("Decide later (within 2 working days)", "")] + [
            (a.label, a.code) for a in policy().actions.values()])
        # Long items (an outcome, a contact type) must not widen the form past its side panel.
        for box in (self.outcome, self.type, self.judgement, self.reason, self.evidence, self.action):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(COMBO_CHARS)
        self.action_reason = QLineEdit()
        self.action_reason.setAccessibleName("Reason for the enforcement decision")
        self.action_reason.setPlaceholderText("Why this decision (required)")
        self._enforcement_open = False

        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("What happened, what was discussed, what was agreed. Ctrl+Return saves.")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(110)
        self.templates_button = QToolButton()
        self.templates_button.setText("Headings")
        self.templates_button.setAccessibleName("Insert note headings from a template")
        self.templates_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.templates_menu = QMenu(self.templates_button)
        self.templates_button.setMenu(self.templates_menu)

        self.risk_boxes = {code: QCheckBox(c.label) for code, c in codes.risk_areas.items()}
        # The needs assessment's sections (one vocabulary): their labels are long ("Financial management and
        # income"), so each box's words wrap beside it (TickLabel) rather than widen the form past its panel.
        self.need_boxes: dict[str, QCheckBox] = {}
        self.need_labels: dict[str, TickLabel] = {}
        for code, c in codes.needs.items():
            tick = QCheckBox()
            tick.setAccessibleName(c.label)
            tick.setToolTip(f"Tick if this contact worked on {c.label.lower()}")
            self.need_boxes[code] = tick
            self.need_labels[code] = TickLabel(c.label, tick)
        self.sensitive = QCheckBox("Sensitive")
        self.alert = QCheckBox("Alert")
        self.oversight = QCheckBox("Management oversight")
        self.upw_worked = self._hours("Hours worked")
        self.upw_credited = self._hours("Hours credited")
        self.upw_skills = QLineEdit()
        self.upw_skills.setAccessibleName("Skills developed")
        self.victim_views = QPlainTextEdit()
        self.victim_views.setAccessibleName("Victim's views on licence conditions")
        self.victim_views.setMaximumHeight(70)
        # The plan's open actions this contact delivered: the plan shows the contact as each one's evidence.
        self.action_boxes: dict[str, QCheckBox] = {}
        self.action_labels: dict[str, TickLabel] = {}  # each box's words, wrapped
        self._action_rows: list[QWidget] = []  # the boxes and their labels, in the group's grid
        self._kept_action_ids: tuple[str, ...] = ()  # linked before but no longer offered (done since): kept
        self.delivered_group = QGroupBox("Plan actions this contact delivered")
        self.delivered_group.setAccessibleName("Risk management plan actions this contact delivered")
        # A grid, not a row widget per action: a wrapped label's height for its width reaches the group through it.
        self.delivered_layout = QGridLayout(self.delivered_group)
        self.delivered_layout.setColumnStretch(1, 1)
        self.no_actions = QLabel(NO_OPEN_ACTIONS)
        self.no_actions.setWordWrap(True)
        self.delivered_layout.addWidget(self.no_actions, 0, 0, 1, 2)
        self.delivered_group.hide()
        # The sentence plan's open goals and steps this contact delivered (issue 20): each shows it as evidence.
        self.plan_boxes: dict[tuple[str, str], QCheckBox] = {}  # (goal | step, id) -> its box
        self._plan_rows: list[QWidget] = []
        self._kept_plan: tuple[tuple[str, str], ...] = ()  # linked before but no longer offered: kept
        self.plan_group = QGroupBox("Goals and steps this contact delivered")
        self.plan_group.setAccessibleName("Sentence plan goals and steps this contact delivered")
        self.plan_layout = QGridLayout(self.plan_group)
        self.plan_layout.setColumnStretch(1, 1)
        self.plan_group.hide()
        self.amend_reason = QLineEdit()
        self.amend_reason.setAccessibleName("Reason for amendment")
        self.amend_reason.setPlaceholderText("What was wrong with the original?")

        self.save_button = QPushButton("&Save contact")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save (Ctrl+Return)")
        self.cancel_button = QPushButton("Discard")
        self.draft_label = QLabel("")
        self.draft_label.setAccessibleName("Draft status")
        self.draft_label.setWordWrap(True)  # a narrow side panel: two lines rather than cut to a letter
        self._build_layout()

        self.outcome.currentIndexChanged.connect(self._refresh_enabled)
        self.judgement.currentIndexChanged.connect(self._refresh_enabled)
        self.type.currentIndexChanged.connect(self._refresh_enabled)
        self.save_button.clicked.connect(self._save)
        self.cancel_button.clicked.connect(self.cancelled)
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            local_shortcut(keys, self, self._save)
        local_shortcut(Qt.Key.Key_Escape, self, self.cancelled.emit)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.flush_draft)
        for w in (self.when, self.type, self.location, self.present, self.outcome, self.judgement, self.reason,
                  self.evidence,
                  self.action, self.action_reason, self.notes, self.upw_worked, self.upw_credited, self.upw_skills,
                  self.victim_views, self.amend_reason, self.sensitive, self.alert, self.oversight,
                  *self.risk_boxes.values(), *self.need_boxes.values()):
            signal = getattr(w, "textChanged", None) or getattr(w, "currentIndexChanged", None) or getattr(
                w, "valueChanged", None) or cast(QCheckBox, w).toggled
            signal.connect(self._changed)
        self.form_errors.watch([self.when, self.type, self.location, self.present, self.outcome, self.reason,
                                self.evidence, self.action, self.action_reason, self.notes, self.upw_worked,
                                self.upw_credited, self.upw_skills, self.victim_views, self.amend_reason])
        self._refresh_enabled()

    @staticmethod
    def _hours(name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setAccessibleName(name)
        box.setRange(0, 12)
        box.setSingleStep(0.25)
        box.setDecimals(2)
        box.setSuffix(" h")
        return box

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow("O&utcome", self.outcome)
        form.addRow("&Type", self.type)
        form.addRow("&When", self.when)
        form.addRow("&Location", self.location)
        form.addRow("&Present", self.present)
        form.addRow("&Judgement", self.judgement)
        self.reason_label = QLabel("Absence &reason")
        self.reason_label.setBuddy(self.reason)
        form.addRow(self.reason_label, self.reason)
        form.addRow("Ev&idence", self.evidence)
        form.addRow("Enforce&ment", self.action)
        form.addRow("Decision reason", self.action_reason)
        notes_head = QHBoxLayout()
        notes_label = QLabel("&Notes")
        notes_label.setBuddy(self.notes)
        notes_head.addWidget(notes_label)
        notes_head.addStretch(1)
        notes_head.addWidget(self.templates_button)

        risk = QGroupBox("Risk of harm addressed")
        risk_layout = QGridLayout(risk)
        for i, box in enumerate(self.risk_boxes.values()):
            risk_layout.addWidget(box, i // 2, i % 2)
        needs = QGroupBox("Needs worked on")
        needs_layout = QGridLayout(needs)
        for i, (code, box) in enumerate(self.need_boxes.items()):
            needs_layout.addWidget(box, i // 2, (i % 2) * 2, Qt.AlignmentFlag.AlignTop)
            needs_layout.addWidget(self.need_labels[code], i // 2, (i % 2) * 2 + 1)
        for column in (1, 3):
            needs_layout.setColumnStretch(column, 1)
        flags = QHBoxLayout()
        for box in (self.sensitive, self.alert, self.oversight):
            flags.addWidget(box)
        flags.addStretch(1)
        self.upw_group = QGroupBox("Unpaid work")
        upw = QFormLayout(self.upw_group)
        upw.addRow("Hours worked", self.upw_worked)
        upw.addRow("Hours credited", self.upw_credited)
        upw.addRow("Skills developed", self.upw_skills)
        self.victim_group = QGroupBox("Victim liaison")
        victim = QFormLayout(self.victim_group)
        victim.addRow("Victim's views on licence conditions", self.victim_views)
        self.amend_group = QGroupBox("Amendment")
        amend = QFormLayout(self.amend_group)
        amend.addRow("Reason", self.amend_reason)

        inner = QWidget()
        body = QVBoxLayout(inner)
        body.addWidget(self.title)
        body.addWidget(self.errors)
        body.addWidget(self.amend_group)
        body.addLayout(form)
        body.addLayout(notes_head)
        body.addWidget(self.notes, 1)
        body.addWidget(self.upw_group)
        body.addWidget(self.victim_group)
        body.addWidget(risk)
        body.addWidget(needs)
        body.addWidget(self.plan_group)
        body.addWidget(self.delivered_group)
        body.addLayout(flags)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        self.save_button.setMinimumWidth(130)
        buttons = QHBoxLayout()
        buttons.addWidget(self.draft_label, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)
        # Tab order for the fast path: Outcome -> Notes -> Save.
        # A failure to attend: Outcome -> Judgement -> (reason, evidence if acceptable) -> Enforcement -> Decision
        # reason -> Notes. Disabled fields are skipped, so the common case is still Outcome -> Notes.
        chain = [self.outcome, self.judgement, self.reason, self.evidence, self.action, self.action_reason,
                 self.notes, self.save_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- state -------------------------------------------------------------------------------------
    def set_templates(self, templates: dict[str, str]) -> None:
        self.templates_menu.clear()
        for name, body in templates.items():
            action = self.templates_menu.addAction(name)
            action.triggered.connect(lambda _c=False, b=body: self._insert_template(b))

    def _insert_template(self, body: str) -> None:
        cursor = self.notes.textCursor()
        if self.notes.toPlainText() and not self.notes.toPlainText().endswith("\n"):
            cursor.insertText("\n")
        cursor.insertText(body)
        self.notes.setFocus()

    def load(self, data: ContactInput, amends_id: str | None = None, title: str = "Record a contact") -> None:
        """Fill the form (defaults, a draft or a contact to amend) without marking it changed."""
        self._loading = True
        try:
            self.amends_id = amends_id
            self.title.setText(f"<b>{title}</b>")
            self.form_errors.clear()
            _select(self.type, data.type_code)
            when = data.starts_at or datetime.now()
            self.when.setValue(when)
            self.location.setText(data.location)
            self.present.setText(data.present)
            _select(self.outcome, data.outcome)
            _select(self.judgement, data.absence_judgement)
            _select(self.reason, data.absence_reason)
            _select(self.evidence, data.evidence)
            _select(self.action, data.enforcement_action)
            self.action_reason.setText(data.enforcement_reason)
            self.notes.setPlainText(data.notes)
            for code, box in self.risk_boxes.items():
                box.setChecked(code in data.risk_areas)
            for code, box in self.need_boxes.items():
                box.setChecked(code in data.needs)
            self.sensitive.setChecked(data.sensitive)
            self.alert.setChecked(data.alert)
            self.oversight.setChecked(data.management_oversight)
            self.upw_worked.setValue(data.upw_minutes_worked / 60)
            self.upw_credited.setValue(data.upw_minutes_credited / 60)
            self.upw_skills.setText(data.upw_skills)
            self.victim_views.setPlainText(data.victim_views)
            for aid, box in self.action_boxes.items():
                box.setChecked(aid in data.rmp_action_ids)
            self._kept_action_ids = tuple(a for a in data.rmp_action_ids if a not in self.action_boxes)
            linked = {("goal", g) for g in data.plan_objective_ids} | {("step", x) for x in data.plan_step_ids}
            for key, box in self.plan_boxes.items():
                box.setChecked(key in linked)
            self._kept_plan = tuple(k for k in sorted(linked) if k not in self.plan_boxes)
            self.amend_reason.clear()
            self.amend_group.setVisible(amends_id is not None)
            self.draft_label.setText("")
        finally:
            self._loading = False
        self.dirty = False
        self._refresh_enabled()
        self.outcome.setFocus()

    def value(self) -> ContactInput:
        # A date-time that is not one yet (being typed) is None: the service refuses it, a draft keeps it empty.
        return ContactInput(
            type_code=self.type.currentData() or "", starts_at=self.when.value(),
            outcome=self.outcome.currentData() or "", absence_reason=self.reason.currentData() or "",
            evidence=self.evidence.currentData() or "", location=self.location.text(), present=self.present.text(),
            notes=self.notes.toPlainText(),
            risk_areas=tuple(c for c, b in self.risk_boxes.items() if b.isChecked()),
            needs=tuple(c for c, b in self.need_boxes.items() if b.isChecked()),
            sensitive=self.sensitive.isChecked(), alert=self.alert.isChecked(),
            management_oversight=self.oversight.isChecked(),
            # An action left chosen before the judgement changed is not the officer's decision any more.
            enforcement_action=(self.action.currentData() or "") if self._enforcement_open else "",
            enforcement_reason=self.action_reason.text() if self._enforcement_open else "",
            absence_judgement=(self.judgement.currentData() or "") if needs_judgement(
                self.outcome.currentData() or "") else "",
            upw_minutes_worked=round(self.upw_worked.value() * 60),
            upw_minutes_credited=round(self.upw_credited.value() * 60),
            upw_skills=self.upw_skills.text(), victim_views=self.victim_views.toPlainText(),
            rmp_action_ids=self._kept_action_ids + tuple(a for a, b in self.action_boxes.items() if b.isChecked()),
            plan_objective_ids=self._plan_ids("goal"), plan_step_ids=self._plan_ids("step"))

    def _plan_ids(self, kind: str) -> tuple[str, ...]:
        ticked = [k for k, b in self.plan_boxes.items() if b.isChecked()]
        return tuple(i for k, i in (*self._kept_plan, *ticked) if k == kind)

    def offer_plan_items(self, items: Sequence[PlanLinkChoice]) -> None:
        """Offer the sentence plan's open goals and steps as tick boxes (steps indented under their goal); ticks
        of items still offered stay as they were."""
        ticked = {k for k, b in self.plan_boxes.items() if b.isChecked()} | set(self._kept_plan)
        for row in self._plan_rows:
            self.plan_layout.removeWidget(row)
            row.deleteLater()
        self._plan_rows = []
        self.plan_boxes = {}
        for i, item in enumerate(items):
            key = (item.kind, item.id)
            box = QCheckBox()
            box.setAccessibleName(f"Delivered {item.label}")
            box.setToolTip(f"{item.label}\nTick if this contact delivered it")
            box.setChecked(key in ticked)
            box.toggled.connect(self._changed)
            label = TickLabel(item.label if item.kind == "goal" else f"    {item.label}", box)
            label.setToolTip(box.toolTip())
            self.plan_layout.addWidget(box, i, 0, Qt.AlignmentFlag.AlignTop)
            self.plan_layout.addWidget(label, i, 1)
            self._plan_rows += [box, label]
            self.plan_boxes[key] = box
        self._kept_plan = tuple(k for k in self._kept_plan if k not in self.plan_boxes)
        self.plan_group.setVisible(bool(items) or bool(self._kept_plan))

    def offer_actions(self, actions: Sequence[ActionView]) -> None:
        """Offer these open plan actions as tick boxes (the case view sends them as the plan changes); ticks of
        actions still offered stay as they were."""
        ticked = {a for a, b in self.action_boxes.items() if b.isChecked()} | set(self._kept_action_ids)
        for row in self._action_rows:
            self.delivered_layout.removeWidget(row)
            row.deleteLater()
        self._action_rows = []
        self.action_boxes = {}
        self.action_labels = {}
        for i, a in enumerate(actions, start=1):
            box = QCheckBox()
            box.setAccessibleName(f"Delivered {a.section_label} action {a.number}")
            box.setAccessibleDescription(action_text(a))
            tip = action_text(a) + "\nTick if this contact delivered it" + (
                f" (due by {a.by_when:%d/%m/%Y})" if a.by_when else "")
            box.setToolTip(tip)
            box.setChecked(a.id in ticked)
            box.toggled.connect(self._changed)
            label = TickLabel(action_text(a), box)
            label.setToolTip(tip)
            self.delivered_layout.addWidget(box, i, 0, Qt.AlignmentFlag.AlignTop)
            self.delivered_layout.addWidget(label, i, 1)
            self._action_rows += [box, label]
            self.action_boxes[a.id] = box
            self.action_labels[a.id] = label
        self._kept_action_ids = tuple(a for a in self._kept_action_ids if a not in self.action_boxes)
        self.no_actions.setVisible(not actions)
        self.delivered_group.setVisible(bool(actions) or bool(self._kept_action_ids))

    def _refresh_enabled(self) -> None:
        codes = contact_codes()
        outcome = codes.outcomes.get(self.outcome.currentData() or "")
        kind = codes.kinds.get(self.type.currentData() or "")
        code = outcome.code if outcome else ""
        judge = needs_judgement(code)
        judgement = (self.judgement.currentData() or "") if judge else ""
        absence = bool(outcome and outcome.needs_reason) or judgement == "acceptable"
        failure = bool(outcome and outcome.failure)
        self._enforcement_open = enforcement_open(code, failure, judgement)
        # Fields that cannot apply are disabled, so Tab skips them: fewer stops on the keyboard path.
        self.judgement.setEnabled(judge)
        self.judgement.setToolTip("" if judge else "Only a failure to attend is judged acceptable or unacceptable")
        for w in (self.reason, self.evidence):
            w.setEnabled(absence)
            w.setToolTip("" if absence else "Only for an acceptable absence")
        for field in (self.action, self.action_reason):
            field.setEnabled(self._enforcement_open)
            field.setToolTip("" if self._enforcement_open else
                         "Judge the failure to attend first: enforcement follows an unacceptable one" if judge else
                         "Only for a failure (failed to attend or comply, sent home for behaviour, unacceptable "
                         "absence)")
        self.upw_group.setVisible(bool(kind and kind.unpaid_work))
        self.victim_group.setVisible(bool(kind and kind.restricted))

    def set_order_type(self, order_type: str) -> None:
        """Offer only the actions this sentence allows (recall on a licence only: CJA 2003 s.256AC for PSS)."""
        chosen = self.action.currentData() or ""
        self.action.blockSignals(True)
        try:
            self.action.clear()
            self.action.addItem("Decide later (within 2 working days)", "")
            for code in offered_actions(order_type):
                self.action.addItem(policy().actions[code].label, code)
            _select(self.action, chosen)
        finally:
            self.action.blockSignals(False)

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self.draft_label.setText("Draft not yet saved…")
        self._autosave.start()

    def mark_saving(self) -> None:
        """The form was handed to a save: nothing left to autosave as a draft (a failed save marks it dirty)."""
        self.dirty = False
        self._autosave.stop()

    def flush_draft(self) -> None:
        """Hand the current draft to whoever saves it (a worker); called by the timer and on lock."""
        self._autosave.stop()
        if self.dirty:
            self.draft_changed.emit(self.value())

    def mark_draft_saved(self, when: datetime) -> None:
        self.draft_label.setText(f"Draft saved {when:%H:%M:%S}")

    def show_errors(self, messages: list[str]) -> None:
        self.form_errors.show(messages)

    def _save(self) -> None:
        if not self.isVisible():
            return
        self._autosave.stop()
        if not self.when.validate():  # said under the field and at the top; nothing is saved with a wrong date
            self.show_errors([self.when.error()])
            self.when.setFocus()
            return
        self.save_requested.emit(self.value(), self.amend_reason.text())
