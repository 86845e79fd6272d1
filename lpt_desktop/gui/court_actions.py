"""Court work: the court work list, report editor, oral reports and report PDFs.

install(host) adds the Court menu and returns one controller that opens the list and the editors as tabs,
fills them through host.ops and empties them on lock. Reports being typed are queued as writes before the
lock closes the caseload.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from lpt_desktop.gui.court_list import CourtListView
    from lpt_desktop.gui.host import Host
    from lpt_desktop.gui.report_editor import ReportEditor
    from lpt_desktop.store.database import Database

# Free in the main window and the Diary menu (Ctrl+Shift+W, D, M, B are the diary's).
LIST_KEYS = "Ctrl+Shift+C"
NEW_REQUEST_KEYS = "Ctrl+Shift+R"
NEW_PRE_SENTENCE_KEYS = "Ctrl+Shift+P"



def _load_list(db: Database) -> tuple[list[Any], Any]:
    from lpt_desktop.services import court as svc
    today = date.today()
    return svc.list_requests(db, as_of=today), svc.timeliness(db, today)


def _open_report(db: Database, request_id: str) -> tuple[Any, Any]:
    """Start the report if need be (the service returns the existing one), then load it and its request."""
    from lpt_desktop.services import court as svc
    report_id = svc.start_report(db, request_id)
    request = next(r for r in svc.list_requests(db) if r.id == request_id)
    return request, svc.load_report(db, report_id)


class CourtWork(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.ops = host.ops
        self.list_view: CourtListView | None = None
        self.editors: dict[str, ReportEditor] = {}  # report id -> its open editor
        self.requests: list[Any] = []
        self.timeliness: Any = None
        self.dialog: Any = None

        act = host.add_action
        self.list_action = act("Court &work list", lambda: self.show_list(), LIST_KEYS,
                               "Report requests with due dates; reports due today at the top")
        self.request_action = act("&New report request…", lambda: self.new_request(), NEW_REQUEST_KEYS,
                                  "Record a court's request for an oral, fast or standard report")
        self.pre_sentence_action = act("New &pre-sentence record…", self.new_pre_sentence, NEW_PRE_SENTENCE_KEYS,
                                       "Someone the court asked about who is not on the caseload")
        self.timeliness_action = act("&Timeliness", self.show_timeliness, None,
                                     "Reports on time this month against the 95% target")
        menu = host.menu("C&ourt")
        for a in (self.list_action, self.request_action, self.pre_sentence_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.timeliness_action)
        host.about_to_lock.connect(self.save_all_now)
        host.locked.connect(self.clear)
        host.ops.changed.connect(self._changed)

    def _changed(self, changes: Change) -> None:
        if changes & (Change.REPORT | Change.CASE) and self.list_view is not None:
            self.refresh()

    # -- lock --------------------------------------------------------------------------------------
    def save_all_now(self) -> None:
        """Before the lock closes the database: queue every editor's unsaved typing as a write."""
        for editor in list(self.editors.values()):
            editor.save_now()

    def clear(self) -> None:
        # The lock has closed every tab but the caseload; drop what they showed.
        if self.list_view is not None:
            self.list_view.clear()
        self.editors.clear()
        self.requests = []
        self.timeliness = None

    # -- the list ------------------------------------------------------------------------------------
    def _ensure_list(self) -> CourtListView:
        from lpt_desktop.gui.court_list import CourtListView

        if self.list_view is None:
            view = CourtListView()
            view.open_requested.connect(self.open_request)
            view.new_requested.connect(lambda: self.new_request())
            view.promote_requested.connect(self.promote)
            view.withdraw_requested.connect(self.withdraw)
            view.destroyed.connect(self._list_gone)
            # Column widths, order and sort are remembered (layout only: no case data in settings).
            header = view.table.horizontalHeader()
            state = self.host.prefs.state("court_list_header")
            if state is not None and header.restoreState(state):
                view.sized = True
            for signal in (header.sectionResized, header.sectionMoved, header.sortIndicatorChanged):
                signal.connect(lambda *_a, h=header: self.host.prefs.save_state("court_list_header", h.saveState()))
            self.list_view = view
        return self.list_view

    def _list_gone(self) -> None:
        self.list_view = None

    def show_list(self, select_id: str | None = None) -> None:
        if not self.host.is_unlocked:
            return
        view = self._ensure_list()
        self.host.show_tab(view, "Court work", f"Court work list ({LIST_KEYS})")
        view.table.setFocus()
        self.refresh(select_id)

    def refresh(self, select_id: str | None = None) -> None:
        def show(result: tuple[list[Any], Any]) -> None:
            self.requests, self.timeliness = result
            if self.list_view is not None:
                self.list_view.set_rows(self.requests)
                self.list_view.set_timeliness(self.timeliness)
                if select_id:
                    self.list_view.select(select_id)

        self.ops.query(_load_list, on_ok=show, label="court work list")

    def show_timeliness(self) -> None:
        from lpt_desktop.gui.court_list import timeliness_text

        def show(result: tuple[list[Any], Any]) -> None:
            self.requests, self.timeliness = result
            text, ok = timeliness_text(self.timeliness)
            if self.list_view is not None:
                self.list_view.set_rows(self.requests)
                self.list_view.set_timeliness(self.timeliness)
            extra = "" if ok else ("\n\nBelow the 95% target: the court work list shows what is due today and "
                                   "what is overdue.")
            self.host.show_message(QMessageBox.Icon.Information, "Timeliness", text + extra)

        self.ops.query(_load_list, on_ok=show, label="court work list")

    # -- dialogs -----------------------------------------------------------------------------------
    def _current_person(self) -> str | None:
        view = self.host.current_case()
        return view.case.person_id if view is not None else None

    def new_request(self, pre_sentence: tuple[str, str] | None = None) -> None:
        from lpt_desktop.gui.court_dialogs import RequestDialog

        if not self.host.is_unlocked:
            return

        def show(result: tuple[list[Any], Any]) -> None:
            self.requests, self.timeliness = result
            dialog = RequestDialog(self.host, self.host.caseload_records(), self.requests,
                                   self._request_made, person_id=self._current_person(),
                                   pre_sentence=pre_sentence)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog = dialog
            dialog.open()

        self.ops.query(_load_list, on_ok=show, label="court work list")

    def _request_made(self, request_id: str) -> None:
        self.host.status_bar().showMessage("Report request saved", 4000)
        self.show_list(request_id)

    def new_pre_sentence(self) -> None:
        from lpt_desktop.gui.court_dialogs import PreSentenceDialog

        if not self.host.is_unlocked:
            return

        def made(new_id: str, name: str) -> None:
            self.host.status_bar().showMessage("Pre-sentence record saved: now record the court's request", 5000)
            self.new_request(pre_sentence=(new_id, name))

        dialog = PreSentenceDialog(self.host, made)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def promote(self, request: Any) -> None:
        from lpt_desktop.gui.court_dialogs import PromoteDialog

        if not self.host.is_unlocked or request.pre_sentence_id is None or request.person_id is not None:
            return

        def done(person_id: str) -> None:
            # The write announced a new case: the caseload and this list reload by themselves.
            self.host.status_bar().showMessage("Case made from the pre-sentence record", 5000)
            if self.list_view is not None:
                self.list_view.select(request.id)
            self.host.open_case(person_id)

        dialog = PromoteDialog(self.host, request, done)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def withdraw(self, request: Any) -> None:
        from lpt_desktop.gui.court_list import type_label

        if not self.host.is_unlocked or request.status == "sent":
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Withdraw request",
                          f"Withdraw the {type_label(request.report_type).lower()} report request for {request.name} "
                          f"({request.court})? Its draft report is deleted. This cannot be undone.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.host.widget())
        box.button(QMessageBox.StandardButton.Yes).setText("Withdraw")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: Any) -> None:
            from lpt_desktop.services import court as svc
            if box.standardButton(button) != QMessageBox.StandardButton.Yes:
                return
            # By request: the list row may predate the report's start.
            rid = next((k for k, e in self.editors.items() if e.request.id == request.id), None)
            editor = self.editors.pop(rid, None) if rid else None
            if editor is not None:
                editor.discard()
                self.host.close_tab_of(editor)
            self.ops.write(lambda db: svc.withdraw_request(db, request.id), label="withdraw a report request",
                           on_ok=lambda _r: self.host.status_bar().showMessage("Report request withdrawn", 4000))

        box.buttonClicked.connect(answered)
        self.dialog = box
        box.open()

    # -- editors -----------------------------------------------------------------------------------
    def open_request(self, request: Any) -> None:
        if not self.host.is_unlocked:
            return
        if request.report_id and request.report_id in self.editors:
            editor = self.editors[request.report_id]
            self.host.show_tab(editor, editor.accessibleName())
            return
        self.host.status_bar().showMessage("Opening report…")
        # Starting a report writes it (the service returns the one already started), so it is a write.
        self.ops.write(_open_report, request.id, on_ok=self._report_loaded, label="open a report")

    def _report_loaded(self, result: tuple[Any, Any]) -> None:
        from lpt_desktop.gui.report_editor import ReportEditor
        from lpt_desktop.services import court as svc

        request, draft = result
        self.host.status_bar().clearMessage()
        existing = self.editors.get(draft.id)
        if existing is not None:  # opened twice while loading: one tab
            self.host.show_tab(existing, existing.accessibleName())
            return
        editor = ReportEditor(self.host, request, draft, svc.SECTIONS)
        editor.status_changed.connect(lambda rid: self.refresh(select_id=rid))
        report_id = draft.id
        editor.destroyed.connect(lambda _o=None, rid=report_id: self.editors.pop(rid, None))
        self.editors[report_id] = editor
        label = "Oral report" if editor.compact else "Report"
        self.host.show_tab(editor, f"{label} · {request.name.replace('&', '&&')}",  # & shows, not a mnemonic
                           f"{label} for {request.court}, due {request.due_by:%d/%m/%Y}", ":/lpt/icons/case.svg")
        editor.focus_section(0)
        if self.list_view is not None:
            self.list_view.select(request.id)  # starting a report moves it to 'drafting': the write's change reloads


def install(host: Host) -> CourtWork:
    """Add the Court menu and its actions; the controller is host.feature("court")."""
    return CourtWork(host)
