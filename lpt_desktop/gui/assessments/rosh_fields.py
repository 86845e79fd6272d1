"""The pieces the RoSH form is built from: a yes / no / don't know answer, a text section with its help and its
carried-forward mark, and the levels grid with the standard definitions beside it.

Everything is made from the data files (assessment/rosh_screening.py, rosh_summary.py), so a question or a
field added there appears here without code."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment.rosh_screening import ANSWERS, Question, screening
from lpt_desktop.assessment.rosh_summary import assessment_data, levels

HELP_STYLE = "color: #5a6472; font-size: 9pt;"
CARRIED_STYLE = ("QFrame#carriedBar { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; }"
                 "QFrame#carriedBar QLabel { color: #4d3800; background: transparent; border: none; }")
CONFIRMED_STYLE = ("QFrame#carriedBar { background: #e7f4ea; border: 1px solid #8cc79a; border-radius: 4px; }"
                   "QFrame#carriedBar QLabel { color: #1d4d2a; background: transparent; border: none; }")


def help_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HELP_STYLE)
    return label


STEP_KEYS = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1}


class AnswerChoice(QWidget):
    """Yes, No, Don't know for one question and one period: radio buttons in their own widget. The arrow keys
    choose an answer, even when none is chosen yet (Qt's radio buttons only move the focus then, and Space was
    needed); Tab moves on to the next question, as only one button of the three (the chosen one, else the first)
    takes the focus from Tab."""

    changed = Signal()

    def __init__(self, question: Question, period: str) -> None:
        super().__init__()
        s = screening()
        self.question, self.period = question, period
        where = f", {s.periods[period].lower()}" if question.current_previous else ""
        self.name = f"{question.text}{where}"
        self.setAccessibleName(self.name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if question.current_previous:
            caption = QLabel(s.periods[period] + ":")
            caption.setMinimumWidth(60)
            layout.addWidget(caption)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for code in ANSWERS:
            button = QRadioButton(s.answers[code])
            button.setAccessibleName(f"{self.name}: {s.answers[code]}")
            button.setToolTip(question.help)
            self.group.addButton(button)
            self.buttons[code] = button
            layout.addWidget(button)
            button.toggled.connect(lambda on: self.changed.emit() if on else None)
            button.toggled.connect(lambda _on: self._rove())
            button.installEventFilter(self)
        layout.addSpacing(28)
        self._rove()

    def value(self) -> str:
        return next((code for code, b in self.buttons.items() if b.isChecked()), "")

    def set_value(self, code: str | None) -> None:
        self.group.setExclusive(False)  # an exclusive group cannot be cleared
        for c, b in self.buttons.items():
            b.setChecked(c == code)
        self.group.setExclusive(True)
        self._rove()

    def _rove(self) -> None:
        """Only the chosen button (else the first) is in the Tab chain: Tab leaves the question, arrows move in it."""
        order = list(self.buttons.values())
        current = next((b for b in order if b.isChecked()), order[0])
        for b in order:
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus if b is current else Qt.FocusPolicy.ClickFocus)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.modifiers() == Qt.KeyboardModifier.NoModifier and event.key() in STEP_KEYS:
            order = list(self.buttons.values())
            if watched in order:
                target = order[(order.index(watched) + STEP_KEYS[Qt.Key(event.key())]) % len(order)]
                if target.isEnabled():
                    target.setFocus(Qt.FocusReason.TabFocusReason)
                    target.click()
                return True
        return super().eventFilter(watched, event)


class TextSection(QWidget):
    """One text section: its label (required ones say so), the help line, the box, and, when the text was carried
    forward from the previous assessment, how old it is with a Confirm this section button."""

    confirm_requested = Signal(str)  # section key

    def __init__(self, key: str, label: str, help_text: str, required: bool = False) -> None:
        super().__init__()
        self.key, self.label_text = key, label
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        self.title = QLabel(f"<b>{label}</b>" + (" (required)" if required else ""))
        layout.addWidget(self.title)
        layout.addWidget(help_label(help_text))
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName(label)
        self.edit.setToolTip(help_text)
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(64)
        self.edit.setMaximumHeight(88)
        self.title.setBuddy(self.edit)
        layout.addWidget(self.edit)
        self.bar = QFrame()
        self.bar.setObjectName("carriedBar")
        self.bar.setStyleSheet(CARRIED_STYLE)
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(8, 3, 4, 3)
        self.carried = QLabel("")
        self.carried.setWordWrap(True)
        self.carried.setAccessibleName(f"{label}: carried forward")
        self.confirm = QPushButton("Confirm this section")
        self.confirm.setAccessibleName(f"Confirm this section: {label}")
        self.confirm.setToolTip("Confirm this text still holds today (who and when are kept), or rewrite it")
        self.confirm.clicked.connect(lambda: self.confirm_requested.emit(self.key))
        bar.addWidget(self.carried, 1)
        bar.addWidget(self.confirm)
        layout.addWidget(self.bar)
        self.bar.hide()

    def text(self) -> str:
        return self.edit.toPlainText()

    def show_carried(self, carried_label: str, confirmed_by: str | None, confirmed_on: str, editable: bool) -> None:
        """The service's word on the section: carried (with its age), confirmed, or neither (bar hidden)."""
        if not carried_label:
            self.bar.hide()
            return
        words = carried_label[0].upper() + carried_label[1:]
        if confirmed_by:
            self.carried.setText(f"{words}. Confirmed by {confirmed_by} on {confirmed_on}.")
            self.bar.setStyleSheet(CONFIRMED_STYLE)
            self.confirm.hide()
        else:
            self.carried.setText(f"{words}. Confirm it still holds, or rewrite it.")
            self.bar.setStyleSheet(CARRIED_STYLE)
            self.confirm.setVisible(editable)
        self.bar.show()


NO_LEVEL = "Not chosen"


class LevelsGrid(QWidget):
    """Groups down, community and custody across, a level for each; the standard definitions beside, the one
    of the level just chosen in bold."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        data = assessment_data()
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Risk to</b>"), 0, 0)
        grid.addWidget(QLabel("<b>In the community</b>"), 0, 1)
        grid.addWidget(QLabel("<b>In custody</b>"), 0, 2)
        self.boxes: dict[tuple[str, str], QComboBox] = {}
        for row, g in enumerate(data.groups, start=1):
            grid.addWidget(QLabel(g.label), row, 0)
            for col, setting in ((1, "community"), (2, "custody")):
                if not getattr(g, setting):
                    grid.addWidget(QLabel("—"), row, col)
                    continue
                box = QComboBox()
                where = "in the community" if setting == "community" else "in custody"
                box.setAccessibleName(f"Risk to {g.label.lower()} ({where})")
                box.addItem(NO_LEVEL, None)
                for lv in levels():
                    box.addItem(lv.label, lv.code)
                    box.setItemData(box.count() - 1, lv.definition, Qt.ItemDataRole.ToolTipRole)
                box.currentIndexChanged.connect(lambda _i, b=box: self._chosen(b))
                self.boxes[(setting, g.code)] = box
                grid.addWidget(box, row, col)
        grid.setColumnStretch(3, 1)
        outer.addLayout(grid)
        self.definitions: dict[str, QLabel] = {}
        key = QFrame()
        key.setObjectName("levelKey")
        key.setStyleSheet("QFrame#levelKey { background: #f3f5f8; border: 1px solid #cfd6df; border-radius: 4px; }"
                          "QFrame#levelKey QLabel { background: transparent; border: none; }")
        key_layout = QVBoxLayout(key)
        key_layout.addWidget(QLabel("<b>Standard definitions</b>"))
        for lv in levels():
            label = QLabel(f"{lv.label}: {lv.definition}")
            label.setWordWrap(True)
            label.setAccessibleName(f"Definition of {lv.label.lower()}")
            self.definitions[lv.code] = label
            key_layout.addWidget(label)
        key_layout.addStretch(1)
        outer.addWidget(key, 1)

    def _chosen(self, box: QComboBox) -> None:
        code = box.currentData()
        box.setToolTip(next((lv.definition for lv in levels() if lv.code == code), "Choose a level"))
        self.highlight(code)
        self.changed.emit()

    def highlight(self, code: str | None) -> None:
        for c, label in self.definitions.items():
            label.setStyleSheet("font-weight: 700; color: #1d2733;" if c == code else "color: #4a5563;")

    def values(self, setting: str) -> dict[str, str | None]:
        return {g: box.currentData() for (s, g), box in self.boxes.items() if s == setting}

    def set_values(self, setting: str, values: dict[str, str | None]) -> None:
        for (s, g), box in self.boxes.items():
            if s == setting:
                code = values.get(g)
                i = box.findData(code) if code else 0
                box.setCurrentIndex(max(i, 0))
