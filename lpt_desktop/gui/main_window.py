"""The main window: unlock screen, then the caseload and case tabs; locks itself when idle."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QTabWidget,
)

from lpt_desktop import APP_NAME, __version__
from lpt_desktop.gui.case_view import CaseView
from lpt_desktop.gui.caseload_view import CaseloadView
from lpt_desktop.gui.contact_models import SEARCH_COLUMNS, DueTableModel
from lpt_desktop.gui.court_actions import install as install_court
from lpt_desktop.gui.dialogs import ChangePassphraseDialog, NoteTemplatesDialog, PreferencesDialog
from lpt_desktop.gui.idle import IdleWatcher
from lpt_desktop.gui.list_view import RecordListView
from lpt_desktop.gui.preferences import Preferences
from lpt_desktop.gui.standards_actions import install as install_standards
from lpt_desktop.gui.sync_actions import install as install_sync
from lpt_desktop.gui.table_model import RecordTableModel
from lpt_desktop.gui.unlock_page import UnlockPage
from lpt_desktop.gui.workers import Jobs, Worker
from lpt_desktop.store.errors import StoreError, WrongPassphrase

if TYPE_CHECKING:
    from lpt_desktop.services.caseload import CaseloadRow
    from lpt_desktop.services.cases import CaseRecord
    from lpt_desktop.store.database import Database

log = logging.getLogger(__name__)

# The services (SQLAlchemy, Alembic) are imported inside these jobs, on a worker thread, so the
# unlock prompt appears without waiting for them (bench/: gui-launch).


def _unlock_and_load(path: Path, passphrase: str) -> tuple[Database, list[CaseloadRow]]:
    from lpt_desktop.services.caseload import load_caseload
    from lpt_desktop.services.unlock import unlock

    db = unlock(path, passphrase)
    try:
        return db, load_caseload(db)
    except BaseException:
        db.close()
        raise


def _load_caseload(db: Database) -> list[CaseloadRow]:
    from lpt_desktop.services.caseload import load_caseload

    return load_caseload(db)


def _open_case(db: Database, person_id: str) -> CaseRecord:
    from lpt_desktop.services.cases import open_case

    return open_case(db, person_id)


def _warm_imports() -> None:
    # Runs while the officer types the passphrase, so the first unlock does not wait for imports.
    import lpt_desktop.services.caseload  # noqa: F401
    import lpt_desktop.services.cases  # noqa: F401
    import lpt_desktop.services.unlock  # noqa: F401
    import lpt_desktop.store.migrations  # noqa: F401


def _drafts(db: Database) -> list:
    from lpt_desktop.services.contacts import drafts

    return drafts(db)


def _enforcement_due(db: Database) -> list:
    from lpt_desktop.services.contacts import enforcement_due

    return enforcement_due(db)


def _note_templates(db: Database) -> dict[str, str]:
    from lpt_desktop.services.contacts import note_templates

    return note_templates(db)


def _save_template(db: Database, name: str, body: str) -> None:
    from lpt_desktop.services.contacts import save_note_template

    save_note_template(db, name, body)


def _search(db: Database, text: str) -> list:
    from lpt_desktop.services.contacts import search_notes

    return search_notes(db, text)


def _make_demo(path: Path, progress=None) -> None:  # noqa: ANN001 - progress is the worker's callback
    from lpt_desktop.services.demo import DEMO_PASSPHRASE, create_demo

    create_demo(path, DEMO_PASSPHRASE, progress=progress).close()


class MainWindow(QMainWindow):
    # Emitted on the UI thread while the database is still open, so features can write what is being typed.
    about_to_lock = Signal()
    # Emitted after a save that may change what is due (a contact, a booking, a report, a policy, a sync),
    # naming what changed; views that summarise the caseload reload on it.
    data_changed = Signal(str)
    locked = Signal()
    unlocked = Signal()
    case_opened = Signal(str)

    def __init__(self, db_path: Path, demo: bool = False, prefs: Preferences | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.demo = demo
        self.prefs = prefs or Preferences()
        self.db: Database | None = None
        self.jobs = Jobs(self)
        self.last_message: QMessageBox | None = None
        # Results of work started before a lock are dropped: the generation moves on at every lock.
        self._generation = 0
        self._unlocking = False
        self._after_open: dict[str, list[Callable[[CaseView], None]]] = {}
        self._opening: set[str] = set()
        self.pending_drafts: list = []
        self.due_view: RecordListView | None = None
        self.search_view: RecordListView | None = None
        # Actions the feature modules add (standards, court work, sync): enabled only while unlocked.
        self.feature_actions: list[QAction] = []
        self.setWindowTitle(f"{APP_NAME} — DEMO: fictional people" if demo else APP_NAME)
        self.setWindowIcon(QIcon(":/lpt/icons/app.svg"))
        self.setAccessibleName(APP_NAME)

        self.unlock_page = UnlockPage()
        self.unlock_page.set_file(self.db_path, demo)
        self.unlock_page.unlock_requested.connect(self.request_unlock)
        self.caseload_view = CaseloadView()
        self.caseload_view.case_requested.connect(self.open_case)
        self.caseload_view.counts_changed.connect(self._show_counts)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setAccessibleName("Open records")
        self.tabs.addTab(self.caseload_view, QIcon(":/lpt/icons/caseload.svg"), "Caseload")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock_page)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self._build_status_bar()
        self._build_menus()
        self.idle = IdleWatcher(self.prefs.idle_minutes, self)
        self.idle.timed_out.connect(lambda: self.lock("idle"))
        self._restore_layout()
        self._set_unlocked_actions(False)
        self._prepare_file()
        self.jobs.start(Worker(_warm_imports), lambda _r: None, self._warm_up_failed)

    # -- construction ------------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setAccessibleName("Progress")
        self.progress.hide()
        self.count_label = QLabel("")
        self.count_label.setAccessibleName("Caseload count")
        self.sync_icon = QLabel()
        self.sync_icon.setPixmap(QIcon(":/lpt/icons/sync-offline.svg").pixmap(14, 14))
        self.sync_label = QLabel("Sync: not set up · working offline")
        self.sync_label.setAccessibleName("Sync status")
        self.sync_label.setToolTip("Everything is saved on this computer, encrypted. Synchronisation with the "
                                   "central store arrives in a later release.")
        self.lock_label = QLabel("Locked")
        self.lock_label.setAccessibleName("Lock status")
        for w in (self.progress, self.count_label, self.sync_icon, self.sync_label, self.lock_label):
            bar.addPermanentWidget(w)

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None,  # noqa: ANN001
                icon: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon:
            action.setIcon(QIcon(icon))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.lock_action = self._action("&Lock caseload", lambda: self.lock("user"), "Ctrl+L",
                                        ":/lpt/icons/lock.svg", "Close the caseload and ask for the passphrase")
        self.passphrase_action = self._action("Change &passphrase…", self.change_passphrase, None,
                                              tip="Change the passphrase that unlocks this caseload")
        self.refresh_action = self._action("&Refresh caseload", self.refresh_caseload, QKeySequence.StandardKey.Refresh)
        self.print_action = self._action("&Print caseload…", self.print_caseload, QKeySequence.StandardKey.Print,
                                         tip="Print the caseload as shown, marked OFFICIAL-SENSITIVE")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        for a in (self.lock_action, self.passphrase_action, self.refresh_action, self.print_action):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = menu.addMenu("&Edit")
        self.prefs_action = self._action("&Preferences…", self.edit_preferences, "Ctrl+,")
        self.templates_action = self._action("&Note templates…", self.edit_note_templates, None,
                                             tip="The headings offered when you write contact notes")
        edit_menu.addAction(self.prefs_action)
        edit_menu.addAction(self.templates_action)

        view_menu = menu.addMenu("&View")
        self.find_action = self._action("&Find in caseload", self.find, QKeySequence.StandardKey.Find)
        self.caseload_action = self._action("&Caseload", lambda: self.tabs.setCurrentIndex(0), "Ctrl+1")
        self.close_tab_action = self._action("Close &tab", lambda: self.close_tab(self.tabs.currentIndex()),
                                             QKeySequence.StandardKey.Close)
        self.next_tab_action = self._action("&Next tab", lambda: self._step_tab(1), "Ctrl+Tab")
        self.prev_tab_action = self._action("Pre&vious tab", lambda: self._step_tab(-1), "Ctrl+Shift+Tab")
        for a in (self.find_action, self.caseload_action, self.close_tab_action, self.next_tab_action,
                  self.prev_tab_action):
            view_menu.addAction(a)

        case_menu = menu.addMenu("&Case")
        self.record_action = self._action("&Record contact…", self.record_contact, QKeySequence.StandardKey.New,
                                          tip="Record a contact on the open case")
        self.due_action = self._action("&Enforcement due", self.show_enforcement_due, "Ctrl+E",
                                       tip="Open enforcement decisions and breach deadlines across the caseload")
        self.search_action = self._action("&Search notes", self.focus_note_search, "Ctrl+Shift+F",
                                          tip="Search every contact note on the caseload")
        self.drafts_action = self._action("Restore &drafts", self.restore_drafts, None,
                                          tip="Reopen contacts you had started but not saved")
        for a in (self.record_action, self.due_action, self.search_action, self.drafts_action):
            case_menu.addAction(a)

        # Each feature adds its own menus and status-bar pieces, so this window stays the frame.
        for install in (install_standards, install_court, install_sync):
            install(self)

        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("&About LPT Desktop", self.about))
        self.toolbar = toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.lock_action)
        toolbar.addSeparator()
        toolbar.addAction(self.due_action)
        self.note_search = QLineEdit()
        self.note_search.setPlaceholderText("Search all contact notes  (Ctrl+Shift+F)")
        self.note_search.setAccessibleName("Search contact notes")
        self.note_search.setClearButtonEnabled(True)
        self.note_search.setMaximumWidth(360)
        self.note_search.returnPressed.connect(lambda: self.search_notes(self.note_search.text()))
        toolbar.addWidget(self.note_search)

    def _set_unlocked_actions(self, unlocked: bool) -> None:
        for a in (self.lock_action, self.passphrase_action, self.refresh_action, self.find_action,
                  self.caseload_action, self.close_tab_action, self.next_tab_action, self.prev_tab_action,
                  self.record_action, self.due_action, self.search_action, self.drafts_action,
                  self.templates_action, self.print_action, *self.feature_actions):
            a.setEnabled(unlocked)
        self.note_search.setEnabled(unlocked)
        self.toolbar.setVisible(unlocked)  # the unlock screen shows the passphrase box and nothing else
        self.lock_label.setText("Unlocked" if unlocked else "Locked")

    def _restore_layout(self) -> None:
        geometry = self.prefs.state("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 760)
        state = self.prefs.state("window")
        if state is not None:
            self.restoreState(state)
        header = self.prefs.state("caseload_header")
        if header is not None:
            self.caseload_view.table.horizontalHeader().restoreState(header)

    def _save_layout(self) -> None:
        self.prefs.save_state("geometry", self.saveGeometry())
        self.prefs.save_state("window", self.saveState())
        self.prefs.save_state("caseload_header", self.caseload_view.table.horizontalHeader().saveState())
        self.prefs.sync()

    # -- first run of the demo -----------------------------------------------------------------------
    def _prepare_file(self) -> None:
        if self.demo and not self.db_path.exists():
            self.unlock_page.set_busy(True, "Preparing the demo caseload of fictional people…")
            self.unlock_page.set_progress(0, 1)
            gen = self._generation
            self.jobs.start(Worker(_make_demo, self.db_path, with_progress=True),
                            lambda _r: self._demo_ready(gen), self._demo_failed, self.unlock_page.set_progress)
        elif not self.db_path.exists():
            self.unlock_page.show_error(f"There is no caseload file at {self.db_path}. Start LPT Desktop with "
                                        "--demo to try it, or ask the service desk to set up your caseload.")
            self.unlock_page.ui.passphraseEdit.setEnabled(False)
            self.unlock_page.ui.unlockButton.setEnabled(False)
        else:
            self.unlock_page.reset()

    def _warm_up_failed(self, exc: BaseException) -> None:
        log.error("could not load the application's services: %s", exc.__class__.__name__)

    def _demo_ready(self, gen: int) -> None:
        if gen == self._generation:
            self.unlock_page.reset("The demo caseload is ready.")

    def _demo_failed(self, exc: BaseException) -> None:
        self.unlock_page.show_error(f"The demo caseload could not be prepared: {exc}")

    # -- unlock and lock ----------------------------------------------------------------------------
    def request_unlock(self, passphrase: str) -> None:
        if self.db is not None or self._unlocking:
            return
        self._unlocking = True
        self.unlock_page.set_busy(True, "Unlocking…")
        gen = self._generation
        self.jobs.start(Worker(_unlock_and_load, self.db_path, passphrase),
                        lambda result: self._unlocked(gen, result), lambda exc: self._unlock_failed(gen, exc))

    def _unlocked(self, gen: int, result: tuple[Database, list[CaseloadRow]]) -> None:
        db, rows = result
        self._unlocking = False
        if gen != self._generation:
            db.close()
            return
        self.db = db
        self.caseload_view.set_rows(rows)
        self.unlock_page.reset()
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentIndex(0)
        self._set_unlocked_actions(True)
        self.idle.start()
        self.caseload_view.table.setFocus()
        self.statusBar().showMessage(f"Caseload unlocked for {db.actor.split(' ', 1)[-1]}", 5000)
        log.info("caseload unlocked (%d cases)", len(rows))
        self.run_db(_drafts, on_ok=self._offer_drafts)
        self.unlocked.emit()

    def _unlock_failed(self, gen: int, exc: BaseException) -> None:
        self._unlocking = False
        if gen != self._generation:
            return
        if isinstance(exc, WrongPassphrase):
            title, text = "Passphrase not accepted", str(exc)
        elif isinstance(exc, StoreError):
            title, text = "The caseload cannot be opened", str(exc)
        else:
            title = "The caseload cannot be opened"
            text = f"Something went wrong while opening the caseload ({exc.__class__.__name__}). Nothing has " \
                   "been changed. The log has the details for the service desk."
        self.unlock_page.show_error(text)
        self.show_message(QMessageBox.Icon.Warning, title, text)

    def lock(self, reason: str = "user") -> None:
        """Clear every view, close the database and drop the key. Contacts being typed become drafts."""
        if self.db is not None:
            self.about_to_lock.emit()
            for view in self.case_views():
                if view.contacts is not None:
                    try:
                        # A short write on the UI thread: the database closes straight after it.
                        view.contacts.save_draft_now(self.db)
                    except Exception as exc:  # a draft must never stop the lock
                        log.error("draft not saved at lock: %s", exc.__class__.__name__)
        self._generation += 1
        self._after_open.clear()
        self._opening.clear()
        self.pending_drafts = []
        self.idle.stop()
        for i in range(self.tabs.count() - 1, 0, -1):
            self.close_tab(i)
        self.caseload_view.clear()
        for view in (self.due_view, self.search_view):
            if view is not None:
                view.set_rows([])
        self.note_search.clear()
        if self.db is not None:
            self.db.close()
            self.db = None
        self._set_unlocked_actions(False)
        self.count_label.setText("")
        self.statusBar().clearMessage()  # it may name a case
        for child in self.findChildren(QDialog):  # dialogs and messages would cover the unlock page
            if child.isVisible():
                child.reject()
        message = "Locked after a spell of inactivity. Type your passphrase to carry on." if reason == "idle" \
            else "Locked. Type your passphrase to carry on."
        self.unlock_page.reset(message)
        self.stack.setCurrentWidget(self.unlock_page)
        log.info("caseload locked (%s)", reason)
        self.locked.emit()

    @property
    def unlocking(self) -> bool:
        return self._unlocking

    @property
    def is_unlocked(self) -> bool:
        return self.db is not None

    # -- caseload and cases -------------------------------------------------------------------------
    def refresh_caseload(self) -> None:
        if self.db is None:
            return
        gen = self._generation
        self.jobs.start(Worker(_load_caseload, self.db),
                        lambda rows: gen == self._generation and self.caseload_view.set_rows(rows),
                        self._job_failed)

    def run_db(self, fn: Callable[..., Any], *args: Any, on_ok: Callable[[Any], Any],
               on_error: Callable[[BaseException], Any] | None = None) -> None:
        """fn(db, *args) on a worker; the result comes back only if the caseload was not locked meanwhile."""
        if self.db is None:
            return
        gen = self._generation

        def ok(result: Any) -> None:
            if gen == self._generation:
                on_ok(result)

        def failed(exc: BaseException) -> None:
            if gen == self._generation:
                (on_error or self._job_failed)(exc)

        self.jobs.start(Worker(fn, self.db, *args), ok, failed)

    def open_case(self, person_id: str, then: Callable[[CaseView], None] | None = None) -> None:
        if self.db is None:
            return
        for i in range(1, self.tabs.count()):
            view = self.tabs.widget(i)
            if isinstance(view, CaseView) and view.case.person_id == person_id:
                self.tabs.setCurrentIndex(i)
                if then is not None:
                    then(view)
                return
        if then is not None:
            self._after_open.setdefault(person_id, []).append(then)
        if person_id in self._opening:
            return  # already on its way: one tab, one audited open
        self._opening.add(person_id)
        gen = self._generation
        self.statusBar().showMessage("Opening case…")
        def failed(exc: BaseException) -> None:
            self._opening.discard(person_id)
            self._after_open.pop(person_id, None)
            self._job_failed(exc)

        self.jobs.start(Worker(_open_case, self.db, person_id), lambda case: self._case_loaded(gen, case), failed)

    def _case_loaded(self, gen: int, case: CaseRecord) -> None:
        if gen != self._generation:
            return
        self._opening.discard(case.person_id)
        view = CaseView(case, self.run_db)
        index = self.tabs.addTab(view, QIcon(":/lpt/icons/case.svg"), f"{case.name} · {case.crn}")
        self.tabs.setTabToolTip(index, f"{case.name}, {case.crn}")
        self.tabs.setCurrentIndex(index)
        self.statusBar().showMessage(f"Opened {case.crn}", 3000)
        for callback in self._after_open.pop(case.person_id, []):
            callback(view)
        self.case_opened.emit(case.person_id)

    # -- contacts across the caseload ---------------------------------------------------------------
    def current_case(self) -> CaseView | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, CaseView) else None

    def record_contact(self) -> None:
        view = self.current_case()
        if view is None:
            self.statusBar().showMessage("Open a case first (double-click it in the caseload), then press Ctrl+N.",
                                         6000)
            return
        contacts = view.show_contacts()
        if contacts is not None:
            contacts.start_entry()

    def _list_tab(self, view: RecordListView) -> None:
        index = self.tabs.indexOf(view)
        if index < 0:
            index = self.tabs.addTab(view, view.title.text())
        self.tabs.setCurrentIndex(index)

    def show_enforcement_due(self) -> None:
        if self.db is None:
            return
        if self.due_view is None:
            self.due_view = RecordListView(DueTableModel(), "Enforcement due",
                                           "Nothing is due: every failure has its enforcement decision.")
            self.due_view.activated.connect(lambda item: self.open_contact(item.person_id, item.contact_id))
        self._list_tab(self.due_view)
        self.run_db(_enforcement_due, on_ok=lambda items: self.due_view.set_rows(
            items, f"Enforcement due ({len(items)})"))

    def focus_note_search(self) -> None:
        self.note_search.setFocus()
        self.note_search.selectAll()

    def search_notes(self, text: str) -> None:
        if self.db is None or not text.strip():
            return
        if self.search_view is None:
            self.search_view = RecordListView(RecordTableModel(SEARCH_COLUMNS), "Search",
                                              "No contact notes match. Try fewer or shorter words.")
            self.search_view.activated.connect(lambda hit: self.open_contact(hit.person_id, hit.contact_id))
        self._list_tab(self.search_view)
        self.run_db(_search, text, on_ok=lambda hits: self.search_view.set_rows(
            hits, f"Notes matching “{text}” ({len(hits)}{'+' if len(hits) >= 200 else ''})"))

    def open_contact(self, person_id: str, contact_id: str) -> None:
        def show(view: CaseView) -> None:
            contacts = view.show_contacts()
            if contacts is not None:
                contacts.refresh(select_id=contact_id)

        self.open_case(person_id, then=show)

    def _offer_drafts(self, drafts: list) -> None:
        self.pending_drafts = drafts
        if not drafts:
            return
        names = "\n".join(f"• {d.crn} {d.name}, last saved {d.saved_at:%d/%m/%Y %H:%M}" for d in drafts[:8])
        box = self.show_message(QMessageBox.Icon.Information, "Unsaved contacts",
                                f"You had started {len(drafts)} contact record(s) that were not saved:\n\n{names}"
                                "\n\nRestore them now? (You can also use Case › Restore drafts later.)")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText("Restore")
        box.button(QMessageBox.StandardButton.No).setText("Later")
        box.accepted.connect(self.restore_drafts)

    def restore_drafts(self) -> None:
        """Reopen each unsaved contact in its case's entry panel (Case › Restore drafts, or on unlock)."""
        if self.db is None:
            return
        if self.pending_drafts:
            self._restore(self.pending_drafts)
        else:
            self.run_db(_drafts, on_ok=self._restore)

    def _restore(self, drafts: list) -> None:
        self.pending_drafts = []
        for d in drafts:
            self.open_case(d.person_id, then=lambda view, d=d: self._restore_one(view, d))

    @staticmethod
    def _restore_one(view: CaseView, draft: Any) -> None:
        contacts = view.show_contacts()
        if contacts is not None:
            contacts.start_entry(draft.data, draft.amends_id, "Restored draft: check it and save")

    def close_tab(self, index: int) -> None:
        if index <= 0:
            return  # the caseload tab stays
        widget = self.tabs.widget(index)
        self.tabs.removeTab(index)
        if widget is not None:
            widget.deleteLater()

    def case_views(self) -> list[CaseView]:
        return [w for i in range(1, self.tabs.count()) if isinstance(w := self.tabs.widget(i), CaseView)]

    def _step_tab(self, step: int) -> None:
        if self.tabs.count():
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def find(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.caseload_view.focus_search()

    def _show_counts(self, shown: int, total: int) -> None:
        if total == 0:
            self.count_label.setText("")
        elif shown == total:
            self.count_label.setText(f"{total} case" + ("" if total == 1 else "s"))
        else:
            self.count_label.setText(f"Showing {shown} of {total} cases")

    def _job_failed(self, exc: BaseException) -> None:
        if self.db is None:
            return  # failed because the caseload was locked under it: nothing to tell
        self.statusBar().clearMessage()
        if isinstance(exc, StoreError):
            text = str(exc)
        else:
            text = f"That did not work ({exc.__class__.__name__}). Nothing has been half-saved. The log has details."
        self.show_message(QMessageBox.Icon.Warning, APP_NAME, text)

    # -- dialogs ----------------------------------------------------------------------------------
    def show_message(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        """A window-modal message that does not block the event loop (work carries on behind it)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setAccessibleName(title)
        self.last_message = box
        box.open()
        return box

    def change_passphrase(self) -> None:
        if self.db is None:
            return
        dialog = ChangePassphraseDialog(self.db_path, self.jobs, self._passphrase_changed, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.passphrase_dialog = dialog
        dialog.open()

    def _passphrase_changed(self) -> None:
        self.statusBar().showMessage("Passphrase changed. Use the new passphrase next time you unlock.", 8000)
        self.show_message(QMessageBox.Icon.Information, "Passphrase changed",
                          "Your passphrase has been changed. Use the new one next time you unlock.")

    def edit_preferences(self) -> None:
        dialog = PreferencesDialog(self.prefs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.idle.set_timeout_ms(self.prefs.idle_minutes * 60_000))
        self.preferences_dialog = dialog
        dialog.open()

    def shown_caseload(self) -> list:
        view = self.caseload_view
        return [view.model.record(view.proxy.mapToSource(view.proxy.index(r, 0)).row())
                for r in range(view.proxy.rowCount())]

    def print_caseload(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from lpt_desktop.gui.printing import print_caseload

        if self.db is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print caseload")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if printer.outputFileName():
            # "Print to file" writes case data outside the encrypted caseload: say so, and let the officer stop.
            answer = QMessageBox.warning(
                self, "Unprotected file", f"The caseload will be written to {printer.outputFileName()}, a file "
                "that is NOT encrypted. Save it only to an encrypted drive and delete it when done.",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Save:
                return
        print_caseload(printer, self.shown_caseload(), self.db.actor.split(" ", 1)[-1])
        self.statusBar().showMessage("Caseload sent to the printer", 4000)

    def edit_note_templates(self) -> None:
        def show(templates: dict[str, str]) -> None:
            def save(name: str, body: str) -> None:
                self.run_db(_save_template, name, body, on_ok=lambda _r: self.statusBar().showMessage(
                    f"Template “{name}” saved", 4000))

            dialog = NoteTemplatesDialog(templates, save, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.templates_dialog = dialog
            dialog.open()

        self.run_db(_note_templates, on_ok=show)

    def about(self) -> None:
        self.show_message(QMessageBox.Icon.Information, f"About {APP_NAME}",
                          f"{APP_NAME} {__version__}\n\nCaseload application for probation offender managers "
                          "in England and Wales. Your caseload is stored on this computer in an encrypted "
                          "database.\n\nOFFICIAL-SENSITIVE when it holds case data.")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_layout()
        self.jobs.cancel_all()
        self.jobs.wait(10000)
        if self.db is not None:
            self.lock("user")
        event.accept()
