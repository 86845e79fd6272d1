"""The needs assessment form (issue 20): each OASys needs section (no need, standard or severe as radio buttons,
linked to risk of harm, linked to reoffending, an evidence note), the Skills for Life screening (a positive one
asks for a referral and says a learning plan will be needed), barriers to engagement with the adjustment for
each (the service takes them from and writes them back to the case record), and Complete, whose problems name
each field and go to it when chosen.

As in the RoSH form, through gui/assessments/autosaved_form.py: everything typed is a draft, sent a moment after
typing stops, on closing and before a lock, each changed field with the value the form showed, so a field another
laptop changed meanwhile is refused rather than overwritten (the officer's text is kept beside it, "Your text,
not saved"). Text carried forward from the last assessment is marked with its age and confirmed per section."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment.needs import needs_data
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.assessments.autosaved_form import ERROR_STYLE, HELP_STYLE, WARN_STYLE, AutosavedForm, OnError, OnOk
from lpt_desktop.gui.assessments.tier_words import needs_in_tier
from lpt_desktop.gui.assessments.wheel_guard import guard_wheel
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.services import needs as svc
from lpt_desktop.services.tiering import tier_scheme

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.needs import NeedsCompletion, NeedsView

# The Skills for Life labels' Alt letters (Alt+C is Complete's, Alt+O Close's, Alt+D Discard's).
SKILLS_MNEMONICS = {"literacy": "&Literacy", "numeracy": "&Numeracy", "language": "Lan&guage"}


def _buddy(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    return label


def _scrolled(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    return area


class _Section:
    def __init__(self, key: str, label: str, help_text: str, parent_layout: QVBoxLayout,
                 confirm: Callable[[str], None]) -> None:
        self.key = key
        self.box = QGroupBox(label)
        self.box.setAccessibleName(label)
        self.box.setToolTip(help_text)
        grid = QVBoxLayout(self.box)
        row = QHBoxLayout()
        self.group = QButtonGroup(self.box)
        self.radios: dict[str, QRadioButton] = {}
        for code, words in needs_data().severities.items():
            r = QRadioButton(words)
            r.setAccessibleName(f"{label}: {words}")
            self.group.addButton(r)
            self.radios[code] = r
            row.addWidget(r)
        row.addSpacing(20)
        self.harm = QCheckBox("Linked to risk of harm")
        self.harm.setAccessibleName(f"{label}: linked to risk of harm")
        self.reoffending = QCheckBox("Linked to reoffending")
        self.reoffending.setAccessibleName(f"{label}: linked to reoffending")
        row.addWidget(self.harm)
        row.addWidget(self.reoffending)
        row.addStretch(1)
        grid.addLayout(row)
        self.evidence = QPlainTextEdit()
        self.evidence.setAccessibleName(f"{label} evidence")
        self.evidence.setPlaceholderText("Evidence: what you saw or were told, and where from")
        self.evidence.setTabChangesFocus(True)
        self.evidence.setMaximumHeight(60)
        grid.addWidget(self.evidence)
        carried_row = QHBoxLayout()
        self.carried = QLabel("")
        self.carried.setWordWrap(True)
        self.carried.setAccessibleName(f"{label}: carried forward")
        self.confirm = QPushButton("Still holds")
        self.confirm.setAccessibleName(f"Confirm the carried {label.lower()} evidence still holds")
        self.confirm.setAutoDefault(False)
        self.confirm.clicked.connect(lambda: confirm(f"section.{key}.evidence"))
        carried_row.addWidget(self.carried, 1)
        carried_row.addWidget(self.confirm)
        grid.addLayout(carried_row)
        parent_layout.addWidget(self.box)

    def severity(self) -> str | None:
        return next((c for c, r in self.radios.items() if r.isChecked()), None)

    def set_severity(self, code: object) -> None:
        self.group.setExclusive(False)  # an exclusive group cannot be cleared back to "not rated"
        for c, r in self.radios.items():
            r.setChecked(c == code)
        self.group.setExclusive(True)


class NeedsForm(AutosavedForm):
    """One needs assessment. `completed` carries the NeedsCompletion once the write committed."""

    completed = Signal(object)
    DRAFT_NAME = "needs assessment"
    EDITING_TEXT = "Saving…"

    def __init__(self, ops: Ops, assessment_id: str, parent: QWidget | None = None, read_only: bool = False) -> None:
        super().__init__(ops, assessment_id, parent, read_only)
        self.view: NeedsView | None = None
        self.scheme: str | None = None  # the tiering scheme in Preferences: what the tier reads of the needs
        self.setWindowTitle("Needs assessment")
        self.setAccessibleName("Needs assessment")
        self.resize(1000, 760)
        d = needs_data()

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Parts of the needs assessment")
        # Sections
        inner = QWidget()
        sl = QVBoxLayout(inner)
        intro = QLabel("Rate each area: no need, standard or severe (arrow keys move between the three). Say whether "
                       "it is linked to risk of harm or to reoffending, and the evidence for any need.")
        intro.setWordWrap(True)
        intro.setStyleSheet(HELP_STYLE)
        sl.addWidget(intro)
        self.sections = {s.key: _Section(s.key, s.label, s.help, sl, self.confirm_carried) for s in d.sections}
        sl.addStretch(1)
        self.tabs.addTab(_scrolled(inner), "Sections")
        # Skills for Life
        skills = QWidget()
        kl = QVBoxLayout(skills)
        self.skills: dict[str, QComboBox] = {}
        for area, label in d.skills_areas.items():
            combo = QComboBox()
            combo.setAccessibleName(f"Skills for Life {label.lower()}")
            combo.addItem("Not yet recorded", None)
            for code, words in d.skills_results.items():
                combo.addItem(words, code)
            self.skills[area] = combo
            row = QHBoxLayout()
            row.addWidget(_buddy(SKILLS_MNEMONICS.get(area, label), combo), 1)
            row.addWidget(combo, 2)
            kl.addLayout(row)
        self.referred_on = DateEntry("Referred for a full assessment", optional=True)
        self.full_assessment = QComboBox()
        self.full_assessment.setAccessibleName("Full assessment of learning needs")
        self.full_assessment.addItem("Not yet known", None)
        for code, words in d.full_assessment_results.items():
            self.full_assessment.addItem(words, code)
        pairs: tuple[tuple[str, QWidget], ...] = (("&Referred for a full assessment on", self.referred_on),
                                                  ("&Full assessment found", self.full_assessment))
        for label, field in pairs:
            row = QHBoxLayout()
            row.addWidget(_buddy(label, field), 1)
            row.addWidget(field, 2)
            kl.addLayout(row)
        self.learning = QLabel("")
        self.learning.setWordWrap(True)
        self.learning.setAccessibleName("Referral and learning plan")
        self.learning.setStyleSheet(WARN_STYLE)
        kl.addWidget(self.learning)
        kl.addStretch(1)
        self.tabs.addTab(skills, "Skills for Life")
        # Barriers
        binner = QWidget()
        bl = QVBoxLayout(binner)
        bintro = QLabel("Diversity and barriers to engagement, with the adjustment made for each. A barrier the "
                        "case record shows (or the last Skills for Life screening found) starts as present: change "
                        "any that is not. Completing writes them back: a disability's adjustment to the disability "
                        "(with several, a line each: \"Dyslexia: letters read aloud\"), each other barrier as its "
                        "line of the individual needs, replacing the earlier one.")
        bintro.setWordWrap(True)
        bintro.setStyleSheet(HELP_STYLE)
        bl.addWidget(bintro)
        self.barriers: dict[str, tuple[QComboBox, QPlainTextEdit, QLabel]] = {}
        for b in d.barriers:
            box = QGroupBox(b.label)
            box.setToolTip(b.help)
            gl = QVBoxLayout(box)
            present = QComboBox()
            present.setAccessibleName(f"{b.label}: a barrier?")
            for words, value in (("Not yet assessed", None), ("No", False), ("Yes: an adjustment is needed", True)):
                present.addItem(words, value)
            adjustment = QPlainTextEdit()
            adjustment.setAccessibleName(f"{b.label} adjustment")
            adjustment.setPlaceholderText("The adjustment made, e.g. " + b.help.partition("e.g. ")[2])
            adjustment.setTabChangesFocus(True)
            adjustment.setMaximumHeight(50)
            note = QLabel("")
            note.setWordWrap(True)
            note.setStyleSheet(HELP_STYLE)
            gl.addWidget(present)
            gl.addWidget(adjustment)
            gl.addWidget(note)
            bl.addWidget(box)
            self.barriers[b.key] = (present, adjustment, note)
        bl.addStretch(1)
        self.tabs.addTab(_scrolled(binner), "Barriers")
        # Complete
        done = QWidget()
        dl = QVBoxLayout(done)
        self.tiering = QLabel("")
        self.tiering.setWordWrap(True)
        self.tiering.setAccessibleName("Valid for tiering")
        self.tiering.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        dl.addWidget(self.tiering)
        self.problems = QListWidget()
        self.problems.setAccessibleName("Problems stopping completion")
        self.problems.setToolTip("Enter or double-click a problem to go to its field")
        self.problems_label = QLabel("Before it can be completed:")
        dl.addWidget(self.problems_label)
        dl.addWidget(self.problems, 1)
        self.complete_error = QLabel("")
        self.complete_error.setWordWrap(True)
        self.complete_error.setStyleSheet(ERROR_STYLE)
        self.complete_error.hide()
        dl.addWidget(self.complete_error)
        self.complete_button = QPushButton("&Complete assessment")
        self.complete_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.complete_button)
        row.addStretch(1)
        dl.addLayout(row)
        self.tabs.addTab(done, "Complete")

        self.saved_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_label, 1)
        bottom.addWidget(self.discard_button)
        bottom.addWidget(self.close_button)
        self.outer = QVBoxLayout(self)
        self.outer.addWidget(self.tabs, 1)
        self.outer.addLayout(bottom)

        for s in self.sections.values():
            s.group.buttonToggled.connect(self._edited)
            s.harm.toggled.connect(self._edited)
            s.reoffending.toggled.connect(self._edited)
            s.evidence.textChanged.connect(self._edited)
        for combo in (*self.skills.values(), self.full_assessment):
            combo.currentIndexChanged.connect(self._edited)
        self.referred_on.lineEdit().textChanged.connect(self._edited)
        for present, adjustment, _n in self.barriers.values():
            present.currentIndexChanged.connect(self._edited)
            adjustment.textChanged.connect(self._edited)
        # Enter or a double-click (not a single click: its tab switch put the double-click's second press on
        # whatever field was under the mouse on the new tab, which took the focus and could be ticked).
        self.problems.itemActivated.connect(self._problem_chosen)
        self.complete_button.clicked.connect(self.complete)
        if read_only:
            for w in self.tabs.findChildren(QWidget):
                if isinstance(w, (QAbstractButton, QComboBox, QPlainTextEdit)):
                    w.setEnabled(False)
            self.referred_on.setEnabled(False)
            self.problems.setEnabled(True)
        guard_wheel(self)  # the wheel scrolls the page, not an answer the officer is not choosing
        self.reload()

    # -- reading ----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.scheme is None:
            self.ops.query(tier_scheme, on_ok=self._scheme_read, owner=self, label="read the tiering scheme")
        self.ops.query(svc.needs_view, self.assessment_id, on_ok=self.show_view, on_error=self._failed, owner=self,
                       label="read the needs assessment")

    def _scheme_read(self, scheme: str) -> None:
        self.scheme = scheme
        if self.view is not None:
            self.show_view(self.view)

    def show_view(self, view: NeedsView) -> None:
        first = not self.loaded
        self.view = view
        if first:
            self._shown = dict(view.fields)
            self._filling = True
            try:
                for key, value in view.fields.items():
                    self._put(key, value)
            finally:
                self._filling = False
            self.loaded = True
        self.setWindowTitle(f"Needs assessment started {format_date(view.started_on)}"
                            + ("" if view.status == "draft" else f", completed {format_date(view.completed_on)}"))
        for sv in view.sections:
            s = self.sections[sv.key]
            key = f"section.{sv.key}.evidence"
            unconfirmed = key in view.unconfirmed_carried
            s.carried.setText(sv.carried[:1].upper() + sv.carried[1:] + (": confirm it still holds, or rewrite it"
                                                                   if unconfirmed else ", confirmed")
                              if sv.carried else "")
            s.carried.setStyleSheet(WARN_STYLE if unconfirmed else HELP_STYLE)
            s.carried.setVisible(bool(sv.carried))
            s.confirm.setVisible(unconfirmed and not self.read_only)
        sk = view.skills
        lines = []
        if sk.referral_needed:
            lines.append(f"⚠ Refer for a full assessment of learning needs: {sk.referral_why}")
        if sk.learning_plan_needed:
            lines.append(f"⚠ A learning plan will be needed in the sentence plan: {sk.learning_plan_why}")
        self.learning.setText("\n".join(lines))
        self.learning.setVisible(bool(lines))
        for bv in view.barriers:
            note = self.barriers[bv.key][2]
            parts = [f"Case record: {bv.on_case_record}" if bv.on_case_record else ""]
            if bv.carried:
                parts.append(f"Adjustment {bv.carried}")
            note.setText("\n".join(p for p in parts if p))
            note.setVisible(bool(note.text()))
        self.problems.clear()
        for e in view.errors:
            item = QListWidgetItem(str(e))
            item.setData(Qt.ItemDataRole.UserRole, e.field)
            self.problems.addItem(item)
        if not view.errors and view.status == "draft":
            self.problems.addItem("Nothing: it can be completed.")
        reads, words = needs_in_tier(self.scheme)
        if reads:
            valid = ("It counts for tiering. " if view.valid_for_tiering else
                     "Once completed it counts for tiering for 55 weeks, in place of \"no valid assessment\". ")
        else:
            valid = "Once completed it is valid for tiering for 55 weeks. "
        self.tiering.setText(valid + words)
        draft = view.status == "draft" and not self.read_only
        for w in (self.problems_label, self.problems, self.complete_button):
            w.setVisible(view.status == "draft")
        if view.status != "draft":
            by = f" by {view.completed_by_name}" if view.completed_by_name else ""
            self.tiering.setText(f"Completed {format_date(view.completed_on)}{by}. " + (
                f"It is valid for tiering. {words}" if view.valid_for_tiering else
                "It no longer counts for tiering (over 55 weeks old)."))
        set_available(self.complete_button, draft and not view.errors,
                      "put right the problems listed first" if draft else "this assessment is completed")

    def _put(self, key: str, value: object) -> None:
        head, _, rest = key.partition(".")
        name, _, part = rest.partition(".")
        text = value if isinstance(value, str) else ""
        if head == "section" and name in self.sections:
            s = self.sections[name]
            if part == "severity":
                s.set_severity(value)
            elif part == "risk_of_harm":
                s.harm.setChecked(bool(value))
            elif part == "reoffending":
                s.reoffending.setChecked(bool(value))
            elif part == "evidence":
                s.evidence.setPlainText(text)
        elif head == "skills":
            if name in self.skills:
                self.skills[name].setCurrentIndex(max(0, self.skills[name].findData(value)) if value else 0)
            elif name == "referred_on":
                self.referred_on.setValue(value if not isinstance(value, str) else None)  # type: ignore[arg-type]
            elif name == "full_assessment":
                self.full_assessment.setCurrentIndex(max(0, self.full_assessment.findData(value)) if value else 0)
        elif head == "barrier" and name in self.barriers:
            present, adjustment, _n = self.barriers[name]
            if part == "present":
                present.setCurrentIndex({None: 0, False: 1, True: 2}.get(value, 0))  # type: ignore[call-overload]
            elif part == "adjustment":
                adjustment.setPlainText(text)

    def current_fields(self) -> dict[str, Any]:
        """Every flat field as the form holds it now."""
        out: dict[str, Any] = {}
        for key, s in self.sections.items():
            out[f"section.{key}.severity"] = s.severity()
            out[f"section.{key}.risk_of_harm"] = s.harm.isChecked()
            out[f"section.{key}.reoffending"] = s.reoffending.isChecked()
            out[f"section.{key}.evidence"] = s.evidence.toPlainText()
        for area, combo in self.skills.items():
            out[f"skills.{area}"] = combo.currentData()
        out["skills.referred_on"] = self.referred_on.value() if self.referred_on.is_valid() else \
            self._shown.get("skills.referred_on")
        out["skills.full_assessment"] = self.full_assessment.currentData()
        for key, (present, adjustment, _n) in self.barriers.items():
            out[f"barrier.{key}.present"] = present.currentData()
            out[f"barrier.{key}.adjustment"] = adjustment.toPlainText()
        return out

    # -- saving (autosaved_form.py) ----------------------------------------------------------------------------
    @staticmethod
    def same_value(shown: object, now: object) -> bool:
        """Unset and empty are the same to the autosave (a form shows None as an empty box or an unticked one)."""
        return (shown if shown not in ("", False) else None) == (now if now not in ("", False) else None)

    def field_label(self, key: str) -> str:
        return svc.field_label(key)

    def _write_draft(self, changed: dict[str, Any], base: dict[str, Any], on_ok: OnOk, on_error: OnError) -> None:
        self.ops.write(svc.save_draft, self.assessment_id, changed, None, base, on_ok=on_ok, on_error=on_error,
                       owner=self, label="save the needs assessment draft")

    def _write_discard(self, on_ok: OnOk, on_error: OnError) -> None:
        self.ops.write(svc.discard_draft, self.assessment_id, on_ok=on_ok, on_error=on_error, owner=self,
                       label="discard the needs assessment draft")

    def _place_yours(self, box: QPlainTextEdit) -> None:
        self.outer.insertWidget(1, box)

    def _failed(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        self.saved_label.setText("Not saved: " + ("; ".join(str(e) for e in errors) if errors else
                                                  "the caseload could not be written to just now; it tries again "
                                                  "as you type"))
        self.saved_label.setStyleSheet(ERROR_STYLE)

    def confirm_carried(self, key: str) -> None:
        self.save_now()  # the writer keeps order: the text as it stands is what is confirmed
        self.ops.write(svc.confirm_carried, self.assessment_id, key, on_ok=lambda _r: self.reload(),
                       on_error=self._failed, owner=self, label="confirm carried needs evidence")

    # -- completing ---------------------------------------------------------------------------------------------
    def widget_for(self, field: str) -> QWidget | None:
        """The widget a problem names (FieldError.field is services/needs.field_label's words)."""
        for key in self.current_fields():
            if svc.field_label(key) != field:
                continue
            head, _, rest = key.partition(".")
            name, _, part = rest.partition(".")
            if head == "section":
                s = self.sections[name]
                return {"evidence": s.evidence, "risk_of_harm": s.harm, "reoffending": s.reoffending}.get(
                    part, s.radios["none"])
            if head == "barrier":
                present, adjustment, _n = self.barriers[name]
                return adjustment if part == "adjustment" else present
            if key == "skills.referred_on":
                return self.referred_on.lineEdit()
            if key == "skills.full_assessment":
                return self.full_assessment
            if name in self.skills:
                return self.skills[name]
        return None

    def _problem_chosen(self, item: QListWidgetItem) -> None:
        field = item.data(Qt.ItemDataRole.UserRole)
        widget = self.widget_for(field) if isinstance(field, str) else None
        if widget is None:
            return
        page: QWidget | None = widget
        while page is not None and self.tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None:
            self.tabs.setCurrentWidget(page)
            if isinstance(page, QScrollArea):
                box = widget.parentWidget()  # its group (the section or barrier) in view where it fits
                if isinstance(box, QGroupBox):
                    page.ensureWidgetVisible(box)
                page.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def complete(self) -> None:
        if not self.complete_button.isEnabled():
            return
        self.save_now()
        set_available(self.complete_button, False, "completing")
        self.ops.write(svc.complete_assessment, self.assessment_id, on_ok=self._completed, on_error=self._refused,
                       owner=self, label="complete the needs assessment")

    def _completed(self, result: NeedsCompletion) -> None:
        self.completed.emit(result)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        self.complete_error.setText("Not completed: " + ("; ".join(str(e) for e in errors) if errors else
                                                         "the caseload could not be written to; try again"))
        self.complete_error.show()
        self.reload()
