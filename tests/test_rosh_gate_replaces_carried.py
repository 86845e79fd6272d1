"""A review that decides not to do a full analysis (review of issue 18, walk item 7): the gate's reason written in
this review replaces the screened-out 'why no full analysis was needed' carried from before, which is then not a
carried section to confirm (the form has no field for it there), and the PDF prints the current gate decision
and reason, never the old text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh
from lpt_desktop.services.rosh_document import GATE_HEADING, rosh_document
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import REASON, all_answers, complete_screened_out, levels, required_sources

GATE = "The domestic abuse was one incident in 2009, with no call-outs since; a new partner was seen at home."


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    database = create_caseload(tmp_path / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def test_the_gate_reason_replaces_the_carried_screened_out_reason(db: Database) -> None:
    start = TEST_TODAY - timedelta(days=300)
    pid = cr.create_case(db, cr.NewCase("G100001", "Sam", "Riley", date(1988, 4, 5), cr.SentenceIn(
        "CO", start, start + timedelta(days=700), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=start)
    complete_screened_out(db, pid, TEST_TODAY - timedelta(days=210))
    review = rosh.start_assessment(db, pid, today=TEST_TODAY)
    assert "summary.no_analysis_reason" in rosh.assessment_view(db, review, TEST_TODAY).unconfirmed  # carried in
    rosh.save_draft(db, review, rosh.AssessmentDraft(
        answers=all_answers(domestic_abuse={"previous": "yes"}), sources_checked=required_sources(),
        not_doing_full_analysis=True, gate_reason=GATE,
        summary=rosh.SummaryDraft(texts={"who_at_risk": "Partners", "nature": "Physical harm."},
                                  community=levels("H"))), TEST_TODAY)
    view = rosh.assessment_view(db, review, TEST_TODAY)
    assert view.full_analysis == "not_doing"
    assert "summary.no_analysis_reason" not in view.unconfirmed
    assert "summary.no_analysis_reason" not in {s.key for s in view.sections}
    assert view.no_analysis_reason == GATE
    for key in view.unconfirmed:
        rosh.confirm_carried(db, review, key, TEST_TODAY)
    assert rosh.complete_assessment(db, review, acknowledge_warnings=True, today=TEST_TODAY).completed
    doc = rosh_document(db, pid, TEST_TODAY)
    printed = {s.heading: s.text for s in doc.summary}
    assert printed[GATE_HEADING] == GATE
    assert REASON not in printed.values()


def test_the_pdf_prints_the_sources_checked_and_the_notes_on_them(db: Database) -> None:
    from lpt_desktop.assessment.rosh_screening import screening
    from lpt_desktop.services.rosh_document import SOURCES_HEADING

    start = TEST_TODAY - timedelta(days=60)
    pid = cr.create_case(db, cr.NewCase("G100002", "Sam", "Riley", date(1988, 4, 5), cr.SentenceIn(
        "CO", start, start + timedelta(days=700), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=start)
    aid = rosh.start_assessment(db, pid, today=TEST_TODAY)
    rosh.save_draft(db, aid, rosh.AssessmentDraft(
        answers=all_answers(), sources_checked=[*required_sources(), "other"],
        sources_note="Other: the hostel's incident log, seen 20/11/2026.",
        summary=rosh.SummaryDraft(community=levels("L"), no_analysis_reason=REASON)), TEST_TODAY)
    assert rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=TEST_TODAY).completed
    printed = {s.heading: s.text for s in rosh_document(db, pid, TEST_TODAY).summary}
    labels = {c.code: c.label for c in screening().sources}
    assert all(labels[c] in printed[SOURCES_HEADING] for c in [*required_sources(), "other"])
    assert printed["Notes on the sources"] == "Other: the hostel's incident log, seen 20/11/2026."
    other = next(c for c in screening().sources if c.code == "other")
    assert "Notes on the sources" in other.help


def test_a_carried_full_analysis_is_not_to_confirm_after_a_decision_not_to_do_one(db: Database) -> None:
    """The previous full analysis is hidden by the form once this review decides not to do one: it is then no
    carried section to confirm (nothing 'Go to it' could show)."""
    from tests.rosh_fill import full

    start = TEST_TODAY - timedelta(days=300)
    pid = cr.create_case(db, cr.NewCase("G100003", "Sam", "Riley", date(1988, 4, 5), cr.SentenceIn(
        "CO", start, start + timedelta(days=700), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=start)
    first = rosh.start_assessment(db, pid, today=start)
    full(db, first, "M", start)
    assert rosh.complete_assessment(db, first, acknowledge_warnings=True, today=start).completed
    review = rosh.start_assessment(db, pid, today=TEST_TODAY)
    assert any(k.startswith("analysis.") for k in rosh.assessment_view(db, review, TEST_TODAY).unconfirmed)
    rosh.decide_full_analysis(db, review, True, GATE)
    view = rosh.assessment_view(db, review, TEST_TODAY)
    assert not any(k.startswith("analysis.") for k in view.unconfirmed)
    assert not any(s.key.startswith("analysis.") for s in view.sections)
