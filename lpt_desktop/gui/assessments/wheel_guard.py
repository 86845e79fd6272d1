"""The mouse wheel over a choice the officer is not using scrolls the page, not the choice (issue 20 walk 4).

A QComboBox or spin box takes the wheel by default (and focus with it: Qt.WheelFocus), so scrolling a long
form with the mouse over one silently changes its answer, which the form then autosaves. `guard_wheel(root)`
gives every combo box and spin box under `root` focus by Tab or a click only (Qt.StrongFocus), and passes a
wheel event over one that has no focus on to its parents, so the scroll area round it scrolls. Once the officer
has clicked or tabbed into a box, the wheel steps through its choices as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

__all__ = ["guard_wheel"]

_GUARDED = (QComboBox, QAbstractSpinBox)


def _scroll_area_of(w: QWidget) -> QAbstractScrollArea | None:
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class _WheelGuard(QObject):
    """One per guarded root: the wheel over a box without focus goes to the scroll area round it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        assert isinstance(event, QWheelEvent)
        area = _scroll_area_of(watched)
        if area is None:
            event.ignore()  # nothing to scroll here: Qt offers it to the parents
            return True
        # Handed to the scroll area itself (Qt would pass on only a wheel event from the system, not one
        # another widget sends, and the area's viewport is not always the box's parent).
        viewport = area.viewport()
        pos = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
        QApplication.sendEvent(viewport, QWheelEvent(
            pos, event.globalPosition(), event.pixelDelta(), event.angleDelta(), event.buttons(),
            event.modifiers(), event.phase(), event.inverted(), event.source()))
        event.accept()
        return True


def guard_wheel(root: QWidget) -> int:
    """Guard every combo box and spin box under `root` (and root itself if it is one); returns how many.
    Safe to call again after more boxes are added: a box already guarded is left as it is."""
    guard = root.findChild(_WheelGuard, "wheelGuard", Qt.FindChildOption.FindDirectChildrenOnly)
    if guard is None:
        guard = _WheelGuard(root)
        guard.setObjectName("wheelGuard")
    boxes = [w for w in root.findChildren(QWidget) if isinstance(w, _GUARDED)]
    if isinstance(root, _GUARDED):
        boxes.append(root)
    count = 0
    for box in boxes:
        if box.property("wheelGuarded"):
            continue
        box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.installEventFilter(guard)
        box.setProperty("wheelGuarded", True)
        count += 1
    return count
