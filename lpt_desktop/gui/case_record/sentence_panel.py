"""The case's Sentence page: each order or licence with its requirements, conditions and events, and the
actions that record what happens to them (gui/case_record/sentence_dialogs.py).

The actions act on the order or licence chosen in the "Which order or licence" box (the newest open one at
first), so each has one Alt+letter however many sentences the case has. A button that does not apply to the
chosen sentence says why (gui/enabling.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.case_record import sentence_dialogs as dialogs
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, empty_state, record_table
from lpt_desktop.services.case_record import LICENCE_TYPES, case_details

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.cases import CaseRecord, RequirementView, SentenceView

REQUIREMENT_COLUMNS: list[Column[RequirementView]] = [
    Column("Requirement", lambda r: r.label),
    Column("Details", lambda r: r.summary),
    Column("Start", lambda r: format_date(r.start_date), sort=lambda r: r.start_date),
    Column("End", lambda r: format_date(r.end_date), sort=lambda r: r.end_date),
]


RELEASE_TIP = ("Released from custody on licence after a custodial sentence: the sentence's date, offence and court "
               "are entered with the release, and the licence becomes a new sentence. A community or suspended "
               "sentence order is not released from: it is terminated or carries on.")


def describe_event(details: dict[str, Any]) -> str:
    """A sentence event's details in words (the JSON the services keep with it)."""
    codes = case_codes()
    parts = []
    if outcome := details.get("outcome"):
        o = codes.termination_outcomes.get(outcome)
        parts.append(o.label if o else str(outcome))
    if kind := details.get("recall_type"):
        parts.append(codes.recall_types.get(kind, str(kind)))
    if details.get("hdc"):
        ends = details.get("hdc_end_date")
        parts.append("home detention curfew" + (f" to {format_date(_iso(ends))}" if ends else ""))
    if details.get("after_recall"):
        parts.append("after recall")
    for key, label in (("from_where", "from "), ("to_where", "to "), ("reason", ""), ("text", ""), ("notes", "")):
        if value := details.get(key):
            parts.append(f"{label}{value}")
    if reqs := details.get("requirements"):
        parts.append(f"{len(reqs)} requirement{'s' if len(reqs) != 1 else ''}")
    return "; ".join(parts)


def _iso(value: Any) -> Any:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return None


EVENT_COLUMNS: list[Column[Any]] = [
    Column("Date", lambda e: format_date(e.on_date), sort=lambda e: e.on_date),
    Column("Event", lambda e: case_codes().sentence_event_kinds.get(e.kind, e.kind)),
    Column("Details", lambda e: describe_event(e.details or {})),
]


def describe_request(r: Any) -> str:
    """A transfer request's state in words, for the Sentence page (the administrator settles it centrally)."""
    asked = f"Transfer out to {r.to_where} (transfer date {format_date(r.requested_on)})"
    if r.status == "done":
        return f"{asked}: done on {format_date(r.settled_on)}, the case moved to {r.to_officer or 'another officer'}."
    if r.status == "refused":
        return f"{asked}: refused on {format_date(r.settled_on)}: {r.refusal or 'no reason given'}."
    return f"{asked}: requested; the central store's administrator moves the case (sent at the next sync)."


def _status(s: SentenceView) -> str:
    if s.terminated_on:
        outcome = case_codes().termination_outcomes.get(s.outcome or "")
        return f"Ended {format_date(s.terminated_on)}" + (f": {outcome.label}" if outcome else "")
    if s.recalled_on:
        return f"Recalled {format_date(s.recalled_on)}"
    if s.hdc and s.hdc_end_date:
        return f"On licence, home detention curfew to {format_date(s.hdc_end_date)}"
    return "Current"


def _value(text: str) -> QLabel:
    label = QLabel(text or "Not recorded")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if not text:
        label.setStyleSheet("color: #6b7480; font-style: italic;")
    return label


def _table(columns: list, rows: list, name: str) -> QTableView:
    model: RecordTableModel[Any] = RecordTableModel(columns)
    model.set_rows(rows)
    view = record_table(model, name, sortable=False)
    view.horizontalHeader().setStretchLastSection(False)
    view.resizeColumnsToContents()
    view.horizontalHeader().setSectionResizeMode(len(columns) - 1 if name.endswith("events") else 1,
                                                 QHeaderView.ResizeMode.Stretch)
    view.setMinimumHeight(min(60 + 28 * len(rows), 260))
    return view


class SentencePanel(QWidget):
    def __init__(self, case: CaseRecord, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.ops = ops
        self.dialog: RecordDialog | None = None
        self.events: dict[str, list[Any]] = {}  # sentence id -> its events, newest first
        self.new_button = QPushButton("&New order or licence…")
        self.release_button = QPushButton("Relea&se on licence…")
        # Custody is not kept as an order here (resources/data/order_types.json has none), so the release takes
        # the custodial sentence's date, offence and court itself, and the service accepts it on any case: it is
        # left available, saying what it is for, rather than waiting for a custodial order that cannot exist.
        self.release_button.setToolTip(RELEASE_TIP)
        self.transfer_button = QPushButton("Transfer in or o&ut…")
        self.which = QComboBox()
        self.which.setAccessibleName("Which order or licence")
        # Long labels would push the buttons beside it off the page.
        self.which.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.which.setMinimumContentsLength(28)
        which_label = QLabel("&Which order or licence")
        which_label.setBuddy(self.which)
        self.recall_button = QPushButton("&Recall…")
        self.vary_button = QPushButton("Vary l&icence…")
        self.licence_end_button = QPushButton("&Licence ended…")
        self.terminate_button = QPushButton("Ter&minate…")
        self.requirement_button = QPushButton("Re&quirement…")
        self.requirement_button.setToolTip("A requirement of the order started or ended")
        top = QHBoxLayout()
        for b in (self.new_button, self.release_button, self.transfer_button):
            top.addWidget(b)
        top.addStretch(1)
        chosen = QHBoxLayout()
        chosen.addWidget(which_label)
        chosen.addWidget(self.which, 1)
        for b in (self.recall_button, self.vary_button, self.licence_end_button, self.terminate_button,
                  self.requirement_button):
            chosen.addWidget(b)
        self.boxes = QVBoxLayout()
        # The case's transfer requests and what the administrator did with them (hidden when there are none).
        self.transfer_line = QLabel()
        self.transfer_line.setWordWrap(True)
        self.transfer_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.transfer_line.setAccessibleName("Transfer requests")
        self.transfer_line.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.transfer_line)
        layout.addLayout(chosen)
        layout.addLayout(self.boxes)
        layout.addStretch(1)
        self.new_button.clicked.connect(lambda: self._open(dialogs.NewSentenceDialog, person=True))
        self.release_button.clicked.connect(lambda: self._open(dialogs.ReleaseDialog, person=True))
        self.transfer_button.clicked.connect(lambda: self._open(dialogs.TransferDialog, person=True))
        self.recall_button.clicked.connect(self._recall_or_release)
        self.vary_button.clicked.connect(lambda: self._open(dialogs.VaryLicenceDialog))
        self.licence_end_button.clicked.connect(lambda: self._open(dialogs.LicenceEndedDialog))
        self.terminate_button.clicked.connect(lambda: self._open(dialogs.TerminateDialog))
        self.requirement_button.clicked.connect(lambda: self._open(dialogs.RequirementDialog))
        self.which.currentIndexChanged.connect(lambda _i: self._enable())
        self.set_case(case)

    # -- what is shown ------------------------------------------------------------------------------
    def set_case(self, case: CaseRecord) -> None:
        chosen = self.which.currentData()
        self.case = case
        self.which.blockSignals(True)
        self.which.clear()
        # Open ones first (newest first), then the ended ones.
        ordered = sorted(case.sentences, key=lambda s: (s.terminated_on is not None, -s.start_date.toordinal()))
        for sentence in ordered:
            status = _status(sentence).lower()
            self.which.addItem(f"{sentence.order_label} from {format_date(sentence.start_date)} ({status})",
                               sentence.id)
        index = self.which.findData(chosen)
        self.which.setCurrentIndex(index if index >= 0 else 0)
        self.which.blockSignals(False)
        self._show_boxes()
        self._enable()
        if self.ops is not None:
            self.ops.query(case_details, case.person_id, on_ok=self._details, owner=self,
                           label="read the sentence events")

    def _details(self, details: Any) -> None:
        events: dict[str, list[Any]] = {}
        for e in details.sentence_events:
            events.setdefault(e.sentence_id, []).append(e)
        self.events = events
        requests = details.transfer_requests
        self.transfer_line.setText("\n".join(describe_request(r) for r in requests))
        self.transfer_line.setVisible(bool(requests))
        self._show_boxes()

    def _show_boxes(self) -> None:
        while self.boxes.count():
            item = self.boxes.takeAt(0)
            if item is not None and (old := item.widget()) is not None:
                old.deleteLater()
        if not self.case.sentences:
            label = empty_state("<b>No sentence recorded</b><br><br>This person has no current order or licence.")
            label.setAccessibleName("No sentence recorded")
            self.boxes.addWidget(label)
        for s in sorted(self.case.sentences, key=lambda s: (s.terminated_on is not None,
                                                            -s.start_date.toordinal())):
            self.boxes.addWidget(self._box(s))

    def _box(self, s: SentenceView) -> QGroupBox:
        box = QGroupBox(f"{s.order_label} from {format_date(s.start_date)}")
        box.setAccessibleName(f"{s.order_label} sentence")
        layout = QVBoxLayout(box)
        form = QFormLayout()
        for label, value in (("Order", s.order_label), ("Status", _status(s)), ("Offence", s.offence),
                             ("Court", s.court), ("Sentence date", format_date(s.sentence_date)),
                             ("Start", format_date(s.start_date)), ("End", format_date(s.end_date)),
                             ("Length", f"{s.length_months} months" if s.length_months else "")):
            form.addRow(label, _value(value))
        layout.addLayout(form)
        if s.requirements:
            layout.addWidget(QLabel("<b>Requirements</b>"))
            layout.addWidget(_table(REQUIREMENT_COLUMNS, list(s.requirements), "Requirements"))
        if s.current_conditions or s.licence_conditions:
            layout.addWidget(QLabel("<b>Licence conditions in force</b>"))
            texts = [t for _i, t in s.current_conditions] or list(s.licence_conditions)
            for i, text in enumerate(texts, 1):
                layout.addWidget(_value(f"{i}. {text}"))
        events = self.events.get(s.id, [])
        if events:
            layout.addWidget(QLabel("<b>Events</b>"))
            layout.addWidget(_table(EVENT_COLUMNS, events, f"{s.order_label} events"))
        return box

    # -- the actions ----------------------------------------------------------------------------------
    def current(self) -> SentenceView | None:
        sid = self.which.currentData()
        return next((s for s in self.case.sentences if s.id == sid), None)

    def _enable(self) -> None:
        locked = "unlock the caseload to change the record" if self.ops is None else ""
        for b in (self.new_button, self.release_button):
            set_available(b, not locked, locked)
        open_ones = [s for s in self.case.sentences if s.terminated_on is None]
        set_available(self.transfer_button, not locked and bool(open_ones),
                      locked or "the case has no current order or licence: add one first")
        s = self.current()
        licence = s is not None and s.order_type in LICENCE_TYPES
        ended = f"it ended on {format_date(s.terminated_on)}" if s is not None and s.terminated_on else ""
        none = "the case has no order or licence" if s is None else ""
        base = locked or none or ended
        set_available(self.recall_button, not (base or not licence), base or "an order is not recalled: choose a "
                                                                              "licence")
        self.recall_button.setText("&Re-release after recall…" if s is not None and s.recalled_on else "&Recall…")
        set_available(self.vary_button, not (base or not licence), base or "only a licence is varied: choose one")
        set_available(self.licence_end_button, not (base or not licence),
                      base or "an order is terminated, not ended as a licence: use Terminate")
        set_available(self.terminate_button, not (base or licence),
                      base or "a licence ends with Licence ended (or a recall)")
        set_available(self.requirement_button, not (base or not (s and s.requirements)),
                      base or "this order or licence has no requirements")

    def _open(self, kind: Callable[..., RecordDialog], person: bool = False) -> RecordDialog | None:
        s = self.current()
        if self.ops is None or (not person and s is None):
            return None
        dialog = kind(self.ops, self.case.person_id if person else s, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _recall_or_release(self) -> RecordDialog | None:
        s = self.current()
        if s is not None and s.recalled_on:
            return self._open(dialogs.ReReleaseDialog)
        return self._open(dialogs.RecallDialog)
