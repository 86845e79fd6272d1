"""The sync piece of the status bar: offline / syncing n% / synced at HH:MM / N changes waiting / N not accepted
/ N conflicts.

It adds an icon, a label, a small progress bar and flat "N not accepted" and "N conflicts" buttons that open
their screens. Text always says the state (colour never alone). What it says comes from the one derived state
(sync/status.overall, as `lpt sync status`): never "Synced" while anything waits, was refused or conflicts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from lpt_desktop.domain.words import plural
from lpt_desktop.gui.sync_runner import SyncState
from lpt_desktop.sync.status import overall

ICONS = {
    "offline": ":/lpt/icons/sync-offline.svg",
    "busy": ":/lpt/icons/sync-busy.svg",
    "ok": ":/lpt/icons/sync-ok.svg",
    "waiting": ":/lpt/icons/sync-waiting.svg",
    "conflict": ":/lpt/icons/sync-conflict.svg",
}


def local_time(utc: datetime) -> datetime:
    """The store keeps naive UTC; the officer reads their own clock."""
    return utc.replace(tzinfo=UTC).astimezone() if utc.tzinfo is None else utc.astimezone()


def synced_text(last: datetime | None, now: datetime | None = None) -> str:
    if last is None:
        return "Not synced yet"
    at = local_time(last)
    today = (now or datetime.now().astimezone()).date()
    if at.date() == today:
        return f"Synced at {at:%H:%M}"
    return f"Synced {at:%d/%m/%Y} at {at:%H:%M}"


def describe(state: SyncState, now: datetime | None = None) -> tuple[str, str, str]:
    """(label text, tooltip, icon key) for a state; pure so the wording is tested directly."""
    server = state.server or "the central store"
    # Enrolment counts: it is the first sync. The lock clears busy (SyncRunner.stop), so busy is a sync running
    # now, even while `locked` still waits for the unlock's status read (a slow read on a loaded laptop left the
    # enrolment's progress showing "Sync: not set up").
    if state.busy:
        return f"Syncing… {state.percent}%", f"Sending and fetching changes with {server}.", "busy"
    if not state.enrolled:
        return ("Sync: not set up · working offline",
                "Everything is saved on this computer, encrypted. Choose Sync › Set up sync… to connect "
                "this laptop to the central store.", "offline")
    if state.locked:
        return "Sync paused while locked", "Sync starts again when you unlock the caseload.", "offline"
    waiting = plural(state.waiting, "change") + " waiting"
    kind = overall(enrolled=state.enrolled, offline=state.offline, waiting=state.waiting, rejected=state.rejected,
                   conflicts=state.conflicts, last_synced_at=state.last_synced_at)
    if kind == "offline":
        text = "Offline" + (f" · {waiting}" if state.waiting else "")
        tip = (f"{server} cannot be reached. Everything is saved on this computer and will be sent when the "
               "connection returns; sync tries again by itself.")
        if state.next_try_seconds is not None:
            tip += f" Next try in about {_duration(state.next_try_seconds)}."
        return text, tip, "offline"
    if state.needs_sign_in:
        return ("Sync: sign in again" + (f" · {waiting}" if state.waiting else ""),
                f"{state.error or 'The central store asks you to sign in again.'} Choose Sync › Sign in again…; "
                "nothing on this laptop is lost meanwhile.", "conflict")
    if state.error:
        return "Sync failed" + (f" · {waiting}" if state.waiting else ""), state.error, "conflict"
    if kind == "rejected":
        # The count is on the "N changes not accepted" button beside this label, which opens the list.
        text = "Not synced" + (f" · {waiting}" if state.waiting else "")
        return text, (f"{server} did not accept {plural(state.rejected, 'change')}. They are kept on this laptop: "
                      "open Sync › Not accepted to see why, try again, or export them."), "conflict"
    if kind == "conflicts":
        text = "Not synced: your choice needed" + (f" · {waiting}" if state.waiting else "")
        return text, ("Changes made here and elsewhere to the same thing wait for your choice: open Sync › "
                      "Conflicts."), "conflict"
    if kind == "waiting":
        if state.waiting:
            return waiting, f"Saved on this computer; they go to {server} at the next sync (F9 syncs now).", "waiting"
        return "Not synced yet", f"No sync with {server} has finished yet (F9 syncs now).", "waiting"
    text = synced_text(state.last_synced_at, now)
    return text, f"Everything on this laptop matches {server}. {text}.", "ok"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return plural(max(1, round(seconds)), "second")
    return plural(round(seconds / 60), "minute")


class SyncStatusBar:
    """Keeps the window's sync icon and label (and our bar and button) in step with the runner."""

    def __init__(self, bar: QStatusBar, state: Callable[[], SyncState], open_conflicts: Callable[[], None],
                 open_rejections: Callable[[], None] | None = None) -> None:
        self._state = state
        self.icon = QLabel()
        self.icon.setPixmap(QIcon(ICONS["offline"]).pixmap(14, 14))
        self.icon.setAccessibleName("Sync state")
        self.label = QLabel("")
        self.label.setAccessibleName("Sync status")
        self.label.setContentsMargins(0, 0, 10, 0)  # a gap before the lock state that follows
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setMaximumWidth(90)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Sync progress")
        self.bar.hide()
        self.conflicts = QPushButton("")
        self.conflicts.setFlat(True)
        self.conflicts.setIcon(QIcon(ICONS["conflict"]))
        self.conflicts.setAccessibleName("Sync conflicts")
        self.conflicts.setToolTip("Changes made here and elsewhere to the same thing: open them to choose which "
                                  "to keep (Ctrl+Shift+K)")
        self.conflicts.setStyleSheet("QPushButton { border: none; padding: 0 6px; background: transparent; "
                                     "font-weight: bold; }")
        self.conflicts.clicked.connect(open_conflicts)
        self.conflicts.hide()
        self.rejections = QPushButton("")
        self.rejections.setFlat(True)
        self.rejections.setIcon(QIcon(ICONS["conflict"]))
        self.rejections.setAccessibleName("Changes not accepted")
        self.rejections.setToolTip("Changes the central store did not accept: open them to see why, try again or "
                                   "export them")
        self.rejections.setStyleSheet(self.conflicts.styleSheet())
        if open_rejections is not None:
            self.rejections.clicked.connect(open_rejections)
        self.rejections.hide()
        # After the window's progress bar and case count, before its lock state (permanent widgets 0, 1, 2).
        for offset, widget in enumerate((self.icon, self.label, self.bar, self.rejections, self.conflicts)):
            bar.insertPermanentWidget(2 + offset, widget)
        self.update()

    def update(self) -> None:
        state = self._state()
        text, tip, icon = describe(state)
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.label.setAccessibleDescription(tip)
        self.icon.setPixmap(QIcon(ICONS[icon]).pixmap(14, 14))
        self.icon.setToolTip(text)
        self.bar.setVisible(state.busy and not state.locked)
        self.bar.setValue(state.percent)
        show_conflicts = state.enrolled and not state.locked and state.conflicts > 0
        self.conflicts.setText(plural(state.conflicts, "conflict"))
        self.conflicts.setVisible(show_conflicts)
        self.rejections.setText(plural(state.rejected, "change") + " not accepted")
        self.rejections.setVisible(state.enrolled and not state.locked and state.rejected > 0)
