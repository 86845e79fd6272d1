"""The RoSH form's autosave when another laptop changed the draft meanwhile (review of issue 18): the form sends
only what the officer changed, so the other text stays; a field both changed is refused, the form shows the
newer text in the field and the officer's typing in 'Your text, not saved' beside it, and says so in words."""

from __future__ import annotations

import pytest

from lpt_desktop.services import rosh
from tests.conftest import PASSPHRASE
from tests.gui.conftest import on_writer, unlock
from tests.gui.test_rosh_page import WAIT, _form, _new_case, _open_rosh, caseload  # noqa: F401 - the fixture

pytestmark = pytest.mark.gui


def _texts(qtbot, window, aid: str) -> dict[str, str]:
    view = on_writer(qtbot, window, rosh.assessment_view, aid)  # after the form's save: the writer keeps order
    return dict(view.summary_texts)  # type: ignore[attr-defined]


def test_the_form_keeps_both_officers_text(make_window, qtbot, caseload):  # noqa: F811
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    person = _new_case(qtbot, window, "R109001")
    page = _open_rosh(qtbot, window, person)
    page.start_button.click()
    form = _form(qtbot, page)
    aid = form.assessment_id
    # Another laptop's text arrives after the form was filled (as a sync writes it).
    on_writer(qtbot, window, rosh.save_summary, aid, rosh.SummaryDraft(texts={"nature": "A's text"}))
    form.sections["summary.who_at_risk"].edit.setPlainText("Ex-partner")
    saves = form.saves
    form.save_now()
    qtbot.waitUntil(lambda: form.saves > saves, timeout=WAIT)
    assert _texts(qtbot, window, aid) == {"who_at_risk": "Ex-partner", "nature": "A's text"}

    on_writer(qtbot, window, rosh.save_summary, aid, rosh.SummaryDraft(texts={"nature": "A's newer text"}))
    form.sections["summary.nature"].edit.setPlainText("B's own words")
    form.save_now()
    qtbot.waitUntil(lambda: "changed on another laptop" in form.saved_label.text(), timeout=WAIT)
    assert form.sections["summary.nature"].edit.toPlainText() == "A's newer text"
    assert form.yours is not None and form.yours.isVisibleTo(form)
    assert "B's own words" in form.yours.toPlainText()
    # Saving again now sends nothing of the refused field (its base is the newer text) and keeps both.
    saves = form.saves
    form.save_now()
    qtbot.waitUntil(lambda: form.saves > saves, timeout=WAIT)
    assert _texts(qtbot, window, aid) == {"who_at_risk": "Ex-partner", "nature": "A's newer text"}
