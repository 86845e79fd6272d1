"""The draft mechanics the RoSH and needs assessment forms share (gui/assessments/rosh_form.py, needs_form.py).

Everything typed is a draft: a moment after typing stops (and on Ctrl+S, closing, and before a lock) the form
sends its service the fields changed since it showed them, each with the value it showed, so a lock or a crash
loses nothing, reopening carries on, and a field another laptop changed meanwhile is refused by the service
(EditedElsewhere) rather than overwritten: the form then shows the newer value in the field and keeps the
officer's text in "Your text, not saved" beside it, to merge by hand. Closing keeps the draft (nothing to ask);
Discard draft… asks first. The window names a form with `draft_kept_at_lock` after an unlock, as kept.

A form gives its fields (`current_fields`, `_put`), its writes (`_write_draft`, `_write_discard`), its words for
a field (`field_label`), where the "Your text, not saved" box goes (`_place_yours`), `reload` and `_failed`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPlainTextEdit, QPushButton, QWidget

from lpt_desktop.gui.shortcuts import local_shortcut
from lpt_desktop.services.rosh import EditedElsewhere

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops

AUTOSAVE_MS = 800  # a moment after typing stops
HELP_STYLE = "color: #5a6472;"
WARN_STYLE = "color: #8a4b00;"
ERROR_STYLE = "color: #a4161a;"

OnOk = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class _Viewed(Protocol):
    """What the drafts need of a form's view: whether it is still a draft."""

    @property
    def status(self) -> str: ...


class AutosavedForm(QDialog):
    """A modal assessment form autosaving its changed fields as a draft. Subclasses build their widgets after
    calling this __init__ (with `saved_label`, `discard_button` and `close_button` to place), then reload."""

    DRAFT_NAME: ClassVar[str] = "assessment"  # "Throw away this draft assessment …?"
    EDITING_TEXT: ClassVar[str] = "Typing… saved as a draft in a moment"
    SAVES_WHEN_UNCHANGED: ClassVar[bool] = False  # send a save (and read again) even when nothing changed

    view: _Viewed | None

    def __init__(self, ops: Ops, assessment_id: str, parent: QWidget | None = None, read_only: bool = False) -> None:
        super().__init__(parent)
        self.ops = ops
        self.assessment_id = assessment_id
        self.read_only = read_only
        self.draft_kept_at_lock = not read_only  # the window names it after the unlock, as kept
        self.view = None
        self.loaded = False
        self._filling = False  # the form is putting stored values in: not an edit
        self._shown: dict[str, Any] = {}  # each field as the form last showed it: the base each save is checked on
        self.yours: QPlainTextEdit | None = None  # the officer's text a clash kept out of the record
        self.saves = 0  # autosaves committed (tests wait on it)
        self._pending = 0  # autosaves sent and not yet committed
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save_now)

        self.saved_label = QLabel("")
        self.saved_label.setAccessibleName("Draft status")
        self.saved_label.setStyleSheet(HELP_STYLE)
        self.discard_button = QPushButton("&Discard draft…")
        self.discard_button.setToolTip("Throw this draft away (asks first); earlier assessments are kept")
        self.close_button = QPushButton("Cl&ose")  # Alt+C is Complete's
        self.close_button.setToolTip("Close the form (Alt+O or Escape): what you typed is kept as a draft")
        for button in (self.discard_button, self.close_button):
            button.setAutoDefault(False)
        if read_only:
            self.discard_button.hide()  # (not setVisible(True) on a widget without a parent: a window of its own)
        self.discard_button.clicked.connect(self.ask_discard)
        self.close_button.clicked.connect(self.reject)
        local_shortcut("Ctrl+S", self, self.save_now)
        window = parent.window() if parent is not None else None
        about_to_lock = getattr(window, "about_to_lock", None)
        if about_to_lock is not None:
            about_to_lock.connect(self.save_now)  # a lock closes the case's tab, and this form with it

    # -- what a form gives ------------------------------------------------------------------------------------
    def current_fields(self) -> dict[str, Any]:
        """Every flat field (the service's keys) as the form holds it now."""
        raise NotImplementedError

    def _put(self, key: str, value: object) -> None:
        """Show one stored field in its widget."""
        raise NotImplementedError

    def field_label(self, key: str) -> str:
        """A field's name in words, as a message names it."""
        raise NotImplementedError

    def _write_draft(self, changed: dict[str, Any], base: dict[str, Any], on_ok: OnOk, on_error: OnError) -> None:
        """Send the service the changed fields, each with the value the form showed (`base`)."""
        raise NotImplementedError

    def _write_discard(self, on_ok: OnOk, on_error: OnError) -> None:
        raise NotImplementedError

    def _place_yours(self, box: QPlainTextEdit) -> None:
        """Put the "Your text, not saved" box in the form's layout (once)."""
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def _failed(self, exc: BaseException) -> None:
        """A save (or another change) was not made: say so in `saved_label`."""
        raise NotImplementedError

    def _after_clash(self) -> None:
        """After another laptop's values were put in the fields: anything shown from them (nothing by default)."""

    @staticmethod
    def same_value(shown: object, now: object) -> bool:
        """Whether a field is unchanged since the form showed it (an empty text and no value are the same)."""
        return ("" if shown is None else shown) == ("" if now is None else now)

    # -- saving -----------------------------------------------------------------------------------------------
    def _edited(self, *_args: object) -> None:
        if self._filling or self.read_only or not self.loaded:
            return
        self.saved_label.setText(self.EDITING_TEXT)
        self.saved_label.setStyleSheet(HELP_STYLE)
        self.timer.start()

    def save_now(self, then: Callable[[], object] | None = None) -> None:
        """Send the form as a draft now (autosave, Ctrl+S, closing, a lock), then run `then` (reads run beside
        the writer, so a read that must see this save waits for it)."""
        self.timer.stop()
        if self.read_only or not self.loaded or self.view is None or self.view.status != "draft" or \
                not self.ops.is_open:
            if then is not None:
                then()
            return
        # Only the fields changed since the form showed them, each with the value it showed (its base): a
        # field another laptop changed meanwhile is refused by the service, never overwritten.
        now = self.current_fields()
        changed = {k: v for k, v in now.items() if not self.same_value(self._shown.get(k), v)}
        if not changed and not self.SAVES_WHEN_UNCHANGED:
            if then is not None:
                then()
            return
        base = {k: self._shown.get(k) for k in changed}

        def saved(_result: object) -> None:
            self._pending -= 1
            self._shown.update(changed)
            self._saved()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            if isinstance(exc, EditedElsewhere):
                self._edited_elsewhere(exc, changed)
                return
            self._failed(exc)

        self._pending += 1
        self._write_draft(changed, base, saved, failed)

    def _saved(self) -> None:
        self.saves += 1
        self.saved_label.setText("Draft saved")
        self.saved_label.setStyleSheet(HELP_STYLE)
        self.reload()

    def _edited_elsewhere(self, exc: EditedElsewhere, mine: Mapping[str, object]) -> None:
        """Another laptop changed fields this form was changing: show their values in the fields (the new base),
        and keep the officer's typing in 'Your text, not saved' beside them, to merge by hand."""
        kept: list[str] = []
        self._filling = True
        try:
            for key, value in exc.now.items():
                self._shown[key] = value
                self._put(key, value)
                mine_now = mine.get(key)
                if isinstance(mine_now, str) and mine_now.strip():
                    kept.append(f"{self.field_label(key)}:\n{mine_now.strip()}")
        finally:
            self._filling = False
        self._after_clash()
        if self.yours is None:
            self.yours = QPlainTextEdit()
            self.yours.setReadOnly(True)
            self.yours.setAccessibleName("Your text, not saved")
            self.yours.setMaximumHeight(140)
            self._place_yours(self.yours)
        self.yours.setPlainText("Your text, not saved (copy what you need into the field above):\n\n"
                                + "\n\n".join(kept) if kept else "")
        self.yours.setVisible(bool(kept))
        names = ", ".join(self.field_label(k) for k in exc.now)
        self.saved_label.setText(f"Not saved: {names} changed on another laptop since you opened it. The form now "
                                 "shows that text" + ("; your text is in the box below it, to merge and save again."
                                                      if kept else "."))
        self.saved_label.setStyleSheet(ERROR_STYLE)

    # -- closing ----------------------------------------------------------------------------------------------
    def ask_discard(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Discard this draft?",
                          f"Throw away this draft {self.DRAFT_NAME} and everything typed in it? Earlier assessments "
                          "are kept. (Closing the form instead keeps the draft.)", parent=self)
        drop = box.addButton("&Discard draft", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep the draft", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda clicked: self._discard() if clicked is drop else None)
        box.open()
        return box

    def _discard(self) -> None:
        self.timer.stop()
        self.read_only = True  # nothing more is saved into a draft being thrown away
        self._write_discard(lambda _r: self.accept(), self._failed)

    def reject(self) -> None:
        """Escape or Close: nothing typed is lost, as it is saved as a draft first (so there is nothing to ask)."""
        self.save_now()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_now()
        super().closeEvent(event)
