"""Sync with the central store: status bar, Sync now, enrolment, conflicts.

The main window calls install(); this module adds the feature's menus and status-bar pieces."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lpt_desktop.gui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add this feature's menus and actions to the window (actions needing a caseload go in window.feature_actions)."""
