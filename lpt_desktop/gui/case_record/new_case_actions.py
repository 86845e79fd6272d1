"""Case › New case… (issue 16): installed as a feature (gui/features.py), so the frame does not change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from lpt_desktop.gui.case_record.new_case_dialog import NewCaseDialog

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host


class NewCaseController:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.dialog: NewCaseDialog | None = None
        # Ctrl+N records a contact; Ctrl+Shift+N is free (the window refuses a shortcut taken twice).
        self.action = host.add_action("&New case…", self.new_case, "Ctrl+Shift+N",
                                      "Open a case for someone new to the caseload: the person and their sentence")
        host.menu("&Case").addAction(self.action)

    def new_case(self) -> NewCaseDialog | None:
        if not self.host.is_unlocked:
            return None
        dialog = NewCaseDialog(self.host.ops, self.host.open_case, self.host.widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._made)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _made(self, person_id: str) -> None:
        # The caseload reloads itself on the Change.CASE the service announced; the new case opens in a tab.
        self.host.open_case(person_id)
        self.host.status_bar().showMessage("New case made", 4000)


def install(host: Host) -> NewCaseController:
    return NewCaseController(host)
