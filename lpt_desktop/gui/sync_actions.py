"""Sync with the central store: status bar, Sync now, enrolment, conflicts, changes not accepted.

install(host) adds the Sync menu and the sync state in the status bar, and returns one controller
(host.feature("sync")) holding the runner, the conflicts tab, the Not accepted tab and the enrolment dialog.
Everything that touches the network or the caseload runs through host.ops; the lock cancels it all.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from lpt_desktop.domain.words import plural
from lpt_desktop.gui.conflicts_view import ConflictsView, load_rows
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.enrol_dialog import EnrolDialog
from lpt_desktop.gui.list_view import RecordListView
from lpt_desktop.gui.rejections_view import RejectionsView
from lpt_desktop.gui.rejections_view import load_rows as load_rejections
from lpt_desktop.gui.sync_runner import SyncRunner
from lpt_desktop.gui.sync_status import SyncStatusBar

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host

log = logging.getLogger(__name__)

# Free in the main window and the other features' menus (Ctrl+Shift+C/R/P court, W/D/M/B diary, F search).
SYNC_NOW_KEYS = "F9"
CONFLICTS_KEYS = "Ctrl+Shift+K"


class SyncUI(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.ops = host.ops
        self.runner = SyncRunner(host)
        self.status = SyncStatusBar(host.status_bar(), lambda: self.runner.state, self.show_conflicts,
                                    self.show_rejections)
        self.runner.changed.connect(self._changed)
        self.runner.finished.connect(self._synced)
        self.view: ConflictsView | None = None
        self.notices: RecordListView | None = None
        self._told_replaced = 0
        self.rejections: RejectionsView | None = None
        self.export_warning: QMessageBox | None = None
        self._last_rejected = -1
        self.dialog: EnrolDialog | None = None
        self._last_conflicts = -1
        host.locked.connect(self.clear)

        act = host.add_action
        menu = host.menu("S&ync")
        self.sync_action = act("&Sync now", self.sync_now, SYNC_NOW_KEYS,
                               "Send this laptop's changes to the central store and fetch others' now",
                               icon=":/lpt/icons/sync-busy.svg")
        self.conflicts_action = act("&Conflicts…", self.show_conflicts, CONFLICTS_KEYS,
                                    "Changes made here and elsewhere to the same thing: choose which to keep")
        self.rejections_action = act("&Not accepted…", self.show_rejections, None,
                                     "Changes the central store did not accept: see why, try again or export them")
        self.enrol_action = act("Set &up sync…", self.show_enrol, None,
                                "Connect this laptop to the central store and download your caseload")
        self.cancel_action = act("S&top sync", self.runner.cancel, None, "Stop the sync that is running")
        self.notices_action = act("&Replaced elsewhere…", self.show_notices, None,
                                  "Your changes that a choice made on another laptop replaced, with your version")
        for a in (self.sync_action, self.cancel_action, self.conflicts_action, self.rejections_action,
                  self.notices_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.enrol_action)

    # -- keeping in step ---------------------------------------------------------------------------
    def _changed(self) -> None:
        state = self.runner.state
        self.status.update()
        if self.host.is_unlocked:
            # Before enrolment Sync offers to set sync up.
            set_available(self.sync_action, not state.busy, "a sync is running")
            set_available(self.cancel_action, state.busy, "no sync is running")
            set_available(self.conflicts_action, state.enrolled, "sync is not set up on this laptop")
            set_available(self.rejections_action, state.enrolled, "sync is not set up on this laptop")
            self.enrol_action.setText("Sign in &again…" if state.enrolled else "Set &up sync…")
        if state.conflicts != self._last_conflicts and self.view is not None and not state.locked:
            self.refresh_conflicts()
        self._last_conflicts = state.conflicts
        if state.rejected != self._last_rejected and self.rejections is not None and not state.locked:
            self.refresh_rejections()
        self._last_rejected = state.rejected

    def _synced(self, result: Any) -> None:
        from lpt_desktop.gui.notices_view import unread

        self.ops.query(unread, on_ok=self._tell_replaced, label="replaced elsewhere")
        if result.conflicts:
            self.host.status_bar().showMessage(
                f"Sync found {plural(result.conflicts, 'conflict')}: open Sync › Conflicts to choose what to keep",
                8000)
        elif result.rejected:
            self.host.status_bar().showMessage(
                f"The central store did not accept {plural(result.rejected, 'change')} just sent: open Sync › "
                "Not accepted to see why", 8000)

    def _tell_replaced(self, n: int) -> None:
        if n and n != self._told_replaced:  # said once per new notice, not after every sync
            what = "change of yours was" if n == 1 else "changes of yours were"
            self.host.status_bar().showMessage(f"{n} {what} replaced by a choice made on another laptop: see "
                                               "Sync › Replaced elsewhere", 15000)
        self._told_replaced = n
        if self.notices is not None:
            self.refresh_notices()

    def show_notices(self) -> None:
        """The list of changes replaced elsewhere; opening it marks them read (they stay listed)."""
        from lpt_desktop.gui.notices_view import notices_view

        if not self.host.is_unlocked:
            return
        if self.notices is None:
            self.notices = notices_view()
            self.notices.destroyed.connect(self._notices_gone)
        self.host.show_tab(self.notices, "Replaced elsewhere", "Your changes replaced by a choice made elsewhere")
        self.refresh_notices(mark_read=True)

    def _notices_gone(self) -> None:
        self.notices = None

    def refresh_notices(self, mark_read: bool = False) -> None:
        from lpt_desktop.gui.notices_view import load_notices
        from lpt_desktop.gui.notices_view import mark_read as mark

        view = self.notices
        if view is None:
            return

        def show(rows: list[Any]) -> None:
            view.set_rows(rows, f"Replaced elsewhere · {len(rows)}" if rows else "Replaced elsewhere")
            unread = [n.id for n in rows if not n.read]
            if mark_read and unread:
                self.ops.write(mark, unread, label="notices read")

        self.ops.query(load_notices, on_ok=show, owner=view, label="replaced elsewhere")

    def clear(self) -> None:
        if self.notices is not None:
            self.notices.set_rows([])
            self.notices = None
        if self.dialog is not None:
            self.dialog.stop_now()
        if self.view is not None:
            self.view.set_rows([])  # the lock closed its tab; drop what it showed
            self.view = None
        if self.rejections is not None:
            self.rejections.set_rows([])
            self.rejections = None
        if self.export_warning is not None:
            self.export_warning.close()
            self.export_warning = None
        self._last_conflicts = -1
        self._last_rejected = -1

    # -- actions -----------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if not self.runner.state.enrolled:
            self.show_enrol()
            return
        self.runner.sync_now()

    def show_enrol(self) -> None:
        if not self.host.is_unlocked:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        if self.dialog is not None:
            self.dialog.deleteLater()  # kept until now so its outcome can be read after it closed
        state = self.runner.state
        # The address last used (Preferences keeps it) when this laptop is not set up yet.
        dialog = EnrolDialog(self.runner, state.server or self.host.prefs.sync_server, self._username(),
                             self.host.widget())
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._remember_server(dialog))
        dialog.open()

    def _remember_server(self, dialog: EnrolDialog) -> None:
        """An address that signed in is the one to offer next time (one that failed is not)."""
        if dialog.result_value is not None:
            self.host.prefs.sync_server = dialog.server.text()
            self.host.prefs.sync()

    def _username(self) -> str:
        return self.runner.state.username if self.runner.state.enrolled else ""

    def show_conflicts(self) -> None:
        if not self.host.is_unlocked:
            return
        if self.view is None:
            self.view = ConflictsView()
            self.view.resolve_requested.connect(self._resolve)
            self.view.destroyed.connect(self._view_gone)
        self.host.show_tab(self.view, "Conflicts", f"Sync conflicts ({CONFLICTS_KEYS})",
                           ":/lpt/icons/sync-conflict.svg")
        self.view.table.setFocus()
        self.refresh_conflicts()

    def _view_gone(self) -> None:
        self.view = None

    def refresh_conflicts(self, select_id: str | None = None) -> None:
        view = self.view
        if view is None:
            return
        self.ops.query(load_rows, on_ok=lambda rows: view.set_rows(rows, select_id), owner=view,
                       label="sync conflicts")

    def _resolve(self, conflict_id: str, choice: Literal["mine", "theirs", "merge"], merged: Any) -> None:
        from lpt_desktop.services import sync as svc

        def done(_r: Any) -> None:
            if self.view is not None:
                self.view.set_busy(False, "")
            self.host.status_bar().showMessage("Conflict resolved; sending your choice to the central store", 5000)
            self.refresh_conflicts()
            self.runner.refresh_status(then=self.runner.sync_now)

        def failed(exc: BaseException) -> None:
            text = str(exc) if exc.__class__.__name__ == "ValidationError" else \
                f"Your choice was not saved ({exc.__class__.__name__}); the conflict is still open."
            if self.view is not None:
                self.view.set_busy(False, text)
            self.refresh_conflicts()

        # Not owned by the tab: a choice saved after the tab closed still sends and refreshes.
        self.ops.write(lambda db: svc.resolve_conflict(db, conflict_id, choice, merged), on_ok=done,
                       on_error=failed, label="your choice on a sync conflict")

    # -- changes not accepted ----------------------------------------------------------------------
    def show_rejections(self) -> None:
        if not self.host.is_unlocked:
            return
        if self.rejections is None:
            self.rejections = RejectionsView()
            self.rejections.retry_requested.connect(self.retry_rejected)
            self.rejections.export_requested.connect(self.export_rejected)
            self.rejections.destroyed.connect(self._rejections_gone)
        self.host.show_tab(self.rejections, "Not accepted", "Changes the central store did not accept",
                           ":/lpt/icons/sync-conflict.svg")
        self.rejections.table.setFocus()
        self.refresh_rejections()

    def _rejections_gone(self) -> None:
        self.rejections = None

    def refresh_rejections(self) -> None:
        view = self.rejections
        if view is None:
            return
        self.ops.query(load_rejections, on_ok=view.set_rows, owner=view, label="changes not accepted")

    def retry_rejected(self) -> None:
        from lpt_desktop.services import sync as svc

        def done(n: int) -> None:
            if self.rejections is not None:
                self.rejections.set_busy(False, "")
            self.host.status_bar().showMessage(
                f"{plural(n, 'change')} queued to be sent again; any not accepted again come back to the list", 8000)
            self.refresh_rejections()
            self.runner.refresh_status(then=self.runner.sync_now)

        def failed(exc: BaseException) -> None:
            if self.rejections is not None:
                self.rejections.set_busy(False, f"Nothing was queued ({exc.__class__.__name__}); the list is as "
                                                "it was.")
            self.refresh_rejections()

        self.ops.write(svc.retry_rejected, on_ok=done, on_error=failed, label="sending changes again")

    def export_rejected(self) -> None:
        """Warn that the file leaves the encryption, then ask where to save it (as every export in the app)."""
        if not self.host.is_unlocked or self.rejections is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Unprotected file",
                          "The changes not accepted will be saved as a JSON file that is NOT encrypted: it leaves "
                          "the protection of your caseload. Save it only to an encrypted drive, and delete it once "
                          "the changes are dealt with. They are then taken off the Not accepted list.",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, self.host.widget())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.export_warning = box
        box.accepted.connect(self._choose_export_file)
        box.finished.connect(lambda _r: setattr(self, "export_warning", None))
        box.open()

    def choose_export_path(self) -> str:
        """Where to save (a test replaces this; the dialog is modal)."""
        path, _ = QFileDialog.getSaveFileName(self.host.widget(), "Export changes not accepted",
                                              str(Path.home() / "not-accepted.json"), "JSON files (*.json)")
        return path

    def _choose_export_file(self) -> None:
        from lpt_desktop.services import sync as svc

        path = self.choose_export_path()
        if not path or not self.host.is_unlocked:
            return

        def done(n: int) -> None:
            if self.rejections is not None:
                self.rejections.set_busy(False, "")
            self.host.status_bar().showMessage(
                f"{plural(n, 'change')} exported (unprotected) to {path} and set aside", 8000)
            self.refresh_rejections()
            self.runner.refresh_status(then=self.runner.sync_now)  # closes them on the central store too

        def failed(exc: BaseException) -> None:
            text = (f"Not exported: {exc.strerror or exc.__class__.__name__}" if isinstance(exc, OSError) else
                    f"Not exported ({exc.__class__.__name__})") + "; the list is as it was."
            if self.rejections is not None:
                self.rejections.set_busy(False, text)

        if self.rejections is not None:
            self.rejections.set_busy(True, "Exporting…")
        self.ops.write(lambda db: svc.export_rejected(db, Path(path)), on_ok=done, on_error=failed,
                       label="exporting changes not accepted")


def install(host: Host) -> SyncUI:
    """Add the Sync menu and the sync state in the status bar; the controller is host.feature("sync")."""
    return SyncUI(host)
