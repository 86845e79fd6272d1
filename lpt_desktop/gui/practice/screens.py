"""Where each practice check's fix lies: the screen key (practice.checks.SCREENS) -> the tab, page or dialog of
the case that fixes it, and the words of the panel's "Go to …" button.

One small map, so a new key without a target fails tests/gui/test_practice_panel.py. "Go to" never writes: it
brings the screen to the front and focuses the control that does the work (or opens the dialog that records it,
where the record it needs is already read). Targets that live in the window rather than the case (the returned
work list, the team manager's oversight note and countersign queue) go through the host's manager feature; with
no host (a case view on its own) they fall back to the case's own tabs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QAbstractButton, QTabWidget, QWidget

if TYPE_CHECKING:
    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.gui.assessments.needs_page import NeedsPage
    from lpt_desktop.gui.case_view import CaseView
    from lpt_desktop.gui.host import Host
    from lpt_desktop.practice.checks import CheckResult
    from lpt_desktop.services.needs import NeedsOverview

Go = Callable[["CaseView", "CheckResult", "Host | None"], str]  # returns what was opened, in words


@dataclass(frozen=True)
class Target:
    label: str  # the button's words after "Go to "
    go: Go


# -- helpers -----------------------------------------------------------------------------------------------
def _show_inside(view: CaseView, inner: QWidget) -> None:
    """Bring every tab holding `inner` to the front, outermost first (the case's sections, then the page's)."""
    chain: list[QWidget] = []
    w: QWidget | None = inner
    while w is not None and w is not view:
        chain.append(w)
        w = w.parentWidget()
    for holder in reversed(chain):
        if isinstance(holder, QTabWidget):
            for i in range(holder.count()):
                page = holder.widget(i)
                if page is not None and (page is inner or page.isAncestorOf(inner)):
                    holder.setCurrentIndex(i)
                    break


def _focus_first(*buttons: QWidget) -> QWidget | None:
    """Focus the first control on show and enabled (a hidden or disabled one is passed over)."""
    for b in buttons:
        if b.isVisibleTo(b.window()) and b.isEnabled():
            b.setFocus()
            return b
    return None


def _manager(host: Host | None) -> Any:
    if host is None:
        return None
    try:
        return host.feature("manager")
    except KeyError:
        return None


def _is_manager(host: Host | None) -> bool:
    desk = _manager(host)
    return bool(desk is not None and desk.is_manager)


# -- the assessments ---------------------------------------------------------------------------------------
def _rosh(view: CaseView, result: CheckResult, host: Host | None) -> str:
    page = view.show_assessments()
    _show_inside(view, page.rosh)
    _focus_first(page.rosh.confirm_button, page.rosh.start_button)
    return "RoSH"


def _needs_tab(tab: str | None) -> Go:
    def go(view: CaseView, result: CheckResult, host: Host | None) -> str:
        page = view.show_assessments()
        needs = page.needs
        _show_inside(view, needs)
        if tab is None:
            _focus_first(needs.start_button)
            return "Needs"
        if needs.overview is not None:
            return f"Needs: {tab}" if _needs_form_at(needs, needs.overview, tab) else _needs_start(needs)
        if view.ops is None:
            return _needs_start(needs)
        # The page reads its assessment when first shown, off the UI thread: read it here too and open the form
        # at its page when the answer arrives (the page's own read may come later).
        from lpt_desktop.services.needs import needs_overview

        view.ops.query(needs_overview, view.case.person_id, owner=needs, label="read the needs assessment",
                       on_ok=lambda o: _needs_form_at(needs, o, tab) or _needs_start(needs))
        return f"Needs: {tab}"
    return go


def _needs_form_at(needs: NeedsPage, overview: NeedsOverview, tab: str) -> QWidget | None:
    """The needs form open at the page `tab`: the draft (to answer it there), else the latest completed
    assessment, read-only (the check read it: the page shows what it left unanswered, and a new assessment
    answers it). None when there is no assessment at all."""
    chosen = overview.draft or overview.current
    if chosen is None:
        return None
    form = needs.open_form(chosen.id, read_only=overview.draft is None)
    if form is None:
        return None
    for i in range(form.tabs.count()):
        if form.tabs.tabText(i).replace("&", "") == tab:
            form.tabs.setCurrentIndex(i)
            break
    return form


def _needs_start(needs: NeedsPage) -> str:
    _focus_first(needs.start_button)
    return "Needs"


# -- the plans ---------------------------------------------------------------------------------------------
def _risk_plan(view: CaseView, result: CheckResult, host: Host | None) -> str:
    risk = view.show_plans().show_risk()
    _focus_first(risk.add_button, risk.start_button, risk.complete_button)
    return "Risk management plan"


def _risk_sharing(view: CaseView, result: CheckResult, host: Host | None) -> str:
    risk = view.show_plans().show_risk()
    if risk.plan is not None and risk.share_button.isEnabled() and risk.record_sharing() is not None:
        return "Risk management plan: shared with"
    _focus_first(risk.share_button, risk.start_button)
    return "Risk management plan"


def _sentence_plan(focus: str) -> Go:
    def go(view: CaseView, result: CheckResult, host: Host | None) -> str:
        plans = view.show_plans()
        page = plans.sentence
        _show_inside(view, page)
        if focus == "agreement" and page.plan is not None and page.open_agreement() is not None:
            return "Sentence plan: their words and agreement"
        if focus == "goals" and page.plan is not None:
            page.goals.setFocus()
        else:
            _focus_first(page.words_button if focus == "agreement" else page.start_button, page.start_button,
                         page.complete_button)
        return "Sentence plan"
    return go


def _countersign(view: CaseView, result: CheckResult, host: Host | None) -> str:
    desk = _manager(host)
    if desk is not None and desk.is_manager:
        desk.show_queue()
        return "Countersign queue"
    if desk is not None and view.returned_button.isVisible():
        desk.show_returns()
        return "Returned work"
    if result.check.id == "risk_plan_countersigned":
        return _risk_plan(view, result, host)
    if result.reason.startswith("The RoSH assessment"):
        return _rosh(view, result, host)
    page = view.show_plans().sentence
    _show_inside(view, page)
    _focus_first(page.complete_button, page.start_button)
    return "Sentence plan"


# -- contacts ----------------------------------------------------------------------------------------------
def _contacts(type_filter: str = "", enforcement: str = "") -> Go:
    def go(view: CaseView, result: CheckResult, host: Host | None) -> str:
        log = view.show_contacts()
        if log is None:
            return "Contacts"
        log.type_filter.setCurrentIndex(max(0, log.type_filter.findData(type_filter)))
        log.enforcement_filter.setCurrentIndex(max(0, log.enforcement_filter.findData(enforcement)))
        log.table.setFocus()
        return "Contacts"
    return go


def new_contact(view: CaseView, type_code: str) -> None:
    """The contact form opened on the case with the type chosen (the case's usual defaults otherwise)."""
    log = view.show_contacts()
    if log is None or view.ops is None:
        return
    from lpt_desktop.services.contacts import defaults_for

    def opened(defaults: ContactInput) -> None:
        if not defaults.location and log.default_location():
            defaults = dataclasses.replace(defaults, location=log.default_location())
        log.start_entry(dataclasses.replace(defaults, type_code=type_code))

    view.ops.query(defaults_for, view.case.person_id, on_ok=opened, owner=log, label="contact defaults")


def _new_contact(type_code: str, initial_type: str | None = None) -> Go:
    def go(view: CaseView, result: CheckResult, host: Host | None) -> str:
        code = initial_type if initial_type and result.check.id.startswith("high_rosh") else type_code
        new_contact(view, code)
        return "New contact"
    return go


def _oversight(view: CaseView, result: CheckResult, host: Host | None) -> str:
    desk = _manager(host)
    if desk is not None and desk.is_manager:
        desk.record_oversight()
        return "Record oversight"
    _contacts("MO1")(view, result, host)  # an officer sees what was recorded; the manager records it
    return "Contacts: management oversight"


def _registers(view: CaseView, result: CheckResult, host: Host | None) -> str:
    for i in range(view.sections.count()):
        page = view.sections.widget(i)
        if page is not None and (page is view.registers or page.isAncestorOf(view.registers)):
            view.sections.setCurrentIndex(i)
    # Add register… in focus (Enter presses it: its autoDefault, gui/case_record/registers_panel.py); the first
    # enabled button otherwise (a locked caseload).
    add = view.registers.add_button
    buttons = [add] if add.isEnabled() else [b for b in view.registers.findChildren(QAbstractButton)
                                             if b.isEnabled()]
    if buttons:
        buttons[0].setFocus()
    return "Registers"


TARGETS: dict[str, Target] = {
    "rosh_screening": Target("the RoSH assessment", _rosh),
    "rosh_full_analysis": Target("the RoSH assessment", _rosh),
    "rosh_sources": Target("the RoSH assessment", _rosh),
    "rosh_review": Target("the RoSH assessment", _rosh),
    "risk_plan": Target("the risk management plan", _risk_plan),
    "risk_plan_sharing": Target("the plan's sharing", _risk_sharing),
    "countersign": Target("the countersignature", _countersign),
    "sentence_plan": Target("the sentence plan", _sentence_plan("plan")),
    "sentence_plan_goals": Target("the plan's goals", _sentence_plan("goals")),
    "sentence_plan_agreement": Target("their words and agreement", _sentence_plan("agreement")),
    "needs_assessment": Target("the needs assessment", _needs_tab(None)),
    "needs_barriers": Target("the needs barriers", _needs_tab("Barriers")),
    "needs_skills": Target("Skills for Life", _needs_tab("Skills for Life")),
    "contacts": Target("the contacts", _contacts()),
    "enforcement": Target("the decisions owed", _contacts(enforcement="open")),
    "home_visit": Target("a new home visit", _new_contact("CHVS", initial_type="COHV")),
    "oversight": Target("management oversight", _oversight),
    "registers": Target("the registers", _registers),
    "victim_contact": Target("a victim liaison contact", _new_contact("CVIC")),
}


def _personal(view: CaseView, result: CheckResult, host: Host | None) -> str:
    view.show_personal()
    return "Personal details"


def target(key: str) -> Target:
    """The target of a screen key; an unknown key goes to the case's first tab rather than nowhere."""
    return TARGETS.get(key) or Target("the case record", _personal)


def go_to(view: CaseView, result: CheckResult, host: Host | None = None) -> str:
    """Open the screen that fixes this result (its own screen key: a result may point elsewhere than its check)."""
    return target(result.screen).go(view, result, host)
