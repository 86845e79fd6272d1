"""A form's "put these right" list, shared by the forms that save through a service.

Each message belongs to a field (a FieldError's field, or the text before the first colon, as the services
write them), matched to the widget with that accessible name. Editing the field takes its message away at
once: a field put right never keeps its error until the next save. The label sits in the form's layout and
is hidden when empty, so a message pushes the rows below it down and never lies over them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QLabel, QSizePolicy, QWidget


def _field_of(message: object) -> str:
    field = getattr(message, "field", None)
    if isinstance(field, str):
        return field
    text = str(message)
    return text.split(":", 1)[0] if ":" in text else ""


def _same_field(field: str, widget_name: str) -> bool:
    a, b = field.casefold().strip(), widget_name.casefold().strip()
    return bool(a and b) and (a == b or b.startswith(a + " ") or a.startswith(b + " "))


class FormErrors(QObject):
    def __init__(self, label: QLabel, heading: str = "Not saved yet. Put these right:") -> None:
        super().__init__(label)
        self.label = label
        self.heading = heading
        self.messages: list[tuple[str, str]] = []  # (field, text as shown)
        self.names: dict[int, list[str]] = {}  # a watched widget -> its accessible name and its label's text
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        label.hide()

    def watch(self, fields: Iterable[QWidget]) -> None:
        """Clear a field's message when it is edited (by whatever change signal the widget has)."""
        for w in fields:
            labels = [label.text().replace("&", "") for label in w.window().findChildren(QLabel)
                      if label.buddy() is w]
            self.names[id(w)] = [w.accessibleName(), *labels]
            for name in ("textChanged", "currentIndexChanged", "valueChanged", "toggled", "dateTimeChanged"):
                signal = getattr(w, name, None)
                if signal is not None and hasattr(signal, "connect"):
                    signal.connect(lambda *_a, widget=w: self.field_edited(widget))
                    break

    def watch_children(self, parent: QWidget) -> None:
        """Watch every input of a finished form (called once it is built, e.g. when first shown)."""
        from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit

        inputs = [w for kind in (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton)
                  for w in parent.findChildren(kind) if w.accessibleName()]
        self.watch(inputs)

    def show(self, messages: Sequence[object]) -> None:
        self.messages = [(_field_of(m), str(m)) for m in messages]
        self._render()

    def clear(self) -> None:
        self.messages = []
        self._render()

    def field_edited(self, widget: QWidget) -> None:
        names = self.names.get(id(widget), [widget.accessibleName()])
        kept = [(f, t) for f, t in self.messages if not any(_same_field(f, n) for n in names)]
        if len(kept) != len(self.messages):
            self.messages = kept
            self._render()

    def _render(self) -> None:
        texts = [t for _f, t in self.messages]
        if not texts:
            self.label.setText("")
        elif self.heading:
            self.label.setText(f"{self.heading}\n• " + "\n• ".join(texts))
        else:
            self.label.setText("\n".join(texts))
        self.label.setVisible(bool(texts))
        self.label.updateGeometry()
        fit_height(self.label.window())


def fit_height(window: QWidget) -> None:
    """Grow a dialog to the height its layout needs at its width. A window's minimum size ignores wrapped
    text (height-for-width), so without this a long message squeezed the rows until they overlapped."""
    layout = window.layout()
    if not isinstance(window, QDialog) or layout is None:
        return
    layout.activate()
    width = window.width()
    need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
    if window.height() < need:
        window.resize(width, need)
