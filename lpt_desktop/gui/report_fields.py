"""Field widgets for the report editor, built from the section specs (text, date, choice, multi, bool, int,
requirements). Each gives value(), set_value() and a changed signal, so the editor treats them alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import (
    Court,
    canonical_court,
    court_key,
    courts,
    find_court,
    reference,
    requirement_types_for,
)
from lpt_desktop.gui.date_entry import DateEntry


def choice_pairs(choices: Any) -> list[tuple[str, str]]:
    """(code, label) pairs from whatever the spec holds: pairs, objects with code/label, or plain strings."""
    pairs: list[tuple[str, str]] = []
    for c in choices or ():
        if isinstance(c, (tuple, list)) and len(c) == 2:
            pairs.append((str(c[0]), str(c[1])))
        elif hasattr(c, "code"):
            pairs.append((c.code, getattr(c, "label", c.code)))
        elif isinstance(c, dict):
            d: dict[str, str] = c
            pairs.append((d.get("code", ""), d.get("label", d.get("code", ""))))
        else:
            pairs.append((str(c), str(c)))
    return pairs


NOT_ON_LIST = "Not on the court list: kept as typed"


class CourtPicker(QWidget):
    """A court chosen from the list in resources/data/courts.json (typing any part of the name finds it).

    A court not on the list is kept as typed and marked as such beside the box; text() gives a listed court
    as the list spells it, so "Preston Magistrates Court" is saved as "Preston Magistrates' Court"."""

    textChanged = Signal(str)
    courtChosen = Signal(object)  # the listed Court, or None

    def __init__(self, name: str = "Court", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setAccessibleName(name)
        for c in courts():
            self.combo.addItem(c.name, c.name)
        self.combo.setCurrentIndex(-1)
        completer = self.combo.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        line = self.combo.lineEdit()
        assert line is not None
        line.setPlaceholderText("Type to find the court")
        self.note = QLabel("")
        self.note.setAccessibleName(f"{name}: not on the list")
        self.note.setStyleSheet("color: #8a4b00;")
        self.note.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(self.note)
        self.setFocusProxy(self.combo)
        self.combo.currentTextChanged.connect(self._changed)

    def text(self) -> str:
        return canonical_court(self.combo.currentText())[0]

    def setText(self, text: str) -> None:  # noqa: N802 - the QLineEdit name callers already use
        i = self.combo.findText(canonical_court(text)[0])
        if i >= 0:
            self.combo.setCurrentIndex(i)
        else:
            self.combo.setEditText(text)
        self._changed(self.combo.currentText())

    def court(self) -> Court | None:
        return find_court(self.combo.currentText())

    def on_list(self) -> bool:
        return self.court() is not None

    def _changed(self, text: str) -> None:
        # Flagged once the text can no longer become a listed court (not while "prest" is still being typed).
        key = court_key(text)
        off = bool(key) and not self.on_list() and not any(key in court_key(c.name) for c in courts())
        self.note.setText(NOT_ON_LIST if off else "")
        self.note.setVisible(off)
        self.textChanged.emit(text)
        self.courtChosen.emit(self.court())


class FieldWidget(QWidget):
    changed = Signal()

    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.compact = compact
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.setAccessibleName(spec.label)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def text_for_count(self) -> str:
        return ""

    def display(self) -> str:
        """The value as printed."""
        v = self.value()
        return "" if v is None else str(v)

    def focus_target(self) -> QWidget:
        return self


class TextField(FieldWidget):
    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(spec, compact, parent)
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName(spec.label)
        self.edit.setTabChangesFocus(True)  # Tab moves on; the report text needs no tab characters
        # One-line facts get one line; the address a few; the writing gets room (more in the full editor).
        short = spec.id in ("name", "crn", "pnc", "gender", "ethnicity", "first_language", "court", "lja",
                            "author", "role", "office", "main_offence", "predictors")
        if short:
            self.edit.setFixedHeight(32)
        elif spec.id in ("address", "other_offences", "disabilities"):
            self.edit.setFixedHeight(56)
        else:
            self.edit.setMinimumHeight(60 if compact else 110)
            self.edit.setMaximumHeight(90 if compact else 200)
        self.layout_.addWidget(self.edit)
        self.edit.textChanged.connect(self.changed)
        self.setFocusProxy(self.edit)

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def replace_text(self, text: str) -> None:
        """Put `text` in place of everything typed, as one edit the writer can undo (Ctrl+Z brings theirs back);
        a change like typing, so it autosaves."""
        cursor = self.edit.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.edit.setTextCursor(cursor)

    def text_for_count(self) -> str:
        return self.edit.toPlainText()


class DateField(FieldWidget):
    """The window's one date entry (gui/date_entry.py); a date may be unknown (empty)."""

    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(spec, compact, parent)
        self.edit = DateEntry(spec.label, optional=True)
        self.edit.setMaximumWidth(260)
        self.layout_.addWidget(self.edit)
        self.edit.textChanged.connect(self.changed)
        self.setFocusProxy(self.edit)

    def valid(self) -> bool:
        return self.edit.is_valid()

    def value(self) -> date | str | None:
        text = self.edit.text().strip()
        if not text:
            return None
        # Kept as typed when it is not a date yet, so nothing is lost; the message under it says why.
        return self.edit.value() or text

    def set_value(self, value: Any) -> None:
        if isinstance(value, date):
            self.edit.setValue(value)
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-":
            try:
                self.edit.setValue(date.fromisoformat(value))
            except ValueError:
                self.edit.setText(value)
        else:
            self.edit.setText(value or "")

    def display(self) -> str:
        v = self.value()
        return format_date(v) if isinstance(v, date) else (v or "")


class ChoiceField(FieldWidget):
    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(spec, compact, parent)
        self.box = QComboBox()
        self.box.setAccessibleName(spec.label)
        self.box.addItem("", "")
        for code, label in choice_pairs(spec.choices):
            self.box.addItem(label, code)
        self.layout_.addWidget(self.box)
        self.box.currentIndexChanged.connect(self.changed)
        self.setFocusProxy(self.box)

    def value(self) -> str:
        return self.box.currentData() or ""

    def set_value(self, value: Any) -> None:
        i = self.box.findData(value or "")
        if i < 0 and value:  # a value the list does not hold (older data): keep it rather than lose it
            self.box.addItem(str(value), value)
            i = self.box.count() - 1
        self.box.setCurrentIndex(max(i, 0))

    def display(self) -> str:
        return self.box.currentText()


class MultiField(FieldWidget):
    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(spec, compact, parent)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        per_row = 3 if compact else 2
        for i, (code, label) in enumerate(choice_pairs(spec.choices)):
            box = QCheckBox(label)
            box.setAccessibleName(f"{spec.label}: {label}")
            box.toggled.connect(self.changed)
            self.boxes[code] = box
            grid.addWidget(box, i // per_row, i % per_row)
        self.layout_.addLayout(grid)
        if self.boxes:
            self.setFocusProxy(next(iter(self.boxes.values())))

    def value(self) -> list[str]:
        return [c for c, b in self.boxes.items() if b.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        for c, b in self.boxes.items():
            b.setChecked(c in chosen)

    def display(self) -> str:
        return ", ".join(b.text() for b in self.boxes.values() if b.isChecked())


class BoolField(FieldWidget):
    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(spec, compact, parent)
        self.box = QCheckBox(spec.label)
        self.box.setAccessibleName(spec.label)
        self.layout_.addWidget(self.box)
        self.box.toggled.connect(self.changed)
        self.setFocusProxy(self.box)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def display(self) -> str:
        return "Yes" if self.box.isChecked() else "No"


class IntField(FieldWidget):
    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(spec, compact, parent)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(spec.label)
        self.edit.setValidator(QIntValidator(0, 100000, self.edit))
        self.edit.setMaximumWidth(100)
        self.layout_.addWidget(self.edit)
        self.edit.textChanged.connect(self.changed)
        self.setFocusProxy(self.edit)

    def value(self) -> int | None:
        text = self.edit.text().strip()
        return int(text) if text.isdigit() else None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class _RequirementRow(QWidget):
    """One proposed requirement: its type and a box per parameter (limits from requirement_types.json)."""

    changed = Signal()
    remove = Signal(object)

    def __init__(self, order_date: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type = QComboBox()
        self.type.setAccessibleName("Requirement type")
        self.type.addItem("Choose a requirement", "")
        # Only the requirements an order made on that day can include (no Supervision or Activity after
        # January 2015); without a date, every type.
        offered = requirement_types_for(order_date) if order_date else list(reference().requirement_types.values())
        for t in offered:
            self.type.addItem(t.label, t.code)
        self.params = QHBoxLayout()
        self.param_widgets: dict[str, QWidget] = {}
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove this requirement")
        # Enter in a form saves it; it must never press Remove on the way (an officer tabbing through the row
        # lost the requirement so). Remove takes its own Space or click, and can be undone.
        self.remove_button.setAutoDefault(False)
        self.remove_button.setDefault(False)
        self.remove_button.setToolTip("Remove this requirement (Space or a click; Enter saves the form instead)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.type)
        layout.addLayout(self.params, 1)
        layout.addWidget(self.remove_button)
        self.type.currentIndexChanged.connect(self._rebuild)
        self.type.currentIndexChanged.connect(self.changed)
        self.remove_button.clicked.connect(lambda: self.remove.emit(self))

    def _rebuild(self) -> None:
        while self.params.count():
            item = self.params.takeAt(0)
            if item is not None and (old := item.widget()) is not None:
                old.deleteLater()
        self.param_widgets = {}
        rtype = reference().requirement_types.get(self.type.currentData() or "")
        if rtype is None:
            return
        for p in rtype.params:
            label = QLabel(p.label)
            w: QWidget
            if p.kind == "choice":
                w = combo = QComboBox()
                combo.addItem("", "")
                for c in p.choices or ():
                    combo.addItem(c, c)
                combo.currentIndexChanged.connect(self.changed)
            elif p.kind == "bool":
                w = check = QCheckBox()
                check.toggled.connect(self.changed)
            else:
                w = line = QLineEdit()
                if p.kind == "int":
                    line.setMaximumWidth(80)
                    lo, hi = getattr(p, "min", None), getattr(p, "max", None)
                    if lo is not None and hi is not None:
                        line.setPlaceholderText(f"{lo}-{hi}")
                line.textChanged.connect(self.changed)
            w.setAccessibleName(f"{rtype.label}: {p.label}")
            w.setToolTip(p.help)
            label.setBuddy(w)
            self.params.addWidget(label)
            self.params.addWidget(w)
            self.param_widgets[p.name] = w
        # Boxes made after the row join the end of the window's tab chain (Hours was reached after Save, or
        # not at all): Tab goes type, then each parameter in order, then Remove.
        before: QWidget = self.type
        for w in self.param_widgets.values():
            QWidget.setTabOrder(before, w)
            before = w
        QWidget.setTabOrder(before, self.remove_button)

    def value(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        rtype = reference().requirement_types.get(self.type.currentData() or "")
        kinds = {p.name: p.kind for p in rtype.params} if rtype else {}
        for name, w in self.param_widgets.items():
            if isinstance(w, QComboBox):
                v: Any = w.currentData() or ""
            elif isinstance(w, QCheckBox):
                v = w.isChecked()
            else:
                text = cast(QLineEdit, w).text().strip()
                v = int(text) if kinds.get(name) == "int" and text.lstrip("-").isdigit() else text
            if v not in ("", None):
                params[name] = v
        return {"type_code": self.type.currentData() or "", "params": params}

    def set_value(self, value: dict[str, Any]) -> None:
        code = value.get("type_code", "")
        i = self.type.findData(code)
        rtype = reference().requirement_types.get(code)
        if i < 0 and rtype is not None:
            # A saved requirement no longer offered for this order's date is shown as it is, not lost (the
            # ready check says why it cannot stay).
            self.type.addItem(f"{rtype.label} (not available for this order's date)", code)
            i = self.type.count() - 1
        self.type.setCurrentIndex(max(i, 0))
        self._rebuild()
        for name, v in (value.get("params") or {}).items():
            w = self.param_widgets.get(name)
            if isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(v), 0))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(v))
            elif isinstance(w, QLineEdit):
                w.setText(str(v))

    def display(self) -> str:
        v = self.value()
        if not v["type_code"]:
            return ""
        parts = ", ".join(f"{k.replace('_', ' ')} {val}" for k, val in v["params"].items())
        rtype = reference().requirement_types.get(v["type_code"])
        label = rtype.label if rtype else self.type.currentText()
        return label + (f" ({parts})" if parts else "")


class RequirementsField(FieldWidget):
    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(spec, compact, parent)
        self.rows: list[_RequirementRow] = []
        self.order_date: date | None = None  # the day the order would be made (the hearing): set_order_date
        self.rows_box = QVBoxLayout()
        self.add_button = QPushButton("&Add requirement")
        self.add_button.setAccessibleName("Add a requirement to the proposal")
        self.add_button.setAutoDefault(False)  # Enter saves the form, never adds a row
        # A requirement removed with something chosen can be put back, where it was (Remove is one keystroke).
        self.removed: tuple[int, dict[str, Any]] | None = None
        self.undo_note = QLabel("")
        self.undo_note.setAccessibleName("Requirement removed")
        self.undo_button = QPushButton("Undo remove")
        self.undo_button.setAccessibleName("Put the removed requirement back")
        self.undo_button.setAutoDefault(False)
        self.undo_note.hide()
        self.undo_button.hide()
        head = QHBoxLayout()
        head.addWidget(self.add_button)
        head.addWidget(self.undo_note)
        head.addWidget(self.undo_button)
        head.addStretch(1)
        self.layout_.addLayout(self.rows_box)
        self.layout_.addLayout(head)
        self.add_button.clicked.connect(self._add_clicked)
        self.undo_button.clicked.connect(self.undo_remove)
        self.setFocusProxy(self.add_button)

    def _add_clicked(self) -> None:
        row = self.add_row()
        row.type.setFocus()
        self.changed.emit()

    def set_order_date(self, order_date: date | None) -> None:
        """Offer the requirements an order made on this day can include (rows added from now on)."""
        self.order_date = order_date

    def add_row(self, value: dict[str, Any] | None = None, at: int | None = None) -> _RequirementRow:
        row = _RequirementRow(self.order_date)
        if value:
            row.set_value(value)
        row.changed.connect(self.changed)
        row.remove.connect(self._remove)
        at = len(self.rows) if at is None else min(at, len(self.rows))
        self.rows.insert(at, row)
        self.rows_box.insertWidget(at, row)
        self._order_tabs()
        return row

    def _order_tabs(self) -> None:
        """Tab in the order shown: each row (type, its parameters, Remove), then Add requirement. A row joins
        the window's tab chain at its end (after the form's own buttons), so it is put back in place here."""
        # The field itself keeps its place in the chain: the first focusable widget before it and its own
        # boxes is the one the field's Tab follows.
        anchor = self.previousInFocusChain()
        while anchor is not None and anchor is not self and (
                self.isAncestorOf(anchor) or anchor.focusPolicy() == Qt.FocusPolicy.NoFocus):
            anchor = anchor.previousInFocusChain()
        chain: list[QWidget] = [w for r in self.rows for w in (r.type, *r.param_widgets.values(), r.remove_button)]
        chain += [self.add_button, self.undo_button]
        before = anchor if anchor is not None and anchor is not self else None
        for w in chain:
            if before is not None:
                QWidget.setTabOrder(before, w)
            before = w

    def _remove(self, row: _RequirementRow) -> None:
        value, shown = row.value(), row.display()
        at = self.rows.index(row)
        self.rows.remove(row)
        row.deleteLater()
        if value["type_code"]:
            self.removed = (at, value)
            self.undo_note.setText(f"Removed: {shown}")
            self.undo_note.show()
            self.undo_button.show()
            self.undo_button.setFocus()  # Space puts it back at once; Tab moves on
        else:
            self._forget_removed()
            self.add_button.setFocus()
        self.changed.emit()

    def undo_remove(self) -> None:
        if self.removed is None:
            return
        at, value = self.removed
        self._forget_removed()
        row = self.add_row(value, at)
        row.type.setFocus()
        self.changed.emit()

    def _forget_removed(self) -> None:
        self.removed = None
        self.undo_note.hide()
        self.undo_button.hide()

    def value(self) -> list[dict[str, Any]]:
        return [r.value() for r in self.rows if r.value()["type_code"]]

    def set_value(self, value: Any) -> None:
        for r in self.rows:
            r.deleteLater()
        self.rows = []
        self._forget_removed()
        for v in value or ():
            if isinstance(v, dict):
                self.add_row(v)

    def display(self) -> str:
        return "; ".join(d for r in self.rows if (d := r.display()))


KINDS: dict[str, type[FieldWidget]] = {"text": TextField, "date": DateField, "choice": ChoiceField,
                                       "multi": MultiField, "bool": BoolField, "int": IntField,
                                       "requirements": RequirementsField}


class CourtField(FieldWidget):
    """The report's court: from the court list, or typed and marked not on it."""

    def __init__(self, spec: Any, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(spec, compact, parent)
        self.picker = CourtPicker(spec.label)
        self.edit = self.picker.combo  # the widget that takes the focus, as in the other fields
        self.layout_.addWidget(self.picker)
        self.picker.textChanged.connect(self.changed)
        self.setFocusProxy(self.edit)

    def value(self) -> str:
        return self.picker.text()

    def set_value(self, value: Any) -> None:
        self.picker.setText("" if value is None else str(value))

    def text_for_count(self) -> str:
        return self.picker.text()


def make_field(spec: Any, compact: bool = False) -> FieldWidget:
    if spec.id == "court" and spec.kind == "text":  # the sentencing court: chosen from the court list
        return CourtField(spec, compact)
    return KINDS.get(spec.kind, TextField)(spec, compact)


def word_count(texts: Sequence[str]) -> int:
    return sum(len(t.split()) for t in texts)
