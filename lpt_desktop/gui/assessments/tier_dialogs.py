"""The tier page's forms: override the suggested tier with a reason, and record predictor scores from OASys.

Both are RecordDialogs: the service validates and saves in one transaction, its field errors are listed at once
under the form, and Escape after typing asks before anything is thrown away."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from lpt_desktop.assessment.tier_types import SCHEME_AB03, DcSrp, Predictor
from lpt_desktop.assessment.tiering import tier_letters
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.gui.assessments.tier_words import BAND_NAMES, tier_phrase
from lpt_desktop.gui.assessments.wheel_guard import guard_wheel
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.services import tiering as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.tiering import TierView

AB03_CHANGE_LEVELS = (3, 2, 1, 0)  # the earlier scheme's tiers run A3 (most) to D0 (least)


def valid_tiers(scheme: str) -> list[str]:
    """Every tier the scheme can give, most intensive first: A-G, or A3 ... D0."""
    letters = tier_letters(scheme)
    if scheme == SCHEME_AB03:
        return [f"{letter}{level}" for letter in letters for level in AB03_CHANGE_LEVELS]
    return list(letters)


def tier_item(tier: str, suggested: str) -> str:
    """A tier as the override's list shows it: the tier first, so typing its letter finds it."""
    return tier + ("  (suggested)" if tier == suggested else "")


def focus_first_error(dialog: RecordDialog, fields: list[QWidget]) -> None:
    """Put the cursor in the first field (in form order) that a listed problem names, to put it right."""
    named = {f for f, _text in dialog.form_errors.messages}
    for widget in fields:
        if any(_names(widget, f) for f in named):
            widget.setFocus()
            return


def _names(widget: QWidget, field: str) -> bool:
    a, b = field.casefold().strip(), widget.accessibleName().casefold().strip()
    return bool(a and b) and (a == b or b.startswith(a + " ") or a.startswith(b + " "))


class OverrideTierDialog(RecordDialog):
    """Set the tier in force to something other than the suggestion, saying why (at least a sentence)."""

    def __init__(self, ops: Ops, view: TierView, parent: QWidget | None = None) -> None:
        suggested = view.suggested.tier
        super().__init__(ops, "Override the suggested tier", parent, ok_text="&Override tier",
                         intro=f"The suggested tier is <b>{tier_phrase(suggested)}</b> ({view.scheme_label}). "
                               "Choose the tier to put in force and say why it differs from the suggestion: the "
                               "reason is kept in the case's history with the working.")
        self.person_id = view.person_id
        self.tier = QComboBox()
        self.tier.setAccessibleName("Tier")
        self.tier.addItem("— choose a tier —", "")  # starts with no letter: typing C finds tier C
        for tier in valid_tiers(view.scheme):
            self.tier.addItem(tier_item(tier, suggested), tier)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setTabChangesFocus(True)  # Tab leaves the box for the buttons, as in every other form
        self.reason.setPlaceholderText("e.g. The MAPPA meeting on 12/11/2026 assessed the risk to a known child as "
                                       "high, which the scores do not yet reflect.")
        self.reason.setMinimumHeight(90)
        self.form.addRow("&Tier", self.tier)
        self.form.addRow("&Reason", self.reason)
        guard_wheel(self)
        self.resize(520, self.sizeHint().height())

    def submit(self) -> None:
        # An empty choice goes to the service too, so a missing tier and a short reason are listed together.
        tier, reason, person = self.tier.currentData() or "", self.reason.toPlainText(), self.person_id
        self.run(lambda db: svc.override_tier(db, person, tier, reason), "override the suggested tier")

    def refused(self, exc: BaseException) -> None:
        super().refused(exc)
        focus_first_error(self, [self.tier, self.reason])


def _number(text: str, field: str, errors: list[FieldError | str]) -> float | None:
    """A typed score, or None when left empty; a problem is added to errors (all are listed together)."""
    text = text.strip().rstrip("%").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        errors.append(FieldError(field, f"'{text}' is not a number: type the score as OASys shows it, e.g. 42 "
                                        "or 6.75, or leave it empty"))
        return None


class RecordScoresDialog(RecordDialog):
    """Predictor scores as OASys gives them, each optional, with the date of the assessment they come from."""

    def __init__(self, ops: Ops, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Record predictor scores", parent, ok_text="Save scores",
                         intro="Type the scores from the OASys assessment; leave empty any it did not give. "
                               "A static predictor has no dynamic factors, so it may rise when they are "
                               "assessed.")
        self.person_id = person_id
        self.assessed_on = DateEntry("Assessment date")
        self.assessed_on.setValue(date.today())
        self.ogrs3 = self._score("OGRS3", "e.g. 42 (%)")
        self.rsr = self._score("RSR", "e.g. 6.75 (%)")
        self.arp = self._score("ARP", "e.g. 80 (%)")
        self.arp_static = QCheckBox("S&tatic")
        self.arp_static.setAccessibleName("ARP static")
        self.arp_static.setToolTip("Tick if OASys gives the ARP as static (no dynamic factors assessed)")
        self.csrp = self._score("CSRP", "e.g. 3.2 (%)")
        self.csrp_static = QCheckBox("Stat&ic")
        self.csrp_static.setAccessibleName("CSRP static")
        self.csrp_static.setToolTip("Tick if OASys gives the CSRP as static (no dynamic factors assessed)")
        self.dc_srp = self._score("DC-SRP score", "e.g. 2.5 (%)")
        self.dc_band = QComboBox()
        self.dc_band.setAccessibleName("DC-SRP band")
        self.dc_band.addItem("No band", "")
        for code, name in BAND_NAMES.items():
            self.dc_band.addItem(name, code)
        self.form.addRow("Assessment &date", self.assessed_on)
        self.form.addRow("&OGRS3", self.ogrs3)
        self.form.addRow("&RSR", self.rsr)
        self.form.addRow("&ARP", self._with(self.arp, self.arp_static))
        self.form.addRow("&CSRP", self._with(self.csrp, self.csrp_static))
        self.form.addRow("DC-SRP &score", self.dc_srp)
        self.form.addRow("DC-SRP &band", self.dc_band)
        for field in (self.arp, self.csrp):
            # The label's Alt letter goes to the score, not to the row's holder of the score and its check box.
            holder = field.parentWidget()
            row_label = self.form.labelForField(holder) if holder is not None else None
            if isinstance(row_label, QLabel):
                row_label.setBuddy(field)
        guard_wheel(self)
        self.resize(480, self.sizeHint().height())

    @staticmethod
    def _score(name: str, hint: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(hint)
        edit.setMaximumWidth(140)
        return edit

    @staticmethod
    def _with(edit: QLineEdit, box: QCheckBox) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        row.addWidget(box)
        row.addStretch(1)
        return holder

    def submit(self) -> None:
        # Every problem in one pass: the typed text locally, then what the service would refuse about the values
        # that parsed (services/tiering.check_predictors, the same checks record_predictors makes), so a bad
        # date or DC-SRP is not held back until the numbers are right.
        errors: list[FieldError | str] = []
        if self.assessed_on.error():
            errors.append(self.assessed_on.error())
        ogrs3 = _number(self.ogrs3.text(), "OGRS3", errors)
        rsr = _number(self.rsr.text(), "RSR", errors)
        arp = _number(self.arp.text(), "ARP", errors)
        csrp = _number(self.csrp.text(), "CSRP", errors)
        dc_score = _number(self.dc_srp.text(), "DC-SRP score", errors)
        band = self.dc_band.currentData() or None
        if band and dc_score is None and not self.dc_srp.text().strip():
            errors.append(FieldError("DC-SRP score", "empty with a band chosen: type the score OASys gives with "
                                                     "the band, or choose No band"))
        on = self.assessed_on.value()
        arp_p = Predictor(arp, self.arp_static.isChecked()) if arp is not None else None
        csrp_p = Predictor(csrp, self.csrp_static.isChecked()) if csrp is not None else None
        dc = DcSrp(dc_score, band) if dc_score is not None else None
        typed = bool(errors) or any(e.text().strip() for e in (self.ogrs3, self.rsr, self.arp, self.csrp,
                                                                 self.dc_srp))
        for problem in svc.check_predictors(on, ogrs3=ogrs3, rsr=rsr, arp=arp_p, csrp=csrp_p, dc_srp=dc):
            unparsed = problem.field in {f.field for f in errors if isinstance(f, FieldError)}
            date_told = problem.field == "Assessment date" and self.assessed_on.error()
            if not unparsed and not date_told and not (problem.field == "Scores" and typed):
                errors.append(problem)
        if errors:
            self.form_errors.show(errors)
            focus_first_error(self, [self.assessed_on.edit, self.ogrs3, self.rsr, self.arp, self.csrp, self.dc_srp,
                                     self.dc_band])
            return
        assert isinstance(on, date)
        person = self.person_id
        self.run(lambda db: svc.record_predictors(db, person, on, ogrs3=ogrs3, rsr=rsr, arp=arp_p, csrp=csrp_p,
                                                  dc_srp=dc), "record predictor scores")

    def refused(self, exc: BaseException) -> None:
        super().refused(exc)
        focus_first_error(self, [self.assessed_on.edit, self.ogrs3, self.rsr, self.arp, self.csrp, self.dc_srp,
                                 self.dc_band])
