"""The report editor: one section per page, guidance beside it, a running word count, autosave.

Oral reports use the same editor in their compact form (offence, relevant background, risk, proposal,
sources: domain.court.form_for): every section on one scrolling page, short boxes, guidance in tooltips,
for notes taken in court. Saves are write operations on the window's one
writer, which runs them in order, so an older autosave can never land after a newer one; each job writes
the pending sections first, so a check or an export always sees what is on screen.
"""

from __future__ import annotations

import dataclasses
import functools
import html
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.court import form_for, report_types
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.court_list import status_label, type_label
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.report_fields import FieldWidget, RequirementsField, TextField, make_field, word_count
from lpt_desktop.gui.shortcuts import local_shortcut
from lpt_desktop.reports.marking import MARKING
from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from lpt_desktop.domain.court_views import ReportDraft
    from lpt_desktop.gui.host import Host
    from lpt_desktop.services.plan_outline import PlanOutline
    from lpt_desktop.store.database import Database

AUTOSAVE_MS = 2000
PREFILL_TEXT = "Prefilled from the case — confirm"
FROM_PLAN = "Start from the sentence p&lan"



def _stored(db: Database, report_id: str) -> ReportDraft | None:
    """The report as stored now (None once it is gone): what the editor compares with what it loaded."""
    from lpt_desktop.services import court as svc
    try:
        return svc.load_report(db, report_id)
    except svc.ReportNotFound:
        return None


def _save_and_then(db: Database, report_id: str, pending: dict[str, dict[str, Any]],
                   after: Callable[[Any], Any] | None) -> tuple[ReportDraft | None, Any, ReportDraft | None]:
    """(the report before this job, what `after` returned, the report after it). The editor's own jobs run in
    order on the one writer, so a report that differs before a job from how the last job left it was changed
    by someone else meanwhile (a sync that pulled it, a conflict resolved)."""
    from lpt_desktop.services import court as svc
    before = _stored(db, report_id)
    for section_id, fields in pending.items():
        svc.save_section(db, report_id, section_id, fields)
    result = after(db) if after is not None else None
    return before, result, _stored(db, report_id)


def changed_labels(old: ReportDraft | None, new: ReportDraft) -> list[str]:
    """The report's fields that differ between two stored versions, in the editor's labels."""
    from lpt_desktop.services.conflict_fields import report_fields

    labels = [f.label for f in report_fields({"sections": old.sections if old else {}}, {"sections": new.sections})
              if f.differs]
    if old is not None and (old.status, old.signed_by, old.countersigned_by) != (
            new.status, new.signed_by, new.countersigned_by):
        labels.append("its status or signatures")
    return labels


class _ChangedBanner(QFrame):
    """Says the report changed underneath the editor: reloaded (info), or kept the typing (warning, two choices)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("changedBanner")
        self.setAccessibleName("Report changed elsewhere")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keep = QPushButton("&Keep my typing, load the rest")
        self.keep.setAccessibleName("Save what I typed, and show the other laptop's changes everywhere else")
        self.keep.setToolTip("Saves the fields you typed in; every other field shows the other laptop's version")
        self.reload = QPushButton("D&iscard my typing and reload")
        self.reload.setAccessibleName("Discard what I typed and show the report as the other laptop left it")
        self.dismiss = QPushButton("OK")
        self.dismiss.setAccessibleName("Close this notice")
        self.dismiss.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 6, 4)
        row.addWidget(self.text, 1)
        for b in (self.keep, self.reload, self.dismiss):
            row.addWidget(b, 0, Qt.AlignmentFlag.AlignVCenter)
        self.warning = False
        self.hide()

    def show_notice(self, text: str, warning: bool) -> None:
        self.warning = warning
        colours = ("#fdecea", "#e0a39c", "#7a1f12") if warning else ("#e8f1fb", "#a9c6e8", "#1d4f7a")
        self.setStyleSheet(f"QFrame#changedBanner {{ background: {colours[0]}; border: 1px solid {colours[1]}; "
                           f"border-radius: 4px; }} QFrame#changedBanner QLabel {{ color: {colours[2]}; }}")
        self.text.setText(text)
        self.setAccessibleDescription(text)
        self.keep.setVisible(warning)
        self.reload.setVisible(warning)
        self.dismiss.setVisible(not warning)
        self.show()


class _PrefillBanner(QFrame):
    """The mark beside a field filled from the case; it goes when the writer confirms (or changes it)."""

    def __init__(self, label: str, on_confirm: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("prefillBanner")
        self.setStyleSheet("QFrame#prefillBanner { background: #fff6d6; border: 1px solid #e8d48a; "
                           "border-radius: 4px; }")
        self.setAccessibleName(f"{label}: {PREFILL_TEXT}")
        text = QLabel(f"<i>{html.escape(PREFILL_TEXT)}</i>")
        text.setStyleSheet("font-size: 8pt; color: #6b5300;")
        self.button = QPushButton("Confirm")
        self.button.setAccessibleName(f"Confirm prefilled {label}")
        self.button.setToolTip("You have checked this against the defendant and the papers")
        self.button.clicked.connect(on_confirm)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 4, 1)
        layout.addWidget(text)
        layout.addWidget(self.button)
        # Above its field and as wide as its words: beside the field it widened every row, and on a
        # 1024-pixel screen the Confirm buttons were cut off.
        policy = self.sizePolicy().Policy.Maximum
        self.setSizePolicy(policy, policy)


class ReportEditor(QWidget):
    """Edits one report. Emits status_changed(request_id) when it is marked ready or sent."""

    status_changed = Signal(str)

    def __init__(self, host: Host, request: Any, draft: Any, sections: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ops = host.ops
        self.request = request
        self.draft = draft
        self.report_id: str = draft.id
        self.compact = draft.report_type == "oral"
        # The form's sections (the nine, or the oral report's five) come from the report type; `sections`
        # is kept for callers. Widgets are kept by stored section, so saving is the same for every form.
        self.specs = list(form_for(draft.report_type))
        self.fields: dict[str, dict[str, FieldWidget]] = {}
        self.banners: dict[tuple[str, str], _PrefillBanner] = {}
        self.confirm_all: dict[str, QPushButton] = {}
        self.outline_button: QPushButton | None = None  # "Start from the sentence plan", under the outline plan
        self.outline_note = QLabel("")
        self.outline_question: QMessageBox | None = None
        self._dirty: dict[str, set[str]] = {}  # section id -> field ids changed since the last save
        self._writes = 0  # save jobs asked of the writer and not yet back
        self._loading = True
        self.saves = 0  # completed save jobs (tests and the status line read it)
        # The report as stored when this editor last saw it (loaded, or left by its own last job): a stored
        # report that differs was changed underneath it (a sync pull, a conflict resolved).
        self._known: Any = draft
        self._submitted = 0  # jobs asked of the writer, ever (a check read before a newer job is stale)
        self._underneath: list[str] | None = None  # what changed underneath, until the editor has settled
        self.changed_banner = _ChangedBanner()
        self.changed_banner.keep.clicked.connect(self.keep_typing_load_rest)
        self.changed_banner.reload.clicked.connect(self.discard_typing_and_reload)
        self.setAccessibleName(("Oral report record" if self.compact else "Report editor") + f": {request.name}")

        self.header = QLabel()
        self.header.setObjectName("caseHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)  # names and courts as typed, never read as markup
        self.subheader = QLabel()
        self.subheader.setWordWrap(True)
        self.subheader.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel()
        self.status.setAccessibleName("Report status")
        self.sections = QListWidget()
        self.sections.setAccessibleName("Report sections")
        # As wide as "5. Offender assessment ● 3" needs and no wider: on a 1024-pixel laptop screen the
        # section's fields and their Confirm buttons need the room.
        self.sections.setMinimumWidth(self.sections.fontMetrics().horizontalAdvance("5. Offender assessment ● 99")
                                      + 24)
        self.sections.setMaximumWidth(300)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        self.words = QLabel()
        self.words.setAccessibleName("Word count")
        self.saved = QLabel()
        self.saved.setAccessibleName("Save status")
        self.checks = QLabel()
        self.checks.setObjectName("errorLabel")
        self.checks.setWordWrap(True)
        self.checks.setAccessibleName("Ready checks")
        self.checks.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.checks.hide()
        self.ready_button = QPushButton("Check and mark &ready")
        self.ready_button.setAccessibleName("Check the report and mark it ready for countersign")
        self.countersign_button = QPushButton("Cou&ntersign…")
        self.countersign_button.setAccessibleName("Record the manager's countersignature")
        self.sent_button = QPushButton("Mark &sent")
        self.sent_button.setAccessibleName("Mark the report sent to court")
        self.export_button = QPushButton("E&xport PDF…")
        self.export_button.setAccessibleName("Export the report as a PDF")
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Print the report")
        self._build()
        self.load(draft)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save)
        self.sections.currentRowChanged.connect(self._section_changed)
        self.ready_button.clicked.connect(self.check_and_mark_ready)
        self.sent_button.clicked.connect(self.mark_sent)
        self.countersign_button.clicked.connect(self.ask_countersign)
        self.export_button.clicked.connect(self.ask_export)
        self.print_button.clicked.connect(self.ask_print)
        self.ops.changed.connect(self._ops_changed)
        local_shortcut("Ctrl+S", self, self.save)
        local_shortcut("Ctrl+PgDown", self, lambda: self.go_to(self.sections.currentRow() + 1))
        local_shortcut("Ctrl+PgUp", self, lambda: self.go_to(self.sections.currentRow() - 1))
        for i in range(min(9, len(self.specs))):
            local_shortcut(f"Alt+{i + 1}", self, functools.partial(self.go_to, i))

    # -- construction ------------------------------------------------------------------------------
    def _field_block(self, section_id: str, fspec: Any, form: QFormLayout) -> None:
        w = make_field(fspec, self.compact)
        if isinstance(w, RequirementsField):  # the requirements an order made at the hearing can include
            w.set_order_date(getattr(self.request, "hearing_date", None))
        w.changed.connect(lambda sid=section_id, fid=fspec.id: self._changed(sid, fid))
        self.fields[section_id][fspec.id] = w
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        box.addWidget(w, 1)
        if fspec.id in set(self.draft.prefilled.get(section_id, ()) or ()):
            banner = _PrefillBanner(fspec.label, functools.partial(self._confirm_banner, section_id, fspec.id))
            self.banners[(section_id, fspec.id)] = banner
            # Shown above the field, but reached after it by Tab (check the field, then confirm it): the
            # field joined the holder first, so it comes first in the focus chain.
            box.insertWidget(0, banner, 0, Qt.AlignmentFlag.AlignLeft)
        if section_id == "proposal" and fspec.id == "outline_plan" and isinstance(w, TextField):
            box.addWidget(self._outline_row(w))
        if fspec.kind == "bool":
            form.addRow("", holder)
        else:
            label = QLabel(fspec.label)
            label.setBuddy(w)
            label.setWordWrap(True)
            form.addRow(label, holder)

    def _outline_row(self, field: TextField) -> QWidget:
        """Under the outline sentence plan: start it from the case's sentence plan, and what came of that."""
        self.outline_button = QPushButton(FROM_PLAN)
        self.outline_button.setAccessibleName("Start the outline sentence plan from the case's sentence plan")
        self.outline_button.setToolTip("Fill the outline with the sentence plan's goals, what will be different and "
                                       "the steps (the draft plan if one is open); you are asked before your own "
                                       "text is replaced")
        self.outline_button.clicked.connect(self.start_outline_from_plan)
        self.outline_note.setWordWrap(True)
        self.outline_note.setAccessibleName("Outline sentence plan: from the sentence plan")
        self.outline_note.setStyleSheet("font-size: 8pt; color: #555;")
        self.outline_note.hide()
        self._outline_field = field
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.outline_button, 0, Qt.AlignmentFlag.AlignTop)
        line.addWidget(self.outline_note, 1)
        return row

    def _section_form(self, spec: Any) -> QWidget:
        inner = QWidget()
        outer = QVBoxLayout(inner)
        outer.setContentsMargins(0, 0, 10, 0)  # clear of the scroll bar
        confirm_all = QPushButton("Confirm all prefilled in this section")
        confirm_all.setAccessibleName(f"Confirm all prefilled fields in {spec.title}")
        confirm_all.clicked.connect(lambda _c=False, sid=spec.id: self.confirm_section(sid))
        self.confirm_all[spec.id] = confirm_all
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(confirm_all)
        outer.addLayout(top)
        form = QFormLayout()
        outer.addLayout(form)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for sid, fspec in spec.fields:
            self.fields.setdefault(sid, {})
            self._field_block(sid, fspec, form)
        return inner

    def _build(self) -> None:
        if self.compact:
            # Oral: all sections on one page, guidance in tooltips, so notes can be taken as the court sits.
            page = QWidget()
            col = QVBoxLayout(page)
            self.groups: list[QGroupBox] = []
            for spec in self.specs:
                group = QGroupBox(f"{spec.number}. {spec.title}")
                group.setToolTip(spec.guidance)
                group.setAccessibleDescription(spec.guidance)
                inner = QVBoxLayout(group)
                inner.setContentsMargins(6, 4, 6, 4)
                inner.addWidget(self._section_form(spec))
                col.addWidget(group)
                self.groups.append(group)
                self.sections.addItem(f"{spec.number}. {spec.title}")
            col.addStretch(1)
            self.compact_scroll = self._scroll(page)
            self.pages.addWidget(self.compact_scroll)
        else:
            for spec in self.specs:
                guidance = QLabel(spec.guidance)
                guidance.setWordWrap(True)
                guidance.setAlignment(Qt.AlignmentFlag.AlignTop)
                guidance.setAccessibleName(f"Guidance for {spec.title}")
                guidance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                guide_box = QGroupBox("Guidance")
                gl = QVBoxLayout(guide_box)
                gl.addWidget(guidance)
                gl.addStretch(1)
                guide_box.setMinimumWidth(220)
                guide_box.setMaximumWidth(320)
                title = QLabel(f"<b>{spec.number}. {html.escape(spec.title)}</b>")
                title.setStyleSheet("font-size: 13pt; color: #1d4f7a;")
                left = QWidget()
                lcol = QVBoxLayout(left)
                lcol.setContentsMargins(0, 0, 0, 0)
                lcol.addWidget(title)
                lcol.addWidget(self._section_form(spec))
                lcol.addStretch(1)
                page = QWidget()
                row = QHBoxLayout(page)
                row.addWidget(self._scroll(left), 3)
                row.addWidget(guide_box, 0)
                self.pages.addWidget(page)
                self.sections.addItem(f"{spec.number}. {spec.title}")

        buttons = QHBoxLayout()
        buttons.addWidget(self.words)
        buttons.addSpacing(18)
        buttons.addWidget(self.saved)
        buttons.addStretch(1)
        for b in (self.ready_button, self.countersign_button, self.sent_button, self.export_button,
                  self.print_button):
            buttons.addWidget(b)
        split = QSplitter()
        split.addWidget(self.sections)
        split.addWidget(self.pages)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        head.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.subheader)
        layout.addWidget(self.changed_banner)
        layout.addWidget(split, 1)
        layout.addWidget(self.checks)
        layout.addLayout(buttons)

    @staticmethod
    def _scroll(widget: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # As needed, never off: a narrow window scrolls to the Confirm buttons rather than cutting them off.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not their frame
        scroll.setWidget(widget)
        return scroll

    # -- state -------------------------------------------------------------------------------------
    def load(self, draft: Any) -> None:
        """Show a draft's values without marking anything changed."""
        self._loading = True
        try:
            self.draft = draft
            for sid, widgets in self.fields.items():
                values = draft.sections.get(sid, {}) or {}
                for fid, w in widgets.items():
                    w.set_value(values.get(fid))
            for (sid, fid), banner in self.banners.items():
                banner.setVisible(fid in set(draft.prefilled.get(sid, ()) or ()))
        finally:
            self._loading = False
        self._refresh_header()
        self._refresh_section_marks()
        if self.sections.currentRow() < 0:
            self.sections.setCurrentRow(0)
        self._update_words()

    def _refresh_header(self) -> None:
        r = self.request
        who = f"{r.name} · {r.crn}" if r.crn else f"{r.name} · pre-sentence record"
        kind = "Oral report record" if self.compact else f"{type_label(r.report_type)} report"
        self.header.setText(f"{kind}: {who}")  # plain text: a name shows as typed (O'Brien, not O&#x27;Brien)
        self.subheader.setText(
            f"{r.court}, {r.lja} · hearing {format_date(r.hearing_date)} · "
            f"{'remanded in custody' if r.remanded else 'on bail'} · due {format_date(r.due_by)}")
        status = getattr(self.draft, "status", None) or r.status
        self.status.setText(f"<b>{html.escape(status_label(status))}</b>")
        self.sent_button.setVisible(status == "ready")
        self.countersign_button.setVisible(status == "ready" and not getattr(self.draft, "countersigned_by", None))
        signed = getattr(self.draft, "countersigned_by", None)
        if signed and status in ("ready", "sent"):
            self.status.setText(self.status.text() + f" · countersigned by {html.escape(signed)}")
        sent = status == "sent"
        self.pages.setEnabled(not sent)  # a report sent to court is changed by an addendum, not edited
        set_available(self.ready_button, not sent, "the report has been sent to court: add an addendum instead")

    def _refresh_section_marks(self) -> None:
        for i, spec in enumerate(self.specs):
            waiting = [key for key in self._keys(spec) if key in self.banners and not self.banners[key].isHidden()]
            item = self.sections.item(i)
            text = f"{spec.number}. {spec.title}"
            item.setText(text + (f"  ● {len(waiting)}" if waiting else ""))
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         text + (f", {len(waiting)} prefilled to confirm" if waiting else ""))
            item.setToolTip("Prefilled from the case: confirm each marked field" if waiting else spec.guidance)
            self.confirm_all[spec.id].setVisible(len(waiting) > 1)

    def go_to(self, row: int) -> None:
        if 0 <= row < self.sections.count():
            self.sections.setCurrentRow(row)
            self.focus_section(row)

    @staticmethod
    def _keys(spec: Any) -> list[tuple[str, str]]:
        """(stored section, field) of each field of a form section."""
        return [(sid, f.id) for sid, f in spec.fields]

    def _widgets(self, spec: Any) -> list[FieldWidget]:
        return [self.fields[sid][fid] for sid, fid in self._keys(spec)]

    def focus_section(self, row: int) -> None:
        widgets = self._widgets(self.specs[row])
        if widgets:
            widgets[0].setFocus()

    def _section_changed(self, row: int) -> None:
        if row < 0:
            return
        if self._dirty:
            self.save()  # leaving a section saves it
        if self.compact:
            self.compact_scroll.ensureWidgetVisible(self.groups[row], 0, 0)
        else:
            self.pages.setCurrentIndex(row)
        self._update_words()

    def current_section_id(self) -> str:
        row = max(self.sections.currentRow(), 0)
        return self.specs[row].id

    def _update_words(self) -> None:
        here = word_count([w.text_for_count() for w in self._widgets(self.specs[max(self.sections.currentRow(), 0)])])
        total = word_count([w.text_for_count() for ws in self.fields.values() for w in ws.values()])
        self.words.setText(f"Words: {here:,} in this section · {total:,} in the report")

    def _changed(self, section_id: str, field_id: str) -> None:
        if self._loading:
            return
        self._dirty.setdefault(section_id, set()).add(field_id)
        self.saved.setText("Changes not yet saved…")
        self._update_words()
        if not self.held:  # while the warning is up, the officer decides before anything is saved over it
            self._autosave.start()

    def section_values(self, section_id: str) -> dict[str, Any]:
        return {fid: w.value() for fid, w in self.fields[section_id].items()
                if not (hasattr(w, "valid") and not w.valid())}  # a half-typed date waits; the rest saves

    def values(self) -> dict[str, dict[str, Any]]:
        return {sid: self.section_values(sid) for sid in self.fields}

    @property
    def dirty(self) -> bool:
        return bool(self._dirty)

    @property
    def settled(self) -> bool:
        """Everything on screen is written (nothing pending, nothing being written)."""
        return not self._dirty and not self._writes

    # -- saving ------------------------------------------------------------------------------------
    def _take_pending(self) -> dict[str, dict[str, Any]]:
        """The changed fields only (the service treats a changed prefilled field as confirmed).

        A half-typed date stays pending, so the rest of its section still saves."""
        pending: dict[str, dict[str, Any]] = {}
        keep: dict[str, set[str]] = {}
        for sid, fids in self._dirty.items():
            for fid in fids:
                w = self.fields[sid][fid]
                if hasattr(w, "valid") and not w.valid():
                    keep.setdefault(sid, set()).add(fid)
                else:
                    pending.setdefault(sid, {})[fid] = w.value()
        self._dirty = keep
        return pending

    def save(self) -> None:
        """Autosave (timer, leaving a section, Ctrl+S, hiding the tab)."""
        self._autosave.stop()
        if self._dirty:
            self._submit(None)

    def _submit(self, after: Callable[[Any], Any] | None, on_ok: Callable[[Any], None] | None = None,
                on_error: Callable[[BaseException], None] | None = None, label: str = "the report") -> None:
        """Write what changed, then run `after` in the same write job. The one writer runs writes in the order
        asked, so an older save can never land after a newer one."""
        pending = self._take_pending()
        if not pending and after is None:
            return

        def ok(answer: tuple[Any, Any, Any]) -> None:
            before, result, stored = answer
            self._writes -= 1
            self.saves += 1
            if before is not None and before != self._known:
                self._noticed(self._known, before)
            if stored is not None:
                self._known = stored
            if pending:
                self.saved.setText(f"Saved {datetime.now():%H:%M:%S}")
                self._saved_fields(pending)
                if getattr(self.draft, "status", None) == "ready":
                    # The service takes a changed report back to drafting: the signature covered the old text.
                    self.draft = dataclasses.replace(self.draft, status="drafting", signed_by=None, signed_on=None,
                                                     countersigned_by=None)
                    self._refresh_header()
                    self.status_changed.emit(self.request.id)
            if on_ok is not None:
                on_ok(result)
            self._settle()

        def failed(exc: BaseException) -> None:
            self._writes -= 1
            for sid, fields in pending.items():  # not saved: tried again with the next change or Ctrl+S
                self._dirty.setdefault(sid, set()).update(fields)
            self._settle()  # the typing is still unsaved: a change underneath warns, never reloads over it
            errors = getattr(exc, "errors", None)
            if on_error is not None:
                on_error(exc)  # it says what went wrong with the action
            elif errors:
                self.saved.setText("Not saved: " + "; ".join(str(e) for e in errors))
            else:
                self.saved.setText(f"Not saved ({exc.__class__.__name__}); your text is still here")

        job = self.ops.write(_save_and_then, self.report_id, pending, after, on_ok=ok, on_error=failed, owner=self,
                             label=f"{label} for {self.request.name}")
        if job is not None:
            self._writes += 1
            self._submitted += 1
        else:  # locked: keep the changes marked, they are written at the next save
            for sid, fields in pending.items():
                self._dirty.setdefault(sid, set()).update(fields)

    def _saved_fields(self, pending: dict[str, dict[str, Any]]) -> None:
        # The service unmarks a prefilled field the writer changed: the banner goes too.
        hid = False
        for sid, fields in pending.items():
            for fid in fields:
                banner = self.banners.get((sid, fid))
                if banner is not None and not banner.isHidden():
                    banner.hide()
                    hid = True
        if hid:
            self._refresh_section_marks()

    def discard(self) -> None:
        """The request is being withdrawn: nothing more to save."""
        self._autosave.stop()
        self._dirty = {}

    def save_now(self) -> None:
        """On lock: queue what is on screen as a write; the lock lets the writer finish it before closing."""
        self._autosave.stop()
        if self._dirty:
            self._submit(None, label="the report being typed")

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        # Switching or closing the tab hides the editor: save what was typed.
        if self._dirty and self.ops.is_open:
            self.save()
        super().hideEvent(event)

    # -- changed underneath ------------------------------------------------------------------------
    @property
    def held(self) -> bool:
        """The warning is up: the report changed elsewhere while there was typing here."""
        return not self.changed_banner.isHidden() and self.changed_banner.warning

    def _ops_changed(self, changes: Change) -> None:
        """After any committed write that may touch reports: has this one changed underneath the editor?

        While a job of the editor's own is on the writer nothing is read: that job runs after the write just
        announced and compares the report before it with how the editor's last job left it."""
        if not changes & (Change.REPORT | Change.SYNC) or self._writes or not self.ops.is_open:
            return
        asked = self._submitted

        def got(stored: ReportDraft | None) -> None:
            if stored is None or asked != self._submitted or self._writes:
                return  # gone (withdrawn: the controller closes it), or a newer job of ours checks instead
            if stored != self._known:
                self._noticed(self._known, stored)
                self._known = stored
                self._settle()

        self.ops.query(_stored, self.report_id, on_ok=got, owner=self, label="check the open report")

    def _noticed(self, old: Any, stored: Any) -> None:
        labels = changed_labels(old, stored)
        self._underneath = (self._underneath or []) + [x for x in labels if x not in (self._underneath or [])]

    def _settle(self) -> None:
        """Once the editor's own jobs are back: reload if nothing is typed, else keep the typing and warn."""
        if self._underneath is None or self._writes:
            return
        labels, self._underneath = self._underneath, None
        what = _listed(labels)
        when = f"{datetime.now():%H:%M}"
        if not self._dirty:
            self.load(self._known)
            if not labels:
                return  # nothing shown here changed (the case's name, say): reloaded without a word
            self.changed_banner.show_notice(
                f"<b>This report was changed on another laptop</b> ({when}): {what}. "
                "It now shows that version.", warning=False)
            self.saved.setText(f"Reloaded {when}: changed on another laptop")
            return
        self._autosave.stop()
        mine = _listed([self._field_label(sid, fid) for sid, fids in self._dirty.items() for fid in sorted(fids)])
        self.changed_banner.show_notice(
            f"<b>This report was changed on another laptop</b> ({when}): {what}.<br>What you typed here "
            f"({mine}) is kept on screen and not saved yet; the other fields here show the older version. "
            "Keep your typing (it is saved, everything else is reloaded), or discard it and reload.", warning=True)
        self.saved.setText("Not saved: the report changed on another laptop")

    def _field_label(self, section_id: str, field_id: str) -> str:
        spec = next((s for s in self.specs if (section_id, field_id) in self._keys(s)), None)
        w = self.fields.get(section_id, {}).get(field_id)
        return f"{spec.number}. {spec.title} › {w.spec.label}" if spec is not None and w is not None else field_id

    def keep_typing_load_rest(self) -> None:
        """Save the fields typed here over the other laptop's, then show its version of everything else."""
        self.changed_banner.hide()
        report_id = self.report_id

        def reload(_stored_now: Any) -> None:
            if not self._dirty:
                self.load(self._known)
                self.saved.setText(f"Saved {datetime.now():%H:%M:%S}; the rest reloaded")

        self._submit(lambda db: _stored(db, report_id), reload)

    def discard_typing_and_reload(self) -> None:
        """Drop what was typed here and show the report as stored."""
        self.changed_banner.hide()
        self._autosave.stop()
        self._dirty = {}
        self._underneath = []
        self._settle()
        self.saved.setText(f"Reloaded {datetime.now():%H:%M}: your typing was discarded")

    # -- the outline sentence plan from the case's sentence plan -----------------------------------
    def start_outline_from_plan(self) -> None:
        """Read the case's sentence plan as an outline; it fills the box if empty, else the writer is asked."""
        from lpt_desktop.services.plan_outline import outline_for_report

        job = self.ops.query(outline_for_report, self.report_id, on_ok=self._outline_read,
                             on_error=self._outline_refused, owner=self, label="read the sentence plan for the outline")
        self._outline_says("Reading the sentence plan…" if job is not None else
                           "Nothing filled in: unlock the caseload first.", problem=job is None)

    def _outline_says(self, text: str, problem: bool = False) -> None:
        self.outline_note.setText(text)
        self.outline_note.setStyleSheet("font-size: 8pt; color: " + ("#8a1f12;" if problem else "#555;"))
        self.outline_note.setVisible(bool(text))
        self.outline_note.setAccessibleDescription(text)

    def _outline_refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        if errors:
            text = errors[0].message
            self._outline_says(f"Nothing filled in: {text}.", problem=True)
        else:
            self._outline_says(f"The sentence plan could not be read just now ({exc.__class__.__name__}): "
                               "nothing was changed.", problem=True)

    def _outline_read(self, outline: PlanOutline) -> None:
        field = self._outline_field
        if not field.value().strip() or field.value().strip() == outline.text.strip():
            self._fill_outline(outline)
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Replace the outline sentence plan?",
                          f"The outline sentence plan already has text. Replace it with the outline from "
                          f"{outline.source}?\n\nCtrl+Z in the box brings your text back.", parent=self)
        replace = box.addButton("&Replace my text", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep my text", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda b: self._fill_outline(outline) if b is replace else
                                  self._outline_says("Your outline was kept; nothing was changed."))
        self.outline_question = box
        self._outline_says("The outline already has your text: replace it, or keep it?")
        box.open()

    def _fill_outline(self, outline: PlanOutline) -> None:
        self._outline_field.replace_text(outline.text)  # a change like typing: it autosaves
        self._outline_says(f"Started from {outline.source}. Check it and make it your own (Ctrl+Z undoes it); "
                           "then tick what it addresses below.")
        self._outline_field.setFocus()

    # -- prefill -----------------------------------------------------------------------------------
    def _confirm_banner(self, section_id: str, field_id: str, _checked: bool = False) -> None:
        self.confirm(section_id, field_id)

    def confirm(self, section_id: str, field_id: str) -> None:
        from lpt_desktop.services import court as svc
        banner = self.banners.get((section_id, field_id))
        report_id = self.report_id

        def done(_r: Any) -> None:
            if banner is not None:
                banner.hide()
            self._refresh_section_marks()
            w = self.fields[section_id].get(field_id)
            if w is not None:
                w.setFocus()

        self._submit(lambda db: svc.confirm_prefill(db, report_id, section_id, field_id), done)

    def confirm_section(self, section_id: str) -> None:
        """Every prefilled field in the form's section checked at once (e.g. details read back to the defendant)."""
        from lpt_desktop.services import court as svc
        report_id = self.report_id
        spec = next(s for s in self.specs if s.id == section_id)
        keys = [key for key in self._keys(spec) if key in self.banners]

        def run(db: Database) -> None:
            for sid, fid in keys:
                svc.confirm_prefill(db, report_id, sid, fid)

        def done(_r: Any) -> None:
            for key in keys:
                self.banners[key].hide()
            self._refresh_section_marks()

        self._submit(run, done)

    def unconfirmed(self) -> list[tuple[str, str]]:
        return [key for key, b in self.banners.items() if not b.isHidden()]

    # -- ready and sent ----------------------------------------------------------------------------
    def check_and_mark_ready(self) -> None:
        report_id = self.report_id

        def run(db: Database) -> tuple[list[Any], Any]:
            from lpt_desktop.services import court as svc
            results = svc.ready_checks(svc.load_report(db, report_id))
            if all(r.ok for r in results):
                svc.mark_ready(db, report_id)
            return results, svc.load_report(db, report_id)

        self.saved.setText("Checking…")
        self._submit(run, self._show_checks)

    def _show_checks(self, result: tuple[list[Any], Any]) -> None:
        results, draft = result
        self.draft = draft
        failing = [r for r in results if not r.ok]
        self.checks.show()
        if failing:
            self.checks.setProperty("kind", "")
            self.checks.setText("Not ready yet. Add these, then check again:\n• "
                                + "\n• ".join(r.message for r in failing))
            self.saved.setText(f"{len(failing)} of {len(results)} checks to put right")
        else:
            self.checks.setProperty("kind", "info")
            self.checks.setText(f"All {len(results)} checks passed: the report is ready for countersign.")
            self.saved.setText("Marked ready")
            self.status_changed.emit(self.request.id)
        self.checks.style().unpolish(self.checks)
        self.checks.style().polish(self.checks)
        self._refresh_header()

    def ask_countersign(self) -> None:
        name, ok = QInputDialog.getText(self, "Countersign", "Countersigning manager's name:")
        if ok and name.strip():
            self.countersign_as(name.strip())

    def countersign_as(self, name: str) -> None:
        report_id = self.report_id

        def run(db: Database) -> Any:
            from lpt_desktop.services import court as svc
            svc.countersign(db, report_id, name)
            return svc.load_report(db, report_id)

        def done(draft: Any) -> None:
            self.draft = draft
            self._refresh_header()
            self.saved.setText("Countersigned")
            self.status_changed.emit(self.request.id)

        self._submit(run, done, self._action_failed)

    def _action_failed(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        self.saved.setText("Not done")
        self.checks.show()
        self.checks.setProperty("kind", "")
        self.checks.setText("Not done: " + ("; ".join(str(e) for e in errors) if errors else
                                            f"something went wrong ({exc.__class__.__name__}); nothing was "
                                            "half-saved"))

    def mark_sent(self) -> None:
        report_id = self.report_id

        def run(db: Database) -> Any:
            from lpt_desktop.services import court as svc
            svc.mark_sent(db, report_id)
            return svc.load_report(db, report_id)

        def done(draft: Any) -> None:
            self.draft = draft
            self._refresh_header()
            self.saved.setText("Marked sent to court")
            self.status_changed.emit(self.request.id)

        self._submit(run, done, self._action_failed)

    # -- export and print --------------------------------------------------------------------------
    def ask_export(self) -> None:
        dialog = ExportDialog(self)
        # No name or CRN in the suggested file name: file names show in folders and recent-file lists.
        folder = Path.home() / "Documents"
        folder = folder if folder.is_dir() else Path.home()
        dialog.path_edit.setText(str(folder / f"pre-sentence-report-{date.today():%Y-%m-%d}.pdf"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.export_to(dialog.path(), dialog.password() or None))
        self.export_dialog = dialog
        dialog.open()

    def export_to(self, path: str, password: str | None = None) -> None:
        """Render on a worker (after saving what is on screen) and write the file atomically."""
        report_id = self.report_id

        def run(db: Database) -> str:
            from lpt_desktop.services import court as svc
            svc.export_pdf(path, svc.render_pdf(db, report_id, password=password))
            return path

        def done(written: str) -> None:
            self.saved.setText("PDF exported")
            protected = "It is protected by the password you chose. " if password else ""
            self.host.show_message(
                QMessageBox.Icon.Information, "Report exported",
                f"The report was saved to {written}.\n\nThis file is outside the encrypted caseload store. "
                f"{protected}Keep it only on an encrypted drive and delete it once it has gone to court.")

        self.saved.setText("Exporting PDF…")
        self._submit(run, done)

    def report_html(self) -> str:
        """The report as printed: the same sections as the PDF, marked at top and bottom."""
        e = html.escape
        r = self.request
        rtype = report_types().get(r.report_type)
        title = rtype.title if rtype else f"{type_label(r.report_type)} report"
        parts = [f"<h2>{e(r.court)}</h2><p>{e(r.lja)} · hearing {format_date(r.hearing_date)}</p>",
                 f"<h1>{e(title)}</h1><p><b>{e(r.name)}</b>{' · ' + e(r.crn) if r.crn else ''}</p>"]
        for spec in self.specs:
            rows = []
            for w in self._widgets(spec):
                text = w.display()
                if not text or (w.spec.kind == "bool" and text == "No"):
                    continue
                body = e(text).replace("\n", "<br>")
                rows.append(f"<p><b>{e(w.spec.label)}</b><br>{body}</p>")
            parts.append(f"<h3>{spec.number}. {e(spec.title)}</h3>" + ("".join(rows) or "<p><i>Not completed</i></p>"))
        signed = getattr(self.draft, "signed_by", None)
        if signed:
            parts.append(f"<p>Signed: <b>{e(signed)}</b> {format_date(getattr(self.draft, 'signed_on', None))}</p>")
        counter = getattr(self.draft, "countersigned_by", None)
        if counter:
            parts.append(f"<p>Countersigned: <b>{e(counter)}</b></p>")
        return "".join(parts)

    def ask_print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print report")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if printer.outputFileName():
            answer = QMessageBox.warning(
                self, "Unprotected file", f"The report will be written to {printer.outputFileName()}, a file that "
                "is NOT encrypted and is outside the caseload store. Save it only to an encrypted drive and "
                "delete it when done.", QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Save:
                return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print the report; returns the number of pages.

        QtPdf is not in PySide6-Essentials, so the PDF cannot be rasterised here: the same sections are
        laid out as a text document and painted page by page, each page marked OFFICIAL-SENSITIVE at top
        and bottom with "Page n of m", as on the PDF.
        """
        pages = paint_marked(printer, self.report_html())
        self.host.status_bar().showMessage("Report sent to the printer", 4000)
        return pages


def _listed(labels: list[str]) -> str:
    if not labels:
        return "no field you can see"
    shown = labels[:5]
    text = "; ".join(shown)
    return text + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")


def paint_marked(printer: QPrinter, body_html: str, mark_size: float | None = None) -> int:
    """Lay the HTML out on the printer's pages with the marking and page numbers on every page. `mark_size`: the
    marking's point size (large print's 16 point; None: the default font's), the bands above and below the text
    deep enough for it."""
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtPrintSupport import QPrinter

    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        page = printer.pageRect(QPrinter.Unit.DevicePixel)
        mark_font = QFont()
        mark_font.setBold(True)
        if mark_size is not None:
            mark_font.setPointSizeF(mark_size)
        # Header and footer bands: a twentieth of the page, or twice the marking's height if that is more.
        band = max(page.height() * 0.05, QFontMetricsF(mark_font, printer).height() * 2)
        body_h = page.height() - 2 * band
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(printer)  # lay out in the printer's own resolution
        doc.setHtml(body_html)
        doc.setPageSize(QSizeF(page.width(), body_h))
        count = doc.pageCount()
        for i in range(count):
            if i:
                printer.newPage()
            painter.save()
            painter.translate(0, band - i * body_h)
            doc.drawContents(painter, QRectF(0, i * body_h, page.width(), body_h))
            painter.restore()
            painter.setFont(mark_font)
            top = QRectF(0, 0, page.width(), band)
            bottom = QRectF(0, page.height() - band, page.width(), band)
            painter.drawText(top, int(Qt.AlignmentFlag.AlignCenter), MARKING)
            painter.drawText(bottom, int(Qt.AlignmentFlag.AlignCenter), f"{MARKING} · Page {i + 1} of {count}")
        return count
    finally:
        painter.end()


class ExportDialog(QDialog):
    """Where to write the PDF and an optional password; says plainly the file is not encrypted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report as PDF")
        self.setAccessibleName("Export report as PDF")
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("File to write")
        self.browse = QPushButton("&Browse…")
        self.browse.setAccessibleName("Choose the file")
        self.pw = QLineEdit()
        self.pw.setEchoMode(QLineEdit.EchoMode.Password)
        self.pw.setAccessibleName("PDF password (optional)")
        self.pw.setPlaceholderText("optional")
        self.pw2 = QLineEdit()
        self.pw2.setEchoMode(QLineEdit.EchoMode.Password)
        self.pw2.setAccessibleName("PDF password again")
        self.warning = QLabel("The PDF is written outside the encrypted caseload store. Save it only to an "
                              "encrypted drive, and delete it once the report has gone to court.")
        self.warning.setWordWrap(True)
        self.warning.setObjectName("demoNotice")
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        form = QFormLayout()
        file_label = QLabel("&File")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, row)
        form.addRow("&Password", self.pw)
        form.addRow("&Again", self.pw2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.browse.clicked.connect(self._browse)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(520, self.sizeHint().height())

    def _browse(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, "Export report as PDF", self.path_edit.text(), "PDF (*.pdf)")
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def path(self) -> str:
        return self.path_edit.text().strip()

    def password(self) -> str:
        return self.pw.text()

    def problem(self) -> str:
        if not self.path():
            return "File: is empty: choose where to save the PDF (Browse…)."
        if self.pw.text() != self.pw2.text():
            return "Again: does not match the password: type the same password twice, or leave both empty."
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        super().accept()
