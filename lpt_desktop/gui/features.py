"""The features the window installs, once each, in menu order: adding a feature touches its own files and this list."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lpt_desktop.gui import court_actions, integrity_actions, offices_dialog, standards_actions, sync_actions
from lpt_desktop.gui.case_record import new_case_actions
from lpt_desktop.gui.manager import manager_actions
from lpt_desktop.gui.practice import case_actions, export_actions, workload_view

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host

FEATURES: tuple[tuple[str, Callable[[Host], Any]], ...] = (
    ("new_case", new_case_actions.install),
    ("standards", standards_actions.install),
    ("court", court_actions.install),
    ("sync", sync_actions.install),
    ("manager", manager_actions.install),  # after sync: it refreshes after each sync
    ("integrity", integrity_actions.install),
    ("offices", offices_dialog.install),
    ("case_readiness", case_actions.install),  # each case's Inspection readiness tab reaches "manager"
    ("workload", workload_view.install),  # after manager: Workload goes in its menu too
    ("practice_export", export_actions.install),  # File > Export…, and each practice view's toolbar
)
