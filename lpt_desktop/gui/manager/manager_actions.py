"""The team manager's desktop (issue 19), and the officer's returned work.

install(host) adds the Manager menu (shown only when the laptop's sync role is team_manager, read with
services/countersign.current_actor at each unlock and after each sync): the countersign queue, recording a
management oversight contact, and the tier overrides awaiting agreement. On a manager's laptop the status bar
says the team's cases are read-only and host.ops refuses, in words, every write not on its list (gui/ops.py).
For officers, Case > Returned work lists what their manager returned, with the comment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.gui.manager.words import READ_ONLY_NOTE
from lpt_desktop.services import countersign as svc
from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from lpt_desktop.gui.case_view import CaseView
    from lpt_desktop.gui.host import Host
    from lpt_desktop.gui.manager.queue_view import QueueView
    from lpt_desktop.gui.manager.returns_view import ReturnsView
    from lpt_desktop.gui.practice.team_view import PracticeView
    from lpt_desktop.services.countersign import Actor, QueueItem, ReturnItem
    from lpt_desktop.store.database import Database

# Free in the window and every feature's menus (Ctrl+Shift+B/C/D/F/K/M/N/P/R/W are taken).
QUEUE_KEYS = "Ctrl+Shift+G"  # countersiGn
OVERSIGHT_KEYS = "Ctrl+Shift+O"
OVERRIDES_KEYS = "Ctrl+Shift+T"
RETURNS_KEYS = "Ctrl+Shift+U"  # retUrned work
PRACTICE_KEYS = "Ctrl+Shift+Q"  # practice Quality (issue 21): the team's on a manager's laptop, else the officer's
# What a manager's lists show again after: a countersignature, return or override decision (ASSESSMENT), a
# sync bringing the officers' work (it announces what it wrote), a case arriving or leaving.
REFRESH_ON = Change.ASSESSMENT | Change.CASE | Change.CONTACT
QUEUE_EMPTY = "Nothing awaits your countersignature. Work the officers submit arrives here after a sync."
OVERRIDES_EMPTY = "No tier override awaits your agreement."


def load_queue(db: Database) -> list[QueueItem]:
    return svc.countersign_queue(db)


def revise_and_find(db: Database, kind: str, target_id: str) -> tuple[str, str]:
    """The officer's Revise: the new draft's id and the case it is on (a write)."""
    from lpt_desktop.services.countersign_revise import revise

    new_id = revise(db, kind, target_id)
    with db.read() as s:
        return new_id, svc.person_of(s, kind, target_id)


class ManagerDesk(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.ops = host.ops
        self.actor: Actor | None = None
        self.queue: QueueView | None = None
        self.overrides: QueueView | None = None
        self.returns: ReturnsView | None = None
        self.practice: PracticeView | None = None
        self.items: list[QueueItem] = []
        self.dialog: Any = None
        self.refreshes = 0  # how many times the lists were read again (for the tests)

        act = host.add_action
        self.queue_action = act("&Countersign queue", self.show_queue, QUEUE_KEYS,
                                "The team's RoSH assessments and plans awaiting your countersignature")
        self.oversight_action = act("Record &oversight…", self.record_oversight, OVERSIGHT_KEYS,
                                    "Record a management oversight contact on one of the team's cases")
        self.overrides_action = act("&Tier overrides awaiting agreement", self.show_overrides, OVERRIDES_KEYS,
                                    "Officers' tier overrides: agree or refuse each, with a reason")
        self.menu = host.menu("&Manager")
        for a in (self.queue_action, self.oversight_action, self.overrides_action):
            self.menu.addAction(a)
        # Practice quality: in the Manager menu on a manager's laptop and in View on every laptop (an officer's
        # shows their own figures, saying so).
        self.practice_action = act("&Practice quality", self.show_practice, PRACTICE_KEYS,
                                   "Each inspection check's share met, by officer on a team manager's laptop, with "
                                   "charts and the cases most needing attention")
        self.menu.addAction(self.practice_action)
        host.menu("&View").addAction(self.practice_action)
        self.returns_action = act("Returned &work", self.show_returns, RETURNS_KEYS,
                                  "Work your team manager returned to you, with their comments")
        host.menu("&Case").addAction(self.returns_action)
        self.banner = QLabel(READ_ONLY_NOTE)
        self.banner.setAccessibleName("Team manager's laptop")
        self.banner.setWordWrap(False)
        self.banner.setStyleSheet("background: #fff4ce; color: #5c4400; border: 1px solid #e8c660; "
                                  "border-radius: 3px; padding: 1px 6px;")
        host.status_bar().addPermanentWidget(self.banner)
        self._show_role(None)

        host.unlocked.connect(self.read_role)
        host.locked.connect(self.clear)
        host.ops.changed.connect(self._changed)
        sync = self._sync()
        if sync is not None:
            sync.runner.finished.connect(lambda *_a: self._synced())
        host.case_opened.connect(self._case_opened)

    def _sync(self) -> Any:
        try:
            return self.host.feature("sync")
        except KeyError:
            return None

    # -- who is acting -------------------------------------------------------------------------------
    @property
    def is_manager(self) -> bool:
        return self.actor is not None and self.actor.role == cs.TEAM_MANAGER

    def read_role(self) -> None:
        if self.host.is_unlocked:
            self.ops.query(svc.current_actor, on_ok=self._role_read, owner=self, label="who this laptop acts as")

    def _role_read(self, actor: Actor) -> None:
        self.actor = actor
        self._show_role(actor)
        self.refresh()

    def _show_role(self, actor: Actor | None) -> None:
        manager = actor is not None and actor.role == cs.TEAM_MANAGER
        if actor is not None:
            # Kept through a lock (the window opens one file): writes stay limited from the moment of the
            # next unlock, not only once its role has been read again.
            self.ops.role = actor.role
        self.menu.menuAction().setVisible(manager)
        # A hidden menu's title still takes its Alt letter in QMenuBar: an officer's Alt+M (New main address…)
        # opened the menu bar. Only a manager's window has the letter (their Alt+M is the Manager menu; the
        # address buttons it would shadow are writes a manager's laptop refuses anyway).
        self.menu.setTitle("&Manager" if manager else "Manager")
        for a in (self.queue_action, self.oversight_action, self.overrides_action):
            a.setVisible(manager)
            a.setEnabled(manager and self.host.is_unlocked)
        self.returns_action.setVisible(not manager)
        self.banner.setVisible(manager)
        self.banner.setToolTip("This laptop is a team manager's: what you may change here is listed; the central "
                               "store refuses any other change" if manager else "")

    def clear(self) -> None:
        self.actor = None
        self._show_role(None)
        self.items = []
        for view in (self.queue, self.overrides):
            if view is not None:
                view.set_rows([])
        if self.returns is not None:
            self.returns.set_rows([])

    def _changed(self, changes: Change) -> None:
        if changes & REFRESH_ON:
            self.refresh()

    def _synced(self) -> None:
        self.read_role()  # an enrolment, or the central store's word on the role, may change it

    # -- the lists -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.host.is_unlocked:
            return
        self.refreshes += 1
        if self.queue is not None or self.overrides is not None:
            self.ops.query(load_queue, on_ok=self._queue_read, owner=self, label="the countersign queue")
        if self.returns is not None:
            self.ops.query(svc.returns_for_officer, on_ok=self._returns_read, owner=self, label="returned work")

    def _queue_read(self, items: list[QueueItem]) -> None:
        self.items = items
        if self.queue is not None:
            self.queue.set_rows([i for i in items if i.target_kind != cs.TIER_DECISION])
        if self.overrides is not None:
            self.overrides.set_rows([i for i in items if i.target_kind == cs.TIER_DECISION])

    def _returns_read(self, items: list[ReturnItem]) -> None:
        if self.returns is not None:
            self.returns.set_rows(items)

    def _make_list(self, overrides: bool) -> QueueView:
        from lpt_desktop.gui.manager.queue_view import QueueView

        if overrides:
            view = QueueView("Tier overrides awaiting agreement",
                             "Officers' tier overrides: the override is in force meanwhile. Open one to agree or "
                             "refuse it, with a reason.", OVERRIDES_EMPTY, overrides=True)
        else:
            view = QueueView("Countersign queue",
                             "The team's work awaiting your countersignature: high and very high RoSH first, then "
                             "the oldest first. Open one to read it and countersign it or return it to the "
                             "officer.", QUEUE_EMPTY)
        view.open_requested.connect(self.open_item)
        return view

    def show_queue(self) -> QueueView | None:
        if not (self.host.is_unlocked and self.is_manager):
            return None
        if self.queue is None:
            self.queue = self._make_list(False)
            self.queue.destroyed.connect(lambda *_a: setattr(self, "queue", None))
        self.host.show_tab(self.queue, "Countersign queue", f"The team's work awaiting countersignature "
                                                            f"({QUEUE_KEYS})")
        self.queue.table.setFocus()
        self.refresh()
        return self.queue

    def show_overrides(self) -> QueueView | None:
        if not (self.host.is_unlocked and self.is_manager):
            return None
        if self.overrides is None:
            self.overrides = self._make_list(True)
            self.overrides.destroyed.connect(lambda *_a: setattr(self, "overrides", None))
        self.host.show_tab(self.overrides, "Tier overrides", f"Tier overrides awaiting agreement "
                                                             f"({OVERRIDES_KEYS})")
        self.overrides.table.setFocus()
        self.refresh()
        return self.overrides

    def open_item(self, item: QueueItem) -> Any:
        from lpt_desktop.gui.manager.override_dialog import OverrideDialog
        from lpt_desktop.gui.manager.review_dialog import ReviewDialog

        if not self.host.is_unlocked:
            return None
        dialog: Any
        if item.target_kind == cs.TIER_DECISION:
            dialog = OverrideDialog(self.ops, item, self.host.widget())
            dialog.saved.connect(lambda status: self._said(item, status))
        else:
            dialog = ReviewDialog(self.ops, item, self.host.widget())
            dialog.acted.connect(lambda status: self._said(item, status))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _said(self, item: QueueItem, status: str) -> None:
        text = f"{item.kind_label} for {item.name}: {cs.status_label(status).lower()}"
        self.host.status_bar().showMessage(text, 6000)
        for view in (self.queue, self.overrides):
            if view is not None:
                view.say(text)

    def record_oversight(self) -> Any:
        from lpt_desktop.gui.manager.oversight_dialog import OversightDialog

        if not (self.host.is_unlocked and self.is_manager):
            return None
        current = self.host.current_case()
        person_id = current.case.person_id if current is not None else None
        if person_id is None and self.practice is not None and self.practice.isVisible():
            person_id = self.practice.chosen_person_id()  # the case chosen in the practice view
        dialog = OversightDialog(self.ops, self.host.caseload_records(), person_id, self.host.widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _cid: self.host.status_bar().showMessage("Management oversight recorded", 5000))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _case_opened(self, person_id: str) -> None:
        # The case header's "Returned: …" opens the list of returned work.
        for view in self.host.case_views():
            if view.case.person_id == person_id and not view.property("returns_linked"):
                view.setProperty("returns_linked", True)
                view.returns_requested.connect(self.show_returns)

    # -- practice quality (issue 21) -------------------------------------------------------------------
    def show_practice(self) -> PracticeView | None:
        from lpt_desktop.gui.practice.team_view import TITLE, PracticeView

        if not self.host.is_unlocked:
            return None
        if self.practice is None:
            view = PracticeView(self.ops, self.host.prefs, (self.queue_action, self.oversight_action))
            # A case opened from the practice view lands on its Inspection readiness tab (review 21).
            view.open_case_requested.connect(lambda pid: self.host.open_case(pid, then=_on_readiness))
            view.destroyed.connect(lambda *_a: setattr(self, "practice", None))
            self.practice = view
        self.host.show_tab(self.practice, TITLE, f"Practice against the inspection's criteria ({PRACTICE_KEYS})")
        self.practice.pages.currentWidget().setFocus()
        self.practice.reload()  # quick after the first time: the audit is kept until the next write
        return self.practice

    # -- the officer's returned work -------------------------------------------------------------------
    def show_returns(self) -> ReturnsView | None:
        from lpt_desktop.gui.manager.returns_view import ReturnsView

        if not self.host.is_unlocked:
            return None
        if self.returns is None:
            view = ReturnsView()
            view.open_requested.connect(lambda r: self.host.open_case(r.person_id))
            view.revise_requested.connect(self.revise)
            view.destroyed.connect(lambda *_a: setattr(self, "returns", None))
            self.returns = view
        self.host.show_tab(self.returns, "Returned work", f"Work your manager returned ({RETURNS_KEYS})")
        self.returns.table.setFocus()
        self.refresh()
        return self.returns

    def revise(self, item: ReturnItem) -> None:
        """Start (or continue) the revision, then open the case at it."""
        if not self.host.is_unlocked:
            return
        if item.revision_id:
            self._open_revision(item, item.revision_id)
            return

        def failed(exc: BaseException) -> None:
            errors = getattr(exc, "errors", None)
            if self.returns is not None and errors:
                self.returns.say("Not started: " + "; ".join(str(e) for e in errors))
            else:
                self.host.report_error(exc)

        self.ops.write(revise_and_find, item.target_kind, item.target_id, owner=self, on_error=failed,
                       on_ok=lambda r: self._open_revision(item, r[0]), label="revise returned work")

    def _open_revision(self, item: ReturnItem, new_id: str) -> None:
        def show(view: CaseView) -> None:
            if item.target_kind == cs.ROSH_ASSESSMENT:
                page = view.show_assessments()
                tabs = page.sections
                tabs.setCurrentIndex(next((i for i in range(tabs.count()) if tabs.tabText(i) == "RoSH"), 0))
                page.rosh.refresh()
                page.rosh.open_form(new_id)
            elif item.target_kind == cs.SENTENCE_PLAN:
                plans = view.show_plans()
                plans.kinds.setCurrentIndex(0)  # the sentence plan is first; it shows the open draft
                plans.sentence.refresh()
            else:
                view.show_plans().show_risk().refresh()

        self.host.status_bar().showMessage(f"Revising the {item.kind_label.lower()} for {item.name}", 5000)
        self.host.open_case(item.person_id, show)


def install(host: Host) -> ManagerDesk:
    """Add the Manager menu and Case > Returned work; the controller is host.feature("manager")."""
    return ManagerDesk(host)


def _on_readiness(view: CaseView) -> None:
    """A case opened from the practice view: on its Inspection readiness tab, where its checks not met are."""
    view.show_readiness()
