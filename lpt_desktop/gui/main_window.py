"""The main window: unlock screen, then the caseload and case tabs; locks itself when idle."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QStatusBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

from lpt_desktop import APP_NAME, __version__
from lpt_desktop.domain.words import plural
from lpt_desktop.gui import collector
from lpt_desktop.gui.idle import IdleWatcher
from lpt_desktop.gui.import_lock import IMPORTS
from lpt_desktop.gui.ops import Ops
from lpt_desktop.gui.preferences import Preferences
from lpt_desktop.gui.unlock_page import UnlockPage
from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from lpt_desktop.gui.case_record.record_dialog import RecordDialog
    from lpt_desktop.gui.case_view import CaseView
    from lpt_desktop.gui.list_view import RecordListView
    from lpt_desktop.services.caseload import CaseloadColumns, CaseloadRow
    from lpt_desktop.services.cases import CaseRecord
    from lpt_desktop.store.database import Database

log = logging.getLogger(__name__)

# The unlock prompt needs Qt and the unlock page only. Everything else (the caseload and case views, the
# features, the services with SQLAlchemy and Alembic) is imported where it is first used, or on a worker
# thread while the officer types the passphrase (_warm_imports), so the prompt appears without waiting for
# about 1,000 modules (bench/: gui-launch).


def _unlock_and_load(path: Path, passphrase: str) -> tuple[Database, list[CaseloadRow]]:
    _warm_imports()  # waits for the warm-up if it is still importing
    from lpt_desktop.services.caseload import load_caseload
    from lpt_desktop.services.unlock import unlock

    db = unlock(path, passphrase)
    try:
        # The rows only: what is due and the suggested tiers (about 8 s CPU at Trust scale, cold) are worked out
        # after the rows are painted (_caseload_columns) and fill their columns then.
        return db, load_caseload(db, worked_out=False)
    except BaseException:
        db.close()
        raise


def _load_caseload(db: Database) -> list[CaseloadRow]:
    from lpt_desktop.services.caseload import load_caseload

    return load_caseload(db)


def _caseload_columns(db: Database) -> CaseloadColumns:
    from lpt_desktop.services.caseload import caseload_columns

    return caseload_columns(db)


def _open_case(db: Database, person_id: str) -> CaseRecord:
    from lpt_desktop.services.cases import open_case

    return open_case(db, person_id)


# Whoever needs SQLAlchemy and the services first imports them all under this lock; the rest wait for it.
_IMPORTS = IMPORTS


def _warm_imports() -> None:
    # Runs on a worker while the officer types the passphrase, so neither the rest of the window (built on the
    # UI thread once these are in: MainWindow.finish_building) nor the first unlock waits for imports. Importing
    # defines classes only: no widget is made off the UI thread.
    with _IMPORTS:
        if not _WARMED:
            _import_the_rest()
            _warm_first_use()
            _WARMED.append(True)


_WARMED: list[bool] = []


def _warm_first_use() -> None:
    """What the first unlock and caseload load would otherwise do once per process after Enter (about half their
    time, bench/ gui-unlock-paint): services.caseload.warm_up, and the sync hooks installed."""
    from lpt_desktop.services.caseload import warm_up
    from lpt_desktop.services.unlock import install_hooks

    warm_up()
    install_hooks()


def _import_the_rest() -> None:
    import lpt_desktop.gui.case_record.record_dialog  # noqa: F401
    import lpt_desktop.gui.case_view  # noqa: F401
    import lpt_desktop.gui.caseload_view  # noqa: F401
    import lpt_desktop.gui.contact_models  # noqa: F401
    import lpt_desktop.gui.dialogs  # noqa: F401
    import lpt_desktop.gui.features  # noqa: F401
    import lpt_desktop.gui.list_view  # noqa: F401
    import lpt_desktop.services.caseload  # noqa: F401
    import lpt_desktop.services.cases  # noqa: F401
    import lpt_desktop.services.unlock  # noqa: F401


def _drafts(db: Database) -> list[Any]:
    from lpt_desktop.services.contacts import drafts

    return drafts(db)


def _form_drafts(db: Database) -> list[Any]:
    from lpt_desktop.services.contacts import form_drafts

    return form_drafts(db)


def _enforcement_due(db: Database) -> list[Any]:
    from lpt_desktop.services.contacts import enforcement_due

    return enforcement_due(db)


def _note_templates(db: Database) -> dict[str, str]:
    from lpt_desktop.services.contacts import note_templates

    return note_templates(db)


def _save_template(db: Database, name: str, body: str) -> None:
    from lpt_desktop.services.contacts import save_note_template

    save_note_template(db, name, body)


def _search(db: Database, text: str) -> list[Any]:
    from lpt_desktop.services.contacts import search_notes

    return search_notes(db, text)


def _make_demo(path: Path, progress: Callable[[int, int], None] | None = None) -> None:
    _warm_imports()  # not beside the warm-up's own import of SQLAlchemy
    from lpt_desktop.services.demo import DEMO_PASSPHRASE, create_demo

    create_demo(path, DEMO_PASSPHRASE, progress=progress).close()


def _user_message(exc: BaseException) -> str:
    from lpt_desktop.services.errors import user_message

    return user_message(exc)


def _case_view() -> type[CaseView]:
    from lpt_desktop.gui.case_view import CaseView

    return CaseView


def _record_dialog() -> type[RecordDialog]:
    from lpt_desktop.gui.case_record.record_dialog import RecordDialog

    return RecordDialog


def _is_wrong_passphrase(exc: BaseException) -> bool:
    from lpt_desktop.services.errors import WrongPassphrase

    return isinstance(exc, WrongPassphrase)


class AfterFirstPaint(QObject):
    """Runs `then` once, as soon as the event loop is free after `widget`'s next paint (or after FALLBACK_MS if it
    is not painted: a minimised window)."""

    FALLBACK_MS = 500

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.timeout.connect(self._run)
        self._fallback.start(self.FALLBACK_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint and self._then is not None:
            self._widget.removeEventFilter(self)
            self._fallback.stop()
            QTimer.singleShot(0, self, self._run)  # after this paint has been drawn, not inside it
        return False

    def _run(self) -> None:
        then, self._then = self._then, None
        self.cancel()
        if then is not None:
            then()

    def cancel(self) -> None:
        self._then = None
        self._fallback.stop()
        self._widget.removeEventFilter(self)
        self.deleteLater()


class MainWindow(QMainWindow):
    """The frame: unlock page, caseload, case tabs, menus and status bar; features plug in through `Host`."""

    # Emitted on the UI thread while the database is still open: features queue writes of what is being typed.
    about_to_lock = Signal()
    locked = Signal()
    unlocked = Signal()
    case_opened = Signal(str)

    def __init__(self, db_path: Path, demo: bool = False, prefs: Preferences | None = None,
                 staged: bool = False) -> None:
        """staged (the app's own window): show the unlock prompt first and build the rest once its modules are
        imported on a worker (finish_building); otherwise (tests, the self-test) the whole window at once."""
        super().__init__()
        app = QApplication.instance()
        if app is not None:
            collector.install(app)  # cycles collected on this thread only, before any worker starts
        self.db_path = Path(db_path)
        self.demo = demo
        self.prefs = prefs or Preferences()
        self.ops = Ops(self.report_error, self)
        self.ops.changed.connect(self._changed)
        # Whether reads or writes are still running, as a dynamic property (as "lptBuilding"): the benchmark's probe
        # times keystrokes once the work after unlock has settled.
        self.ops.running_changed.connect(lambda n: self.setProperty("lptBusy", n > 0))
        self.officer = ""
        self.last_message: QMessageBox | None = None
        self._unlocking = False
        self._built = False
        self._after_open: dict[str, list[Callable[[CaseView], None]]] = {}
        self._opening: set[str] = set()
        self.pending_drafts: list[Any] = []
        self.pending_form_drafts: list[Any] = []  # unsaved personal details (services.contacts.FormDraft)
        self._closed_unsaved: list[str] = []  # case record dialogs a lock closed with typing in them
        self._closed_kept: list[str] = []  # forms a lock closed after saving their draft (the RoSH form)
        self.due_view: RecordListView | None = None
        self.search_view: RecordListView | None = None
        self._caseload_actions: list[QAction] = []  # enabled only while unlocked
        self._shortcuts: dict[str, str] = {}  # key sequence -> the action's text: no two actions share one
        self.features: dict[str, Any] = {}
        self._after_paint: AfterFirstPaint | None = None
        # Ends with the application's name, so Qt does not add it again ("LPT Desktop — … — LPT Desktop").
        self.setWindowTitle(f"DEMO: fictional people — {APP_NAME}" if demo else APP_NAME)
        self.setWindowIcon(QIcon(":/lpt/icons/app.svg"))
        self.setAccessibleName(APP_NAME)

        self.unlock_page = UnlockPage()
        self.unlock_page.set_file(self.db_path, demo)
        self.unlock_page.unlock_requested.connect(self.request_unlock)
        self.unlock_page.new_caseload_requested.connect(self.new_caseload)
        self._just_started = False  # a caseload started here: offer sync set-up once it is open
        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock_page)
        self.setCentralWidget(self.stack)
        self._build_status_bar()
        self._build_menu_bar()
        self.idle = IdleWatcher(self.prefs.idle_minutes, self)
        self.idle.timed_out.connect(lambda: self.lock("idle"))
        geometry = self.prefs.state("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 760)
        self._prepare_file()
        # Read by bench/probes.py: the prompt is up, the rest of the window is still being built.
        self.setProperty("lptBuilding", True)
        if staged:
            # Started once the prompt has been painted: its import would otherwise hold the GIL meanwhile.
            AfterFirstPaint(self.unlock_page, self._start_warm_up)
        else:
            self.finish_building()
            self.ops.background(_warm_imports, on_error=self._warm_up_failed, label="warm imports")

    def _start_warm_up(self) -> None:
        self.ops.background(_warm_imports, on_ok=lambda _r: self.finish_building(), on_error=self._warm_up_failed,
                            label="warm imports")

    def finish_building(self) -> None:
        """The caseload, the tabs, the menus' actions, the toolbar and every feature (once; at once if asked for
        before the warm-up has imported their modules, as an unlock that finishes first does)."""
        if self._built:
            return
        _warm_imports()  # at once, or waits for the worker that is importing them
        self._built = True  # after the imports: one that failed leaves the next call to try again
        from lpt_desktop.gui.caseload_view import CaseloadView

        self.caseload_view = CaseloadView(self.prefs)
        self.caseload_view.case_requested.connect(self.open_case)
        self.caseload_view.counts_changed.connect(self._show_counts)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setAccessibleName("Open records")
        self.tabs.addTab(self.caseload_view, QIcon(":/lpt/icons/caseload.svg"), "Caseload")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self._pin_caseload_tab()
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.stack.addWidget(self.tabs)
        self._build_menus()
        self._restore_layout()
        self._set_unlocked_actions(self.is_unlocked)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._lock_reaches)
        self.setProperty("lptBuilding", False)

    @property
    def built(self) -> bool:
        return self._built

    # -- Host: what features may use (gui/host.py) -------------------------------------------------
    def widget(self) -> QWidget:
        return self

    def menu(self, title: str) -> QMenu:
        for action in self.menuBar().actions():
            if action.menu() is not None and action.text() == title:
                return action.menu()  # type: ignore[return-value]
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        return menu

    def add_action(self, text: str, slot: Callable[[], Any],
                   shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None, tip: str = "",
                   needs_caseload: bool = True, icon: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = QKeySequence(shortcut)
            bindings = QKeySequence.keyBindings(shortcut) if isinstance(shortcut, QKeySequence.StandardKey) \
                else [keys]
            for binding in bindings:
                name = binding.toString()
                if name in self._shortcuts:
                    raise ValueError(f"{name} is already {self._shortcuts[name]!r}: give {text!r} another shortcut")
                self._shortcuts[name] = text
            action.setShortcut(keys)
        if icon:
            action.setIcon(QIcon(icon))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
                              if shortcut is not None else tip)
        action.triggered.connect(slot)
        self.addAction(action)
        if needs_caseload:
            self._caseload_actions.append(action)
            action.setEnabled(self.is_unlocked)
        return action

    def status_bar(self) -> QStatusBar:
        return self.statusBar()

    def report_error(self, exc: BaseException) -> None:
        """Every failed operation ends here unless its caller says otherwise: one message, in words."""
        if not self.is_unlocked:
            return  # failed because the caseload was locked under it: nothing to tell
        self.statusBar().clearMessage()
        self.show_message(QMessageBox.Icon.Warning, APP_NAME, _user_message(exc))

    def show_tab(self, widget: QWidget, title: str, tooltip: str = "", icon: str | None = None) -> None:
        index = self.tabs.indexOf(widget)
        if index < 0:
            index = self.tabs.addTab(widget, QIcon(icon), title) if icon else self.tabs.addTab(widget, title)
            if tooltip:
                self.tabs.setTabToolTip(index, tooltip)
        self.tabs.setCurrentIndex(index)

    def close_tab_of(self, widget: QWidget) -> None:
        self.close_tab(self.tabs.indexOf(widget))

    def caseload_records(self) -> list[CaseloadRow]:
        return list(self.caseload_view.model.records)

    def feature(self, name: str) -> Any:
        return self.features[name]

    # -- construction ------------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setAccessibleName("Progress")
        self.progress.hide()
        self.count_label = QLabel("")
        self.count_label.setAccessibleName("Caseload count")
        self.lock_label = QLabel("Locked")
        self.lock_label.setAccessibleName("Lock status")
        # Features insert their own pieces (the sync state goes between the count and the lock state).
        for w in (self.progress, self.count_label, self.lock_label):
            bar.addPermanentWidget(w)

    def _build_menu_bar(self) -> None:
        """The frame's menus, empty until finish_building fills them: the bar is there from the first paint, so
        the unlock page does not move down when the rest of the window is built."""
        bar = self.menuBar()
        self._frame_menus = [bar.addMenu(title) for title in ("&File", "&Edit", "&View", "&Case")]
        self.help_menu = bar.addMenu("&Help")

    def _build_menus(self) -> None:
        from lpt_desktop.gui.features import FEATURES

        file_menu, edit_menu, view_menu, case_menu = self._frame_menus
        act = self.add_action
        self.lock_action = act("&Lock caseload", lambda: self.lock("user"), "Ctrl+L",
                               "Close the caseload and ask for the passphrase", icon=":/lpt/icons/lock.svg")
        self.passphrase_action = act("Change p&assphrase…", self.change_passphrase, None,
                                     "Change the passphrase that unlocks this caseload")
        self.refresh_action = act("&Refresh caseload", self.refresh_caseload, QKeySequence.StandardKey.Refresh)
        self.print_action = act("&Print caseload…", self.print_caseload, QKeySequence.StandardKey.Print,
                                "Print the caseload as shown, marked OFFICIAL-SENSITIVE")
        self.quit_action = act("&Quit", self.close, QKeySequence.StandardKey.Quit, needs_caseload=False)
        for a in (self.lock_action, self.passphrase_action, self.refresh_action, self.print_action):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        self.prefs_action = act("&Preferences…", self.edit_preferences, "Ctrl+,", needs_caseload=False)
        self.templates_action = act("&Note templates…", self.edit_note_templates, None,
                                    "The headings offered when you write contact notes")
        edit_menu.addAction(self.prefs_action)
        edit_menu.addAction(self.templates_action)

        self.find_action = act("&Find in caseload", self.find, QKeySequence.StandardKey.Find)
        self.caseload_action = act("&Caseload", lambda: self.tabs.setCurrentIndex(0), "Ctrl+1")
        self.close_tab_action = act("Close &tab", lambda: self.close_tab(self.tabs.currentIndex()),
                                    QKeySequence.StandardKey.Close)
        self.next_tab_action = act("&Next tab", lambda: self._step_tab(1), "Ctrl+Tab")
        self.prev_tab_action = act("Pre&vious tab", lambda: self._step_tab(-1), "Ctrl+Shift+Tab")
        for a in (self.find_action, self.caseload_action, self.close_tab_action, self.next_tab_action,
                  self.prev_tab_action):
            view_menu.addAction(a)

        self.record_action = act("&Record contact…", self.record_contact, QKeySequence.StandardKey.New,
                                 "Record a contact on the open case")
        self.due_action = act("&Enforcement due", self.show_enforcement_due, "Ctrl+E",
                              "Open enforcement decisions and breach deadlines across the caseload")
        self.search_action = act("&Search notes", self.focus_note_search, "Ctrl+Shift+F",
                                 "Search every contact note on the caseload")
        self.drafts_action = act("Restore &drafts", self.restore_drafts, None,
                                 "Reopen contacts you had started but not saved")
        for a in (self.record_action, self.due_action, self.search_action, self.drafts_action):
            case_menu.addAction(a)

        # Each feature adds its own menus, actions and status-bar pieces (gui/features.py lists them).
        for name, install in FEATURES:
            self.features[name] = install(self)

        self.help_menu.addAction(act("&About LPT Desktop", self.about, needs_caseload=False))
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
        for a in self._caseload_actions:
            a.setEnabled(unlocked)
        self.note_search.setEnabled(unlocked)
        self.toolbar.setVisible(unlocked)  # the unlock screen shows the passphrase box and nothing else
        self.lock_label.setText("Unlocked" if unlocked else "Locked")

    def _restore_layout(self) -> None:
        # The geometry is restored before the window is first shown (__init__); the toolbar's state once it exists.
        state = self.prefs.state("window")
        if state is not None:
            self.restoreState(state)
        header = self.prefs.state("caseload_header")
        if header is not None:
            # Widths and column order only: restoring the old sort indicator is no choice of the officer's
            # (layouts saved before the order was kept would otherwise fix every caseload on Name).
            caseload_header = self.caseload_view.table.horizontalHeader()
            caseload_header.blockSignals(True)
            caseload_header.restoreState(header)
            caseload_header.blockSignals(False)
        self.caseload_view.apply_saved_sort()  # the widths come from the header; the order from Preferences

    def _save_layout(self) -> None:
        self.prefs.save_state("geometry", self.saveGeometry())
        if self._built:  # closed before it was built: the toolbar and header states saved before stand
            self.prefs.save_state("window", self.saveState())
            self.prefs.save_state("caseload_header", self.caseload_view.table.horizontalHeader().saveState())
        self.prefs.sync()

    # -- first run of the demo -----------------------------------------------------------------------
    def _prepare_file(self) -> None:
        if self.demo and not self.db_path.exists():
            self.unlock_page.set_busy(True, "Preparing the demo caseload of fictional people…")
            self.unlock_page.set_progress(0, 1)
            self.ops.background(_make_demo, self.db_path, on_ok=lambda _r: self._demo_ready(),
                                on_error=self._demo_failed, on_progress=self.unlock_page.set_progress,
                                label="prepare the demo caseload")
        elif not self.db_path.exists():
            self.unlock_page.set_first_run(True)
        else:
            self.unlock_page.reset()

    def new_caseload(self) -> None:
        """First run: start an empty caseload here, open it, then offer to set up sync."""
        from lpt_desktop.gui.first_run import NewCaseloadDialog

        def created(passphrase: str) -> None:
            self._just_started = True
            self.unlock_page.set_first_run(False)
            self.request_unlock(passphrase)

        dialog = NewCaseloadDialog(self.db_path, self.ops, created, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.new_caseload_dialog = dialog
        dialog.open()

    def _offer_sync_setup(self) -> None:
        box = self.show_message(QMessageBox.Icon.Information, "Your caseload is ready",
                                "Your new caseload is open, and empty. Set up sync now to download your cases "
                                "from the central store? (You can do it later: Sync › Set up sync…)",
                                answers=("Set up sync…", "Later"))
        box.accepted.connect(lambda: self.feature("sync").show_enrol())

    def _warm_up_failed(self, exc: BaseException) -> None:
        log.error("could not load the application's services: %s", exc.__class__.__name__)

    def _demo_ready(self) -> None:
        if not self.is_unlocked and not self._unlocking:
            self.unlock_page.reset("The demo caseload is ready.")

    def _demo_failed(self, exc: BaseException) -> None:
        self.unlock_page.show_error(f"The demo caseload could not be prepared: {exc}")

    # -- unlock and lock ----------------------------------------------------------------------------
    def request_unlock(self, passphrase: str) -> None:
        if self.is_unlocked or self._unlocking:
            return
        self._unlocking = True
        self.unlock_page.set_busy(True, "Unlocking…")
        self.ops.background(_unlock_and_load, self.db_path, passphrase, on_ok=self._unlocked,
                            on_error=self._unlock_failed, label="unlock")

    def _unlocked(self, result: tuple[Database, list[CaseloadRow]]) -> None:
        db, rows = result
        self._unlocking = False
        self.finish_building()  # already done unless Enter was pressed before the warm-up had finished
        self.ops.open(db)
        self.officer = db.actor.split(" ", 1)[-1]
        self.caseload_view.set_rows(rows)
        self.unlock_page.reset()
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentIndex(0)
        self._set_unlocked_actions(True)
        self.idle.start()
        self.caseload_view.table.setFocus()
        self.statusBar().showMessage(f"Caseload unlocked for {self.officer}", 5000)
        log.info("caseload unlocked (%d cases)", len(rows))
        unfinished = self.ops.take_unfinished()
        if unfinished:
            self.show_message(QMessageBox.Icon.Warning, "Not saved before the lock",
                              "When the caseload last locked, these could not be saved in time and were not "
                              "saved: " + "; ".join(unfinished) + ". Check them and enter them again.")
        closed, self._closed_unsaved = self._closed_unsaved, []
        if closed:
            # Named only now, behind the passphrase: the lock screen shows nothing of a case.
            self.statusBar().showMessage(f"Closed unsaved at the lock: {'; '.join(closed)}", 30000)
            self.show_message(QMessageBox.Icon.Warning, "Closed unsaved at the lock",
                              "When the caseload locked, these forms were open with typing in them and were "
                              "closed without saving:\n\n" + "\n".join(f"• {c}" for c in closed)
                              + "\n\nOpen them again and enter what you had typed.")
        kept, self._closed_kept = self._closed_kept, []
        if kept:
            self.statusBar().showMessage(f"Closed at the lock, draft kept: {'; '.join(kept)}. Continue draft on "
                                         "the case's RoSH page carries on.", 30000)
        just_started, self._just_started = self._just_started, False
        if just_started:
            self._offer_sync_setup()
        # The work that follows an unlock (the drafts' reads; each feature's reads on `unlocked`: what is due, the
        # sync state, the laptop's role, the file check) starts once the caseload has been painted: on the read
        # pool it holds the GIL, and the caseload would be painted after it (bench/: gui-unlock-paint).
        self._after_paint = AfterFirstPaint(self.caseload_view.table.viewport(),
                                            lambda: self._after_unlock_painted(read_drafts=not just_started))

    def _after_unlock_painted(self, read_drafts: bool) -> None:
        self._after_paint = None
        if not self.is_unlocked:
            return  # locked before the caseload was painted: nothing to start
        if self.caseload_view.model.columns_pending:  # first on the read pool: the officer is looking at them
            self.ops.query(_caseload_columns, on_ok=self.caseload_view.fill_columns,
                           on_error=self._columns_failed, label="work out what is due and the suggested tiers")
        if read_drafts:
            self.ops.query(_drafts, on_ok=self._offer_drafts, label="drafts")
            self.ops.query(_form_drafts, on_ok=self._offer_form_drafts, label="drafts")
        self.unlocked.emit()

    def _columns_failed(self, exc: BaseException) -> None:
        if not self.is_unlocked:
            return  # cut off by the lock: nothing to tell
        log.error("could not work out the caseload's next-due and tier columns: %s", exc.__class__.__name__)
        self.statusBar().showMessage("What is due could not be worked out: choose Refresh caseload (F5) to try "
                                     "again", 30000)

    def _unlock_failed(self, exc: BaseException) -> None:
        self._unlocking = False
        if _is_wrong_passphrase(exc):
            # Said once, beside the passphrase box the officer is about to retype into (no popup to dismiss).
            self.unlock_page.show_error(str(exc))
            return
        text = _user_message(exc)
        self.unlock_page.show_error(text)
        self.show_message(QMessageBox.Icon.Warning, "The caseload cannot be opened", text)

    def lock(self, reason: str = "user") -> None:
        """Hide the caseload at once, let the writer finish what is queued (drafts included), then close the
        database and wipe the key."""
        self.finish_building()
        if self._after_paint is not None:  # locked before the caseload was painted: its follow-up work never starts
            self._after_paint.cancel()
            self._after_paint = None
        if self.is_unlocked:
            self.about_to_lock.emit()  # features queue what is being typed
            for view in self.case_views():
                if view.contacts is not None:
                    view.contacts.save_draft_now()
                view.personal.details_panel.save_draft_now()
            self._closed_unsaved = self._typed_dialogs()
            self._closed_kept = [self._named(d) for d in self.findChildren(QDialog)
                                 if d.isVisible() and getattr(d, "draft_kept_at_lock", False)]
        self.stack.setCurrentWidget(self.unlock_page)  # nothing of the caseload stays on screen
        self._after_open.clear()
        self._opening.clear()
        self.pending_drafts = []
        self.pending_form_drafts = []
        self.idle.stop()
        for i in range(self.tabs.count() - 1, 0, -1):
            self.close_tab(i)
        self.caseload_view.clear()
        for list_view in (self.due_view, self.search_view):
            if list_view is not None:
                list_view.set_rows([])
        self.note_search.clear()
        self.ops.close()
        self._set_unlocked_actions(False)
        self.count_label.setText("")
        self.statusBar().clearMessage()  # it may name a case
        for child in self.findChildren(QDialog):  # dialogs and messages would cover the unlock page
            if child.isVisible():
                if isinstance(child, _record_dialog()):
                    child.discard()  # named above (_closed_unsaved); no "discard?" question over the lock
                else:
                    child.reject()
        message = "Locked after a spell of inactivity. Type your passphrase to carry on." if reason == "idle" \
            else "Locked. Type your passphrase to carry on."
        self.unlock_page.reset(message)
        log.info("caseload locked (%s)", reason)
        self.locked.emit()

    @property
    def unlocking(self) -> bool:
        return self._unlocking

    @property
    def is_unlocked(self) -> bool:
        return self.ops.is_open

    # -- caseload and cases -------------------------------------------------------------------------
    def _changed(self, changes: Change) -> None:
        # What the caseload shows (names, tiers, RoSH, registers) came from a write: reload it.
        if changes & (Change.CASE | Change.REGISTER):
            self.refresh_caseload()

    def refresh_caseload(self) -> None:
        self.ops.query(_load_caseload, on_ok=self.caseload_view.set_rows, label="load the caseload")

    def open_case(self, person_id: str, then: Callable[[CaseView], None] | None = None) -> None:
        if not self.is_unlocked:
            return
        for view in self.case_views():
            if view.case.person_id == person_id:
                self.tabs.setCurrentWidget(view)
                if then is not None:
                    then(view)
                return
        if then is not None:
            self._after_open.setdefault(person_id, []).append(then)
        if person_id in self._opening:
            return  # already on its way: one tab, one audited open
        self._opening.add(person_id)
        self.statusBar().showMessage("Opening case…")

        def failed(exc: BaseException) -> None:
            self._opening.discard(person_id)
            self._after_open.pop(person_id, None)
            self.report_error(exc)

        # Opening a case writes its audit row, so it is a write.
        self.ops.write(_open_case, person_id, on_ok=self._case_loaded, on_error=failed, label="open a case")

    def _case_loaded(self, case: CaseRecord) -> None:
        self._opening.discard(case.person_id)
        from lpt_desktop.gui.case_view import CaseView

        view = CaseView(case, self.ops)
        if view.contacts is not None:
            view.contacts.default_location = lambda: self.prefs.default_location
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
        return w if isinstance(w, _case_view()) else None

    def record_contact(self) -> None:
        view = self.current_case()
        if view is None:
            self.statusBar().showMessage("Open a case first (double-click it in the caseload), then press Ctrl+N.",
                                         6000)
            return
        contacts = view.show_contacts()
        if contacts is not None:
            contacts.start_entry()

    def show_enforcement_due(self) -> None:
        if not self.is_unlocked:
            return
        if self.due_view is None:
            from lpt_desktop.gui.contact_models import DueTableModel
            from lpt_desktop.gui.list_view import RecordListView

            self.due_view = RecordListView(DueTableModel(), "Enforcement due",
                                           "Nothing is due: every failure has its enforcement decision.")
            self.due_view.activated.connect(lambda item: self.open_contact(item.person_id, item.contact_id))
        view = self.due_view
        self.show_tab(view, view.title.text())
        self.ops.query(_enforcement_due, on_ok=lambda items: view.set_rows(items, f"Enforcement due ({len(items)})"),
                       owner=view, label="enforcement due")

    def focus_note_search(self) -> None:
        self.note_search.setFocus()
        self.note_search.selectAll()

    def search_notes(self, text: str) -> None:
        if not self.is_unlocked or not text.strip():
            return
        from lpt_desktop.gui.contact_models import COL_NOTE, SearchTableModel, search_terms

        if self.search_view is None:
            from lpt_desktop.gui.list_view import HighlightDelegate, RecordListView

            self.search_view = RecordListView(SearchTableModel(), "Search",
                                              "No contact notes match. Try fewer or shorter words.")
            self.search_view.table.setItemDelegateForColumn(COL_NOTE, HighlightDelegate(self.search_view.table))
            self.search_view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first, as the log
            self.search_view.activated.connect(lambda hit: self.open_contact(hit.person_id, hit.contact_id))
        view = self.search_view

        def found(hits: list[Any]) -> None:
            cast(SearchTableModel, view.model).terms = search_terms(text)  # the words to highlight
            view.set_rows(hits, f"Notes matching “{text}” ({len(hits)}{'+' if len(hits) >= 200 else ''})")

        self.show_tab(view, view.title.text())
        self.ops.query(_search, text, on_ok=found, owner=view, label="search notes")

    def open_contact(self, person_id: str, contact_id: str) -> None:
        def show(view: CaseView) -> None:
            contacts = view.show_contacts()
            if contacts is not None:
                contacts.refresh(select_id=contact_id)

        self.open_case(person_id, then=show)

    def _offer_drafts(self, drafts: list[Any]) -> None:
        self.pending_drafts = drafts
        if not drafts:
            return
        names = "\n".join(f"• {d.crn} {d.name}, last saved {d.saved_at:%d/%m/%Y %H:%M}" for d in drafts[:8])
        one = len(drafts) == 1
        box = self.show_message(QMessageBox.Icon.Information, "Unsaved contacts",
                                f"You had started {plural(len(drafts), 'contact record')} that "
                                f"{'was' if one else 'were'} not saved:\n\n{names}\n\nRestore "
                                f"{'it' if one else 'them'} now? (You can also use Case › Restore drafts later.)",
                                answers=("Restore", "Later"))
        box.accepted.connect(self.restore_drafts)

    def restore_drafts(self) -> None:
        """Reopen each unsaved contact in its case's entry panel (Case › Restore drafts, or on unlock)."""
        if not self.is_unlocked:
            return
        if self.pending_drafts:
            self._restore(self.pending_drafts)
        else:
            self.ops.query(_drafts, on_ok=self._restore, label="drafts")
            self.ops.query(_form_drafts, on_ok=self._restore_forms, label="drafts")

    def _offer_form_drafts(self, drafts: list[Any]) -> None:
        self.pending_form_drafts = drafts
        if not drafts:
            return
        names = "\n".join(f"• Unsaved changes to personal details of {d.name} ({d.crn}), last saved "
                          f"{d.saved_at:%d/%m/%Y %H:%M}" for d in drafts[:8])
        one = len(drafts) == 1
        box = self.show_message(QMessageBox.Icon.Information, "Unsaved changes",
                                f"{names}\n\nRestore {'them' if not one else 'it'} now? (You can also use "
                                "Case › Restore drafts later.)", answers=("Restore", "Later"))
        box.accepted.connect(self.restore_form_drafts)

    def restore_form_drafts(self) -> None:
        """Reopen each case whose personal details were being edited, in Edit details with the unsaved edits."""
        if not self.is_unlocked:
            return
        if self.pending_form_drafts:
            self._restore_forms(self.pending_form_drafts)
        else:
            self.ops.query(_form_drafts, on_ok=self._restore_forms, label="drafts")

    def _restore_forms(self, drafts: list[Any]) -> None:
        self.pending_form_drafts = []
        for d in drafts:
            self.open_case(d.person_id, then=functools.partial(self._restore_form, draft=d))

    @staticmethod
    def _restore_form(view: CaseView, draft: Any) -> None:
        view.show_personal()
        view.personal.details_panel.restore_draft(draft)

    def _typed_dialogs(self) -> list[str]:
        """The case record dialogs with typing in them, each named with its case (a lock is about to close them)."""
        return [self._named(d) for d in self.findChildren(_record_dialog()) if d.isVisible() and d.typed()]

    @staticmethod
    def _named(dialog: QWidget) -> str:
        """A dialog's title with its case, to name it after the unlock."""
        parent = dialog.parentWidget()
        case_view = _case_view()
        while parent is not None and not isinstance(parent, case_view):
            parent = parent.parentWidget()
        case = f" on {parent.case.name} ({parent.case.crn})" if isinstance(parent, case_view) else ""
        return dialog.windowTitle() + case

    def _lock_reaches(self, _old: QWidget | None, now: QWidget | None) -> None:
        """Ctrl+L locks from any window of this caseload: a form or dialog is a window of its own, usually modal, so
        the main window's shortcuts do not reach it; the lock action joins each one as it takes the focus."""
        if now is None:
            return
        top = now.window()
        if top is self or self.lock_action in top.actions():
            return
        parent = top.parentWidget()
        while parent is not None and parent is not self:
            parent = parent.parentWidget()
        if parent is self:
            top.addAction(self.lock_action)

    def _restore(self, drafts: list[Any]) -> None:
        self.pending_drafts = []
        for d in drafts:
            self.open_case(d.person_id, then=functools.partial(self._restore_one, draft=d))

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
        self._place_caseload_tab()  # the last record closed: the caseload is an ordinary tab again
        if widget is not None:
            widget.deleteLater()

    def case_views(self) -> list[CaseView]:
        if not self._built:
            return []
        case_view = _case_view()
        return [w for i in range(1, self.tabs.count()) if isinstance(w := self.tabs.widget(i), case_view)]

    def _pin_caseload_tab(self) -> None:
        """The caseload's tab stays in sight however many records are open: it is a button fixed at the left of
        the tab bar, which scrolls only the records. Behind it the caseload stays the first page (index 0), so
        Ctrl+1, Ctrl+Tab and the rest work as before; a record dragged before it is put back after it."""
        button = self.caseload_tab_button = QToolButton()
        button.setText("Caseload")
        button.setIcon(QIcon(":/lpt/icons/caseload.svg"))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setCheckable(True)
        button.setChecked(True)
        button.setAccessibleName("Caseload tab")
        button.setToolTip("The caseload (Ctrl+1)")
        button.setObjectName("pinnedTab")
        button.setStyleSheet("QToolButton#pinnedTab { border: none; padding: 5px 12px; margin-right: 2px; } "
                             "QToolButton#pinnedTab:checked { background: white; font-weight: 600; "
                             "border-bottom: 2px solid #1d4f7a; }")
        button.clicked.connect(lambda: self.tabs.setCurrentIndex(0))
        self.tabs.setCornerWidget(button, Qt.Corner.TopLeftCorner)
        bar = self.tabs.tabBar()
        busy: list[bool] = []

        def current(index: int) -> None:
            if busy:
                return
            busy.append(True)
            try:
                # With records open the caseload is the pinned button; alone, it is an ordinary tab (a bar with
                # no tab in it would vanish, button and all). Qt hides the page of a hidden tab: show it again.
                alone = self.tabs.count() == 1
                self.tabs.setTabVisible(0, alone)
                button.setVisible(not alone)
                if self.tabs.currentIndex() < 0:
                    self.tabs.setCurrentIndex(0)
                if self.tabs.currentIndex() == 0:
                    self.caseload_view.show()
                button.setChecked(self.tabs.currentIndex() == 0)
            finally:
                busy.clear()

        def keep_first(_from: int, _to: int) -> None:
            at = self.tabs.indexOf(self.caseload_view)
            if at > 0:
                bar.moveTab(at, 0)

        self.tabs.currentChanged.connect(current)
        bar.tabMoved.connect(keep_first)
        self._place_caseload_tab = lambda: current(self.tabs.currentIndex())
        current(0)

    def _step_tab(self, step: int) -> None:
        if self.tabs.count():
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def find(self) -> None:  # type: ignore[override]  # the Find action; QWidget.find(id) is never used
        self.tabs.setCurrentIndex(0)
        self.caseload_view.focus_search()

    def _show_counts(self, shown: int, total: int) -> None:
        if total == 0:
            self.count_label.setText("")
        elif shown == total:
            self.count_label.setText(f"{total} case" + ("" if total == 1 else "s"))
        else:
            self.count_label.setText(f"Showing {shown} of {total} cases")

    # -- dialogs ----------------------------------------------------------------------------------
    def show_message(self, icon: QMessageBox.Icon, title: str, text: str,
                     answers: tuple[str, str] | None = None) -> QMessageBox:
        """A window-modal message that does not block the event loop (work carries on behind it).

        With `answers` (yes, no) it asks: Yes accepts, No (and Escape) rejects. The buttons are made before the
        box is shown: Qt picks the Escape button when it shows a box and does not forget it when the buttons are
        replaced afterwards, so Escape then clicked a deleted button and the app crashed (seen under real keys).
        """
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        if answers is not None:
            yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
            box.setStandardButtons(yes | no)
            for which, words in zip((yes, no), answers, strict=True):
                button = box.button(which)
                button.setText(words)
                button.setIcon(QIcon())  # the style's icon crowded the words out ("Restore" was cut off)
                # Sized for its own words: the box sized the buttons for "Yes" and "No".
                button.setMinimumWidth(button.fontMetrics().horizontalAdvance(words) + 32)
            box.setDefaultButton(yes)
            box.setEscapeButton(box.button(no))
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setAccessibleName(title)
        self.last_message = box
        box.open()
        return box

    def change_passphrase(self) -> None:
        if not self.is_unlocked:
            return
        from lpt_desktop.gui.dialogs import ChangePassphraseDialog

        dialog = ChangePassphraseDialog(self.db_path, self.ops, self._passphrase_changed, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.passphrase_dialog = dialog
        dialog.open()

    def _passphrase_changed(self) -> None:
        self.statusBar().showMessage("Passphrase changed. Use the new passphrase next time you unlock.", 8000)
        self.show_message(QMessageBox.Icon.Information, "Passphrase changed",
                          "Your passphrase has been changed. Use the new one next time you unlock.")

    def edit_preferences(self) -> None:
        from lpt_desktop.gui.dialogs import PreferencesDialog

        dialog = PreferencesDialog(self.prefs, self.ops if self.is_unlocked else None, self,
                                   lambda title: self.statusBar().showMessage(f"Policy in force: {title}", 6000))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.idle.set_timeout_ms(self.prefs.idle_minutes * 60_000))
        dialog.accepted.connect(self.caseload_view.apply_saved_sort)  # the order chosen there, at once
        self.preferences_dialog = dialog
        dialog.open()

    def shown_caseload(self) -> list[Any]:
        view = self.caseload_view
        return [view.model.record(view.proxy.mapToSource(view.proxy.index(r, 0)).row())
                for r in range(view.proxy.rowCount())]

    def print_caseload(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from lpt_desktop.gui.printing import print_caseload

        if not self.is_unlocked:
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
        print_caseload(printer, self.shown_caseload(), self.officer)
        self.statusBar().showMessage("Caseload sent to the printer", 4000)

    def edit_note_templates(self) -> None:
        def show(templates: dict[str, str]) -> None:
            def save(name: str, body: str) -> None:
                self.ops.write(_save_template, name, body, on_ok=lambda _r: self.statusBar().showMessage(
                    f"Template “{name}” saved", 4000), label=f"note template “{name}”")

            from lpt_desktop.gui.dialogs import NoteTemplatesDialog

            dialog = NoteTemplatesDialog(templates, save, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.templates_dialog = dialog
            dialog.open()

        self.ops.query(_note_templates, on_ok=show, label="note templates")

    def about(self) -> None:
        self.show_message(QMessageBox.Icon.Information, f"About {APP_NAME}",
                          f"{APP_NAME} {__version__}\n\nCaseload application for probation offender managers "
                          "in England and Wales. Your caseload is stored on this computer in an encrypted "
                          "database.\n\nOFFICIAL-SENSITIVE when it holds case data.")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_layout()
        if self.is_unlocked:
            self.lock("user")
        self.ops.shutdown()
        event.accept()
