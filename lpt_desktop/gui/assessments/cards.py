"""The pieces the Assessments tab's sections share at their head: a card with a large value (the tier in force,
the suggested tier, the RoSH level), a yellow banner saying what is owed (tier_page.py, rosh_page.py, and the
RoSH form's full analysis gate), and the lines saying what a button did or what to put right."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

GREY = ("#f3f5f8", "#cfd6df")  # background, border
BLUE = ("#e8f1fb", "#9fc1e6")
CARD_STYLE = ("QFrame#assessmentCard {{ background: {bg}; border: 1px solid {border}; border-radius: 6px; }}"
              "QFrame#assessmentCard QLabel {{ background: transparent; border: none; }}")
BANNER_STYLE = ("QFrame#assessmentBanner { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; }"
                "QFrame#assessmentBanner QLabel { color: #4d3800; background: transparent; border: none; }")


class HeaderCard(QFrame):
    """A title, a large value under it ("—" until shown) and a line of detail."""

    def __init__(self, title: str, colours: tuple[str, str] = GREY, value_pt: int = 26,
                 wrap_detail: bool = True) -> None:
        super().__init__()
        self.setObjectName("assessmentCard")
        self.setStyleSheet(CARD_STYLE.format(bg=colours[0], border=colours[1]))
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600; color: #3a4350;")
        self.value = QLabel("—")
        self.value.setStyleSheet(f"font-size: {value_pt}pt; font-weight: 700; color: #1d2733;")
        self.detail = QLabel("")
        self.detail.setWordWrap(wrap_detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def show_value(self, value: str, detail: str, name: str) -> None:
        """The value and its detail; `name` is what a screen reader says of the card ("Tier in force: B2")."""
        self.value.setText(value)
        self.detail.setText(detail)
        self.setAccessibleName(name)
        self.value.setAccessibleName(name)


class Banner(QFrame):
    """A yellow box of words (`text`), with room below them (`rows`) for what to do about it."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName("assessmentBanner")
        self.setStyleSheet(BANNER_STYLE)
        self.rows = QVBoxLayout(self)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setAccessibleName(name)
        self.rows.addWidget(self.text)


def status_lines(name: str) -> tuple[QLabel, QLabel]:
    """A section's status line (`name` is what a screen reader calls it) and its error line, both hidden until
    there is something to say."""
    status = QLabel("")
    status.setWordWrap(True)
    status.setAccessibleName(name)
    status.hide()
    error = QLabel("")
    error.setObjectName("errorLabel")
    error.setWordWrap(True)
    error.setAccessibleName("Problems to put right")
    error.hide()
    return status, error
