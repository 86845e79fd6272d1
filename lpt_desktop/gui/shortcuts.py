"""Keys that belong to one panel, not the whole window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def local_shortcut(keys: QKeySequence | QKeySequence.StandardKey | Qt.Key | str, parent: QWidget,
                   slot: Callable[[], object]) -> QShortcut:
    """A shortcut live only while the focus is inside `parent`.

    Set after construction: PySide6's QShortcut(key, parent, slot, context=...) drops the context and makes a
    window-wide key, so Escape anywhere cancelled a contact being typed in another tab, and Ctrl+S with two
    reports open was ambiguous and saved neither.
    """
    shortcut = QShortcut(QKeySequence(keys), parent)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut
