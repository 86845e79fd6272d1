"""What a feature may use of the window: the `Host` protocol features are typed against.

A feature (gui/<feature>_actions.py) has `install(host) -> controller`; gui/features.py lists them once and
the window loops over that list. A feature reaches the database only through `host.ops`, adds its menus and
actions through the host, keeps its own state on its controller, and finds another feature's controller with
`host.feature(name)`. Nothing here is the concrete MainWindow, so a feature cannot reach its private parts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QStatusBar, QWidget

if TYPE_CHECKING:
    from lpt_desktop.gui.case_view import CaseView
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.gui.preferences import Preferences
    from lpt_desktop.services.caseload import CaseloadRow


class Host(Protocol):
    ops: Ops
    prefs: Preferences
    # Emitted on the UI thread. about_to_lock comes while the database is still open: queue what is being typed
    # as writes (host.ops.write) and the lock waits for them. Saves are announced by host.ops.changed(Change).
    unlocked: SignalInstance
    about_to_lock: SignalInstance
    locked: SignalInstance
    case_opened: SignalInstance

    @property
    def is_unlocked(self) -> bool: ...

    def widget(self) -> QWidget:
        """The window, as the parent of a feature's dialogs and messages."""
        ...

    def menu(self, title: str) -> QMenu:
        """A top-level menu by its title (made, before Help, if new)."""
        ...

    def add_action(self, text: str, slot: Callable[[], Any],
                   shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None, tip: str = "",
                   needs_caseload: bool = True, icon: str | None = None) -> QAction:
        """A window-wide action (shortcut checked against every other); disabled while locked if it needs one."""
        ...

    def status_bar(self) -> QStatusBar: ...

    def report_error(self, exc: BaseException) -> None:
        """The one place a failure becomes a message the officer can act on."""
        ...

    def show_message(self, icon: QMessageBox.Icon, title: str, text: str,
                     answers: tuple[str, str] | None = None) -> QMessageBox: ...

    def open_case(self, person_id: str, then: Callable[[CaseView], None] | None = None) -> None: ...

    def current_case(self) -> CaseView | None: ...

    def case_views(self) -> list[CaseView]: ...

    def show_tab(self, widget: QWidget, title: str, tooltip: str = "", icon: str | None = None) -> None:
        """Add the widget as a tab if it is not one, and bring it to the front."""
        ...

    def close_tab_of(self, widget: QWidget) -> None: ...

    def caseload_records(self) -> list[CaseloadRow]: ...

    def refresh_caseload(self) -> None: ...

    def feature(self, name: str) -> Any:
        """Another feature's controller (as gui/features.py names it)."""
        ...
