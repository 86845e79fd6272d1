"""Court work: the court work list, report editor, oral reports and report PDFs.

The main window calls install(); this module adds the Court menu and one controller (window.court) that
opens the list and the editors as tabs, fills them from the services on workers and empties them on lock.
Reports being typed are written to the caseload before the lock closes it.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from lpt_desktop.gui.court_list import CourtListView
    from lpt_desktop.gui.main_window import MainWindow
    from lpt_desktop.gui.report_editor import ReportEditor

log = logging.getLogger(__name__)

# Free in the main window and the Diary menu (Ctrl+Shift+W, D, M, B are the diary's).
LIST_KEYS = "Ctrl+Shift+C"
NEW_REQUEST_KEYS = "Ctrl+Shift+R"
NEW_PRE_SENTENCE_KEYS = "Ctrl+Shift+P"


def _svc() -> Any:
    from lpt_desktop.services import court

    return court


def _load_list(db: Any) -> tuple[list[Any], Any]:
    svc = _svc()
    today = date.today()
    return svc.list_requests(db, as_of=today), svc.timeliness(db, today)


def _open_report(db: Any, request_id: str) -> tuple[Any, Any]:
    """Start the report if need be (the service returns the existing one), then load it and its request."""
    svc = _svc()
    report_id = svc.start_report(db, request_id)
    request = next(r for r in svc.list_requests(db) if r.id == request_id)
    return request, svc.load_report(db, report_id)


class CourtWork(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.list_view: CourtListView | None = None
        self.editors: dict[str, ReportEditor] = {}  # report id -> its open editor
        self.requests: list[Any] = []
        self.timeliness: Any = None
        self.dialog: Any = None

        self.list_action = self._action("Court &work list", lambda: self.show_list(), LIST_KEYS,
                                        "Report requests with due dates; reports due today at the top")
        self.request_action = self._action("&New report request…", lambda: self.new_request(), NEW_REQUEST_KEYS,
                                           "Record a court's request for an oral, fast or standard report")
        self.pre_sentence_action = self._action("New &pre-sentence record…", self.new_pre_sentence,
                                                NEW_PRE_SENTENCE_KEYS,
                                                "Someone the court asked about who is not on the caseload")
        self.timeliness_action = self._action("&Timeliness", self.show_timeliness, None,
                                              "Reports on time this month against the 95% target")
        menu = window.menuBar().addMenu("C&ourt")
        for a in (self.list_action, self.request_action, self.pre_sentence_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.timeliness_action)
        window.feature_actions.extend([self.list_action, self.request_action, self.pre_sentence_action,
                                       self.timeliness_action])
        window.locked.connect(self.clear)

    def _action(self, text: str, slot: Any, keys: str | None, tip: str) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    # -- lock --------------------------------------------------------------------------------------
    def save_all_now(self) -> None:
        """Before the lock closes the database: write every editor's unsaved typing, on this thread."""
        db = self.window.db
        if db is None:
            return
        for editor in list(self.editors.values()):
            try:
                editor.save_now_sync(db)
            except Exception as exc:  # a report that will not save must never stop the lock
                log.error("report not saved at lock: %s", exc.__class__.__name__)

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
            state = self.window.prefs.state("court_list_header")
            if state is not None and header.restoreState(state):
                view.sized = True
            for signal in (header.sectionResized, header.sectionMoved, header.sortIndicatorChanged):
                signal.connect(lambda *_a, h=header: self.window.prefs.save_state("court_list_header", h.saveState()))
            self.list_view = view
        return self.list_view

    def _list_gone(self) -> None:
        self.list_view = None

    def show_list(self, select_id: str | None = None) -> None:
        if self.window.db is None:
            return
        view = self._ensure_list()
        tabs = self.window.tabs
        index = tabs.indexOf(view)
        if index < 0:
            index = tabs.addTab(view, "Court work")
            tabs.setTabToolTip(index, f"Court work list ({LIST_KEYS})")
        tabs.setCurrentIndex(index)
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

        self.window.run_db(_load_list, on_ok=show)

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
            self.window.show_message(QMessageBox.Icon.Information, "Timeliness", text + extra)

        self.window.run_db(_load_list, on_ok=show)

    # -- dialogs -----------------------------------------------------------------------------------
    def _current_person(self) -> str | None:
        view = self.window.current_case()
        return view.case.person_id if view is not None else None

    def new_request(self, pre_sentence: tuple[str, str] | None = None) -> None:
        from lpt_desktop.gui.court_dialogs import RequestDialog

        if self.window.db is None:
            return

        def show(result: tuple[list[Any], Any]) -> None:
            self.requests, self.timeliness = result
            dialog = RequestDialog(self.window, self.window.caseload_view.model.records, self.requests,
                                   self._request_made, person_id=self._current_person(),
                                   pre_sentence=pre_sentence)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog = dialog
            dialog.open()

        self.window.run_db(_load_list, on_ok=show)

    def _request_made(self, request_id: str) -> None:
        self.window.statusBar().showMessage("Report request saved", 4000)
        self.window.data_changed.emit("report")
        self.show_list(request_id)

    def new_pre_sentence(self) -> None:
        from lpt_desktop.gui.court_dialogs import PreSentenceDialog

        if self.window.db is None:
            return

        def made(new_id: str, name: str) -> None:
            self.window.statusBar().showMessage("Pre-sentence record saved: now record the court's request", 5000)
            self.window.data_changed.emit("pre-sentence")
            self.new_request(pre_sentence=(new_id, name))

        dialog = PreSentenceDialog(self.window, made)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def promote(self, request: Any) -> None:
        from lpt_desktop.gui.court_dialogs import PromoteDialog

        if self.window.db is None or request.pre_sentence_id is None or request.person_id is not None:
            return

        def done(person_id: str) -> None:
            self.window.statusBar().showMessage("Case made from the pre-sentence record", 5000)
            self.window.data_changed.emit("case")
            self.refresh(select_id=request.id)
            self.window.refresh_caseload()
            self.window.open_case(person_id)

        dialog = PromoteDialog(self.window, request, done)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def withdraw(self, request: Any) -> None:
        from lpt_desktop.gui.court_list import type_label

        if self.window.db is None or request.status == "sent":
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Withdraw request",
                          f"Withdraw the {type_label(request.report_type).lower()} report request for {request.name} "
                          f"({request.court})? Its draft report is deleted. This cannot be undone.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.window)
        box.button(QMessageBox.StandardButton.Yes).setText("Withdraw")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: Any) -> None:
            if box.standardButton(button) != QMessageBox.StandardButton.Yes:
                return
            # By request: the list row may predate the report's start.
            rid = next((k for k, e in self.editors.items() if e.request.id == request.id), None)
            editor = self.editors.pop(rid, None) if rid else None
            if editor is not None:
                editor.discard()
                self.window.close_tab(self.window.tabs.indexOf(editor))
            self.window.run_db(lambda db: _svc().withdraw_request(db, request.id), on_ok=lambda _r: (
                self.window.statusBar().showMessage("Report request withdrawn", 4000), self.refresh(),
                self.window.data_changed.emit("report")))

        box.buttonClicked.connect(answered)
        self.dialog = box
        box.open()

    # -- editors -----------------------------------------------------------------------------------
    def open_request(self, request: Any) -> None:
        if self.window.db is None:
            return
        if request.report_id and request.report_id in self.editors:
            self.window.tabs.setCurrentWidget(self.editors[request.report_id])
            return
        self.window.statusBar().showMessage("Opening report…")
        self.window.run_db(_open_report, request.id, on_ok=self._report_loaded)

    def _report_loaded(self, result: tuple[Any, Any]) -> None:
        from lpt_desktop.gui.report_editor import ReportEditor

        request, draft = result
        self.window.statusBar().clearMessage()
        existing = self.editors.get(draft.id)
        if existing is not None:  # opened twice while loading: one tab
            self.window.tabs.setCurrentWidget(existing)
            return
        editor = ReportEditor(self.window, request, draft, _svc().SECTIONS)
        editor.status_changed.connect(lambda rid: self.refresh(select_id=rid))
        report_id = draft.id
        editor.destroyed.connect(lambda _o=None, rid=report_id: self.editors.pop(rid, None))
        self.editors[report_id] = editor
        label = "Oral report" if editor.compact else "Report"
        index = self.window.tabs.addTab(editor, QIcon(":/lpt/icons/case.svg"), f"{label} · {request.name}")
        self.window.tabs.setTabToolTip(index, f"{label} for {request.court}, due {request.due_by:%d/%m/%Y}")
        self.window.tabs.setCurrentIndex(index)
        editor.focus_section(0)
        self.refresh(select_id=request.id)  # starting a report moves it to 'drafting'


def install(window: MainWindow) -> None:
    """Add this feature's menus and actions to the window (actions needing a caseload go in window.feature_actions)."""
    court = CourtWork(window)
    window.court = court  # type: ignore[attr-defined] - the feature's controller, for tests and other features
    # Reports being typed are written while the database is still open (a short write on this thread).
    window.about_to_lock.connect(court.save_all_now)
