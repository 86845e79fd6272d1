"""Sync with the central store: status bar, Sync now, enrolment, conflicts.

The main window calls install(); this module adds the Sync menu, takes over the window's sync icon and
label, and hangs one controller on the window (window.sync_ui) holding the runner (window.sync_ui.runner),
the conflicts tab and the enrolment dialog. Everything that touches the network or the caseload runs on
workers; lock cancels it all.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon, QKeySequence

from lpt_desktop.gui.conflicts_view import ConflictsView, load_rows, when_alive
from lpt_desktop.gui.enrol_dialog import EnrolDialog
from lpt_desktop.gui.sync_runner import SyncRunner
from lpt_desktop.gui.sync_status import SyncStatusBar, plural

if TYPE_CHECKING:
    from lpt_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)

# Free in the main window and the other features' menus (Ctrl+Shift+C/R/P court, W/D/M/B diary, F search).
SYNC_NOW_KEYS = "F9"
CONFLICTS_KEYS = "Ctrl+Shift+K"


class SyncUI(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runner = SyncRunner(window)
        self.status = SyncStatusBar(window, lambda: self.runner.state, self.show_conflicts)
        self.runner.changed.connect(self._changed)
        self.runner.finished.connect(self._synced)
        self.view: ConflictsView | None = None
        self.dialog: EnrolDialog | None = None
        self._last_conflicts = -1
        window.locked.connect(self.clear)

        menu = window.menuBar().addMenu("S&ync")
        self.sync_action = self._action("&Sync now", self.sync_now, SYNC_NOW_KEYS,
                                        "Send this laptop's changes to the central store and fetch others' now")
        self.sync_action.setIcon(QIcon(":/lpt/icons/sync-busy.svg"))
        self.conflicts_action = self._action("&Conflicts…", self.show_conflicts, CONFLICTS_KEYS,
                                             "Changes made here and elsewhere to the same thing: choose which to keep")
        self.enrol_action = self._action("Set &up sync…", self.show_enrol, None,
                                         "Connect this laptop to the central store and download your caseload")
        self.cancel_action = self._action("S&top sync", self.runner.cancel, None, "Stop the sync that is running")
        for a in (self.sync_action, self.cancel_action, self.conflicts_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.enrol_action)
        window.feature_actions.extend([self.sync_action, self.conflicts_action, self.enrol_action,
                                       self.cancel_action])

    def _action(self, text: str, slot: Any, keys: str | None, tip: str) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{tip} ({keys})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        action.setEnabled(False)
        self.window.addAction(action)
        return action

    # -- keeping in step ---------------------------------------------------------------------------
    def _changed(self) -> None:
        state = self.runner.state
        self.status.update()
        if self.window.is_unlocked:
            self.sync_action.setEnabled(not state.busy)  # before enrolment it offers to set sync up
            self.cancel_action.setEnabled(state.busy)
            self.conflicts_action.setEnabled(state.enrolled)
            self.enrol_action.setText("Sign in &again…" if state.enrolled else "Set &up sync…")
        if state.conflicts != self._last_conflicts and self.view is not None and not state.locked:
            self.refresh_conflicts()
        self._last_conflicts = state.conflicts

    def _synced(self, result: Any) -> None:
        if result.conflicts:
            self.window.statusBar().showMessage(
                f"Sync found {plural(result.conflicts, 'conflict')}: open Sync › Conflicts to choose what to keep",
                8000)

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.stop_now()
        if self.view is not None:
            self.view.set_rows([])  # the lock closed its tab; drop what it showed
            self.view = None
        self._last_conflicts = -1

    # -- actions -----------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if not self.runner.state.enrolled:
            self.show_enrol()
            return
        self.runner.sync_now()

    def show_enrol(self) -> None:
        if not self.window.is_unlocked:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        if self.dialog is not None:
            self.dialog.deleteLater()  # kept until now so its outcome can be read after it closed
        state = self.runner.state
        dialog = EnrolDialog(self.runner, state.server or "", self._username(), self.window)
        self.dialog = dialog
        dialog.open()

    def _username(self) -> str:
        db = self.window.db
        return (db.actor.split(" ", 1)[0] if db is not None and self.runner.state.enrolled else "")

    def show_conflicts(self) -> None:
        if not self.window.is_unlocked:
            return
        tabs = self.window.tabs
        if self.view is None or tabs.indexOf(self.view) < 0:
            self.view = ConflictsView()
            self.view.resolve_requested.connect(self._resolve)
        index = tabs.indexOf(self.view)
        if index < 0:
            index = tabs.addTab(self.view, QIcon(":/lpt/icons/sync-conflict.svg"), "Conflicts")
            tabs.setTabToolTip(index, f"Sync conflicts ({CONFLICTS_KEYS})")
        tabs.setCurrentIndex(index)
        self.view.table.setFocus()
        self.refresh_conflicts()

    def refresh_conflicts(self, select_id: str | None = None) -> None:
        view = self.view
        if view is None:
            return
        self.window.run_db(load_rows, on_ok=when_alive(view, lambda rows: view.set_rows(rows, select_id)))

    def _resolve(self, conflict_id: str, choice: str, merged: Any) -> None:
        from lpt_desktop.services import sync as svc

        view = self.view

        def done(_r: Any) -> None:
            if view is not None:
                when_alive(view, view.set_busy)(False, "")
            self.window.statusBar().showMessage("Conflict resolved; sending your choice to the central store", 5000)
            self.refresh_conflicts()
            self.window.refresh_caseload()
            self.runner.refresh_status(then=self.runner.sync_now)

        def failed(exc: BaseException) -> None:
            text = str(exc) if exc.__class__.__name__ == "ValidationError" else \
                f"Your choice was not saved ({exc.__class__.__name__}); the conflict is still open."
            if view is not None:
                when_alive(view, view.set_busy)(False, text)
            self.refresh_conflicts()

        self.window.run_db(lambda db: svc.resolve_conflict(db, conflict_id, choice, merged), on_ok=done,
                           on_error=failed)


def install(window: MainWindow) -> None:
    """Add this feature's menus and actions to the window (actions needing a caseload go in window.feature_actions)."""
    window.sync_ui = SyncUI(window)  # type: ignore[attr-defined]
