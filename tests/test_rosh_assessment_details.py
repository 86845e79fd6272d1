"""RoSH assessments through the services, the details a form relies on: each completion warning names its field
and step (no screen reads the words), a review's carried analysis asks to be confirmed or updated rather than
written, the sources checked have a note, a completed assessment shows its carried ages as of its completion,
comparisons take the day from the caller, and a new screening starts with nothing answered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import count

import pytest

from lpt_desktop.assessment import carried_forward as cf
from lpt_desktop.assessment.rosh_summary import assessment_data
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import REASON, all_answers, full, levels

TODAY = TEST_TODAY
START = TODAY - timedelta(days=900)
_crns = count(300001)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("rosh-details") / "r.lptdb", PASSPHRASE, "Alex Morgan",
                               "LPT0042", kdf=KdfParams.fast())
    yield database
    database.close()


def new_case(db: Database, start: date = START) -> str:
    return cr.create_case(db, cr.NewCase(f"Q{next(_crns)}", "Sam", "Riley", date(1988, 4, 5), cr.SentenceIn(
        "CO", start, start + timedelta(days=1090), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=min(start, TODAY))


def test_each_warning_names_its_field_and_step(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    rosh.save_draft(db, aid, rosh.AssessmentDraft(answers=all_answers(), sources_checked=["interview"],
                                                  summary=rosh.SummaryDraft(community=levels("M"),
                                                                            no_analysis_reason=REASON)), TODAY)
    warnings = rosh.completion_check(db, aid, TODAY).warnings
    assert [(w.field, w.step) for w in warnings] == [("Police domestic abuse call-outs", "sources"),
                                                    ("Children's services", "sources"),
                                                    (rosh.LEVELS_FIELD, "summary")]
    assert all(w.step in rosh.STEP_KEYS for w in warnings)
    assert warnings[0].message.startswith("Police domestic abuse call-outs not checked")
    # Completing returns and keeps the same words.
    done = rosh.complete_assessment(db, aid, today=TODAY)
    assert not done.completed and done.warnings == [w.message for w in warnings]
    # A reason for one check takes away only that one's warning.
    rosh.set_sources(db, aid, ["interview"], {"childrens_services": "Children's services have not replied yet."})
    assert [w.field for w in rosh.completion_check(db, aid, TODAY).warnings] == ["Police domestic abuse call-outs",
                                                                                 rosh.LEVELS_FIELD]


def test_a_new_screening_starts_with_nothing_answered(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    view = rosh.assessment_view(db, aid, TODAY)
    assert view.answers == {} and view.sources_checked == [] and view.source_reasons == {}
    assert set(view.community.values()) <= {None} and set(view.custody.values()) <= {None}
    assert view.full_analysis == "not_needed" and view.overall_level is None
    # Every question is asked: completing refuses each one unanswered, current and previous alike.
    fields = {e.field for e in rosh.completion_check(db, aid, TODAY).errors}
    from lpt_desktop.assessment.rosh_screening import screening

    assert {q.text for q in screening().questions} <= fields
    assert assessment_data().community_groups  # the levels are the data's, none chosen


def test_a_completed_assessment_shows_carried_ages_as_of_its_completion(db):
    pid = new_case(db)
    written, reviewed = TODAY - timedelta(days=800), TODAY - timedelta(days=400)
    first = rosh.start_assessment(db, pid, today=written)
    full(db, first, "M", written)
    assert rosh.complete_assessment(db, first, today=written).completed
    review = rosh.start_assessment(db, pid, today=reviewed)
    for key in rosh.assessment_view(db, review, reviewed).unconfirmed:
        rosh.confirm_carried(db, review, key, reviewed)
    assert rosh.complete_assessment(db, review, acknowledge_warnings=True, today=reviewed).completed
    later = rosh.assessment_view(db, review, TODAY)  # read long after
    carried = [sec for sec in later.sections if sec.carried]
    assert carried and all(sec.origin == written for sec in carried)
    assert all(sec.carried_label == cf.carried_label(written, reviewed) for sec in carried)
    assert "1 year 1 month old" in carried[0].carried_label  # as it was when completed, not 2 years 2 months
    # A draft's ages run on to the day it is read.
    draft = rosh.start_assessment(db, pid, today=TODAY)
    [sec, *_] = [x for x in rosh.assessment_view(db, draft, TODAY).sections if x.carried]
    assert sec.carried_label == cf.carried_label(sec.origin, TODAY)
    rosh.discard_draft(db, draft, TODAY)


def test_comparing_takes_the_day_from_the_caller(db):
    pid = new_case(db)
    written = TODAY - timedelta(days=300)
    first = rosh.start_assessment(db, pid, today=written)
    full(db, first, "M", written)
    assert rosh.complete_assessment(db, first, today=written).completed
    review = rosh.start_assessment(db, pid, today=TODAY)
    rosh.save_summary(db, review, rosh.SummaryDraft(texts={"imminence": "Evenings after drinking."},
                                                    community=levels("H")), TODAY)
    words = [d.words for d in rosh.compare_assessments(db, first, review, today=TODAY)]
    assert "When is the risk greatest: added" in words
    assert "Overall RoSH level: medium to high" in words
    rosh.discard_draft(db, review, TODAY)


def test_a_reviews_carried_analysis_is_to_confirm_or_update_not_to_write(db):
    pid = new_case(db)
    written = TODAY - timedelta(days=200)
    first = rosh.start_assessment(db, pid, today=written)
    full(db, first, "M", written)
    assert rosh.complete_assessment(db, first, today=written).completed
    review = rosh.start_assessment(db, pid, today=TODAY)
    assert rosh.assessment_view(db, review, TODAY).full_analysis == "carried"
    assert rosh.rosh_overview(db, pid, TODAY).draft.full_analysis == "carried"
    # Still owed until completed: the carried sections wait for confirmation (or rewriting), one by one.
    errors = {e.field for e in rosh.completion_check(db, review, TODAY).errors}
    assert "Current behaviour: What happened" in errors
    rosh.discard_draft(db, review, TODAY)
    # A first screening with a yes has nothing to carry: its analysis is to be written.
    other = new_case(db)
    aid = rosh.start_assessment(db, other, today=TODAY)
    rosh.save_draft(db, aid, rosh.AssessmentDraft(answers=all_answers(domestic_abuse={"current": "yes"})), TODAY)
    assert rosh.assessment_view(db, aid, TODAY).full_analysis == "required"


def test_the_sources_have_a_note_kept_with_the_assessment_and_not_carried_into_a_review(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    note = "Other: the hostel key worker's log, read 12/11/2026; children's services replied, not known."
    rosh.save_draft(db, aid, rosh.AssessmentDraft(answers=all_answers(), sources_checked=[
        "interview", "police_domestic_abuse", "childrens_services", "other"], sources_note=note,
        summary=rosh.SummaryDraft(community=levels("L"), no_analysis_reason=REASON)), TODAY)
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"imminence": "None identified."}), TODAY)  # kept beside
    assert rosh.assessment_view(db, aid, TODAY).sources_note == note
    assert rosh.complete_assessment(db, aid, today=TODAY).completed
    assert rosh.assessment_view(db, aid, TODAY).sources_note == note
    assert rosh.overview_json(rosh.rosh_overview(db, pid, TODAY))["screening"]["sources_note"] == note
    review = rosh.start_assessment(db, pid, today=TODAY)
    assert rosh.assessment_view(db, review, TODAY).sources_note == ""  # noted afresh with each check
    rosh.save_draft(db, review, rosh.AssessmentDraft(sources_note="  "), TODAY)
    assert rosh.assessment_view(db, review, TODAY).sources_note == ""
    with pytest.raises(ValidationError) as exc:
        rosh.save_draft(db, review, rosh.AssessmentDraft(sources_note=42), TODAY)  # type: ignore[arg-type]
    assert exc.value.errors[0].field == rosh.SOURCES_NOTE_FIELD
    rosh.discard_draft(db, review, TODAY)
